package telegramtest

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// parseHTML follows the real server's HTML parser (tdlib parse_html): the same tags,
// attributes and error messages, byte offsets included. One deliberate difference: an
// "&" that does not start a valid character reference (&lt; &gt; &amp; &quot; or a
// numeric one) is an error here, where Telegram shows it literally. A bot that forgets
// to escape user text then fails loudly in tests, instead of showing "&lt;" typed by a
// user as "<".
func parseHTML(s string) (string, []entity, string) {
	type openTag struct {
		tag, arg string
		offset   int // UTF-16 offset in the result
	}
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	out := make([]byte, 0, len(s))
	var stack []openTag
	var ents []entity
	off := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c == '&' {
			r, n := decodeHTMLEntity(s, i)
			if n == 0 {
				return "", nil, `Unescaped "&" at byte offset ` + strconv.Itoa(i) + `; write it as "&amp;"`
			}
			out = utf8.AppendRune(out, r)
			off += utf16RuneLen(r)
			i += n
			continue
		}
		if c != '<' {
			out = append(out, c)
			off += unitsOfByte(c)
			i++
			continue
		}
		begin := i
		if at(i+1) != '/' {
			i++
			nameStart := i
			for !isHTMLSpace(at(i)) && at(i) != '>' {
				i++
			}
			if at(i) == 0 {
				return "", nil, "Unclosed start tag at byte offset " + strconv.Itoa(begin)
			}
			tag := strings.ToLower(s[nameStart:i])
			if !supportedTag(tag) {
				return "", nil, `Unsupported start tag "` + tag + `" at byte offset ` + strconv.Itoa(begin)
			}
			arg := ""
			for at(i) != '>' {
				for at(i) != 0 && isHTMLSpace(at(i)) {
					i++
				}
				if at(i) == '>' {
					break
				}
				attrStart := i
				for !isHTMLSpace(at(i)) && at(i) != '=' {
					i++
				}
				attr := s[attrStart:i]
				if attr == "" {
					return "", nil, `Empty attribute name in the tag "` + tag + `" at byte offset ` + strconv.Itoa(begin)
				}
				for at(i) != 0 && isHTMLSpace(at(i)) {
					i++
				}
				if at(i) != '=' {
					return "", nil, `Expected equal sign in declaration of an attribute of the tag "` + tag + `" at byte offset ` + strconv.Itoa(begin)
				}
				i++
				for at(i) != 0 && isHTMLSpace(at(i)) {
					i++
				}
				if at(i) == 0 {
					return "", nil, `Unclosed start tag "` + tag + `" at byte offset ` + strconv.Itoa(begin)
				}
				var val string
				if q := at(i); q != '\'' && q != '"' {
					tokStart := i
					for isAlnum(at(i)) || at(i) == '.' || at(i) == '-' {
						i++
					}
					val = strings.ToLower(s[tokStart:i])
					if !isHTMLSpace(at(i)) && at(i) != '>' {
						return "", nil, "Unexpected end of name token at byte offset " + strconv.Itoa(tokStart)
					}
				} else {
					i++
					var vb []byte
					for at(i) != q && at(i) != 0 {
						if at(i) == '&' {
							r, n := decodeHTMLEntity(s, i)
							if n == 0 {
								return "", nil, `Unescaped "&" at byte offset ` + strconv.Itoa(i) + `; write it as "&amp;"`
							}
							vb = utf8.AppendRune(vb, r)
							i += n
							continue
						}
						vb = append(vb, s[i])
						i++
					}
					if at(i) == q {
						i++
					}
					val = string(vb)
				}
				if at(i) == 0 {
					return "", nil, "Unclosed start tag at byte offset " + strconv.Itoa(begin)
				}
				switch {
				case tag == "a" && attr == "href":
					arg = val
				case tag == "code" && attr == "class" && strings.HasPrefix(val, "language-"):
					arg = val[len("language-"):]
				case tag == "span" && attr == "class" && strings.HasPrefix(val, "tg-"):
					arg = val[len("tg-"):]
				case tag == "tg-emoji" && attr == "emoji-id":
					arg = val
				case tag == "blockquote" && attr == "expandable":
					arg = "1"
				}
			}
			i++ // past '>'
			if tag == "span" && arg != "spoiler" {
				return "", nil, `Tag "span" must have class "tg-spoiler" at byte offset ` + strconv.Itoa(begin)
			}
			stack = append(stack, openTag{tag: tag, arg: arg, offset: off})
			continue
		}
		// closing tag
		if len(stack) == 0 {
			return "", nil, "Unexpected end tag at byte offset " + strconv.Itoa(begin)
		}
		i += 2
		nameStart := i
		for !isHTMLSpace(at(i)) && at(i) != '>' {
			i++
		}
		if at(i) == 0 {
			return "", nil, "Unclosed end tag at byte offset " + strconv.Itoa(begin)
		}
		endTag := strings.ToLower(s[nameStart:i])
		for at(i) != 0 && isHTMLSpace(at(i)) {
			i++
		}
		if at(i) != '>' {
			return "", nil, "Unclosed end tag at byte offset " + strconv.Itoa(begin)
		}
		i++
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if endTag != "" && endTag != top.tag {
			return "", nil, "Unmatched end tag at byte offset " + strconv.Itoa(begin) +
				`, expected "</` + top.tag + `>", found "</` + endTag + `>"`
		}
		if off > top.offset {
			ents = closeHTMLEntity(ents, top.tag, top.arg, top.offset, off-top.offset)
		}
	}
	if len(stack) > 0 {
		return "", nil, `Can't find end tag corresponding to start tag "` + stack[len(stack)-1].tag + `"`
	}
	return string(out), ents, ""
}

