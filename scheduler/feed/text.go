package feed

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/text/unicode/norm"
)

// SummaryLen is the most characters of an item's summary a message shows.
const SummaryLen = 300

// inline are the elements that sit inside a line of text: their tags do
// not separate words ("tin <b>5</b>." is "tin 5.").
var inline = map[string]bool{
	"a": true, "abbr": true, "b": true, "bdi": true, "bdo": true, "cite": true, "code": true, "data": true, "dfn": true,
	"em": true, "font": true, "i": true, "kbd": true, "mark": true, "q": true, "s": true, "samp": true, "small": true,
	"span": true, "strike": true, "strong": true, "sub": true, "sup": true, "time": true, "u": true, "var": true, "wbr": true,
}

// plainText returns the text of an HTML fragment: tags dropped (with what
// is inside script and style), character references decoded, every run of
// white space one space, in NFC.
func plainText(s string) string {
	if !strings.ContainsAny(s, "<&") {
		return squeeze(s)
	}
	var b strings.Builder
	z := html.NewTokenizer(strings.NewReader(s))
	skip := 0 // inside script or style
	for {
		switch z.Next() {
		case html.ErrorToken:
			return squeeze(b.String())
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip++
			}
			if !inline[string(name)] {
				b.WriteByte(' ') // <br>, <p>, <td>: a break between words
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style":
				skip = max(0, skip-1)
			}
			if !inline[string(name)] {
				b.WriteByte(' ')
			}
		}
	}
}

// squeeze turns every run of white space into one space, trims, drops
// control characters and invalid bytes, and composes to NFC.
func squeeze(s string) string {
	s = strings.ToValidUTF8(s, "")
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) && !unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	return norm.NFC.String(strings.Join(strings.Fields(s), " "))
}

// cut shortens text to at most n characters, cut at the end of a word and
// ending in "…" when something was cut.
func cut(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n] // the "…" takes the place of r[n-1] at least
	end := len(r) - 1
	for i := len(r) - 1; i > n/2; i-- {
		if unicode.IsSpace(r[i]) {
			end = i
			break
		}
	}
	out := strings.TrimRightFunc(string(r[:end]), func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
	return out + "…"
}
