package feed

import (
	"bytes"
	"mime"
	"regexp"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Sites declare their charset wrongly or not at all, so the bytes are
// believed before the labels: text that is valid UTF-8 is UTF-8 whatever
// it claims (Latin-1 or windows-1258 text with accents practically never is
// valid UTF-8), and so is text that is UTF-8 but for a few stray bytes
// (those become U+FFFD). Other text is decoded by what it declares, or else
// by the HTTP header, or else as windows-1252, a superset of Latin-1.
// Everything is handed on as UTF-8.

var (
	utf8BOM  = []byte{0xEF, 0xBB, 0xBF}
	xmlDecl  = regexp.MustCompile(`^\s*<\?xml\b[^>]*?\?>`)
	declEnc  = regexp.MustCompile(`(\bencoding\s*=\s*)(["'])([^"']*)(["'])`)
	utf8Name = map[string]bool{"utf-8": true, "utf8": true}
)

// toUTF8XML returns an XML document as UTF-8 with a declaration that says
// so (or none), whatever charset it was in or claimed.
func toUTF8XML(body []byte, contentType string) []byte {
	body = fromBOM(body)
	decl := xmlDecl.Find(body)
	declared := ""
	if m := declEnc.FindSubmatch(decl); m != nil {
		declared = strings.ToLower(strings.TrimSpace(string(m[3])))
	}
	switch {
	case utf8.Valid(body):
	case mostlyUTF8(body):
		body = bytes.ToValidUTF8(body, []byte("\uFFFD"))
	default:
		enc := lookup(declared)
		if enc == nil {
			enc = lookup(headerCharset(contentType))
		}
		if enc == nil {
			enc = charmap.Windows1252
		}
		if out, err := enc.NewDecoder().Bytes(body); err == nil {
			body = out
		}
	}
	if declared != "" && !utf8Name[declared] {
		// The bytes are UTF-8 now: the declaration must not send the
		// parser to another decoder.
		fixed := declEnc.ReplaceAll(xmlDecl.Find(body), []byte("${1}${2}UTF-8${4}"))
		body = append(fixed, body[len(xmlDecl.Find(body)):]...)
	}
	return body
}

// toUTF8HTML returns an HTML page as UTF-8, whatever charset it was in or
// claimed (meta tags are left as they are: the parser reads UTF-8).
func toUTF8HTML(body []byte, contentType string) []byte {
	body = fromBOM(body)
	if utf8.Valid(body) {
		return body
	}
	if mostlyUTF8(body) {
		return bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	enc, name, _ := charset.DetermineEncoding(body, contentType)
	if utf8Name[name] || enc == nil {
		enc = charmap.Windows1252 // it said UTF-8, and it is not
	}
	if out, err := enc.NewDecoder().Bytes(body); err == nil {
		return out
	}
	return bytes.ToValidUTF8(body, []byte("\uFFFD"))
}

// mostlyUTF8 says whether text that is not valid UTF-8 is UTF-8 all the
// same, with a few stray bytes: it has many more well-formed multi-byte
// characters than bytes that fit no character. Text in a single-byte
// charset has almost none of the former.
func mostlyUTF8(b []byte) bool {
	multi, bad := 0, 0
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n == 1:
			bad++
		case n > 1:
			multi++
		}
		b = b[n:]
	}
	return multi > 10*bad
}

// fromBOM decodes a body that starts with a UTF-16 byte order mark, and
// drops a UTF-8 one.
func fromBOM(body []byte) []byte {
	switch {
	case bytes.HasPrefix(body, utf8BOM):
		return body[len(utf8BOM):]
	case bytes.HasPrefix(body, []byte{0xFE, 0xFF}), bytes.HasPrefix(body, []byte{0xFF, 0xFE}):
		dec := unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM).NewDecoder()
		if out, err := dec.Bytes(body); err == nil {
			return out
		}
	}
	return body
}

// lookup returns the encoding of a charset label, or nil for none, an
// unknown one, or UTF-8 itself (which the bytes have shown they are not).
func lookup(label string) encoding.Encoding {
	if label == "" || utf8Name[label] {
		return nil
	}
	enc, name := charset.Lookup(label)
	if enc == nil || name == "utf-8" {
		return nil
	}
	return enc
}

// headerCharset returns the charset parameter of a Content-Type header.
func headerCharset(contentType string) string {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(params["charset"]))
}