// closeHTMLEntity appends the entity a closed tag makes.
func closeHTMLEntity(ents []entity, tag, arg string, offset, length int) []entity {
	e := entity{offset: offset, length: length}
	switch tag {
	case "b", "strong":
		e.typ = "bold"
	case "i", "em":
		e.typ = "italic"
	case "u", "ins":
		e.typ = "underline"
	case "s", "strike", "del":
		e.typ = "strikethrough"
	case "tg-spoiler", "span":
		e.typ = "spoiler"
	case "a":
		if arg == "" {
			return ents
		}
		e.typ, e.arg = "text_link", arg
	case "code":
		e.typ, e.arg = "code", arg // arg: a language, moved to an enclosing pre
	case "pre":
		e.typ = "pre"
		// <pre><code class="language-go">…</code></pre> is one pre entity with a language.
		if n := len(ents); n > 0 {
			if last := ents[n-1]; last.typ == "code" && last.offset == offset && last.length == length {
				e.arg = last.arg
				ents = ents[:n-1]
			}
		}
	case "blockquote":
		e.typ = "blockquote"
		if arg != "" {
			e.typ = "expandable_blockquote"
		}
	case "tg-emoji":
		if arg == "" {
			return ents
		}
		e.typ, e.arg = "custom_emoji", arg
	}
	return append(ents, e)
}

// decodeHTMLEntity decodes the character reference at s[pos] ('&') as tdlib does, with
// or without the closing ';'. n is the number of bytes used, 0 when it is not one.
func decodeHTMLEntity(s string, pos int) (r rune, n int) {
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	end := pos + 1
	var res uint32
	if at(pos+1) == '#' {
		end++
		if at(pos+2) == 'x' {
			end++
			for isHex(at(end)) {
				res = res*16 + uint32(hexValue(at(end)))
				end++
				if res >= 0x10ffff {
					return 0, 0
				}
			}
		} else {
			for at(end) >= '0' && at(end) <= '9' {
				res = res*10 + uint32(at(end)-'0')
				end++
				if res >= 0x10ffff {
					return 0, 0
				}
			}
		}
		if res == 0 || res >= 0x10ffff || end-pos >= 10 || res >= 0xD800 && res <= 0xDFFF {
			return 0, 0
		}
	} else {
		for isAlpha(at(end)) {
			end++
		}
		switch s[pos+1 : end] {
		case "lt":
			res = '<'
		case "gt":
			res = '>'
		case "amp":
			res = '&'
		case "quot":
			res = '"'
		default:
			return 0, 0
		}
	}
	if at(end) == ';' {
		end++
	}
	return rune(res), end - pos
}

func supportedTag(t string) bool {
	switch t {
	case "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
		"tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote":
		return true
	}
	return false
}

// isHTMLSpace is tdlib's is_space; it counts the end of the text (0) as space, which
// is what stops its scans there.
func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0 || c == '\v'
}

func isAlpha(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isAlnum(c byte) bool { return isAlpha(c) || c >= '0' && c <= '9' }
func isHex(c byte) bool   { return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' }

func hexValue(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	default:
		return int(c-'A') + 10
	}
}
