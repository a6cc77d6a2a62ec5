package telegramtest

import (
	"sort"
	"strings"
	"unicode/utf8"
)

// Limits on formatted text, counted like Telegram: after parsing the markup, in UTF-16
// code units (a precomposed Vietnamese letter is one unit, an emoji outside the BMP two).
const (
	maxTextUnits    = 4096
	maxCaptionUnits = 1024
)

// entity is a MessageEntity; offsets and lengths are in UTF-16 code units.
type entity struct {
	typ    string
	offset int
	length int
	arg    string // url of a text_link, language of a pre, id of a custom_emoji
}

// utf16Len counts the UTF-16 code units of valid UTF-8 text: one per character, two for
// characters encoded in four bytes (those outside the BMP).
func utf16Len(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c&0xC0 != 0x80 {
			n++
			if c >= 0xF0 {
				n++
			}
		}
	}
	return n
}

// unitsOfByte is how many UTF-16 units the character starting with byte c adds; 0 for a
// continuation byte, so that a byte-wise scan can keep a running UTF-16 offset.
func unitsOfByte(c byte) int {
	switch {
	case c&0xC0 == 0x80:
		return 0
	case c >= 0xF0:
		return 2
	default:
		return 1
	}
}

func utf16RuneLen(r rune) int {
	if r >= 0x10000 {
		return 2
	}
	return 1
}

// formatText turns a text parameter and its parse_mode into what the user sees and its
// entities, or the description of the 400 the real server answers.
func formatText(raw, mode string) (text string, ents []entity, desc string) {
	if !utf8.ValidString(raw) {
		return "", nil, descUTF8
	}
	var perr string
	switch strings.ToLower(mode) {
	case "":
		text = raw
	case "html":
		text, ents, perr = parseHTML(raw)
	case "markdownv2":
		text, ents, perr = parseMarkdownV2(raw)
	case "markdown":
		text, ents, perr = parseMarkdown(raw)
	default:
		return "", nil, descBadParseMode
	}
	if perr != "" {
		return "", nil, descParseEntities + perr
	}
	sort.SliceStable(ents, func(i, j int) bool {
		if ents[i].offset != ents[j].offset {
			return ents[i].offset < ents[j].offset
		}
		return ents[i].length > ents[j].length
	})
	text, ents = trimText(text, ents)
	return text, ents, ""
}

// internParseMode returns the usual parse modes as shared constants, so that stored
// messages do not each keep a copy of the parameter.
func internParseMode(v string) string {
	switch v {
	case "HTML":
		return "HTML"
	case "MarkdownV2":
		return "MarkdownV2"
	case "Markdown":
		return "Markdown"
	case "":
		return ""
	}
	return v
}

func isTrimSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// trimText drops leading and trailing whitespace as Telegram does (so "  " is an empty
// message) and moves the entities with the text.
func trimText(text string, ents []entity) (string, []entity) {
	left := 0
	for left < len(text) && isTrimSpace(text[left]) {
		left++
	}
	right := len(text)
	for right > left && isTrimSpace(text[right-1]) {
		right--
	}
	if left == 0 && right == len(text) {
		return text, ents
	}
	text = text[left:right]
	n := utf16Len(text)
	kept := ents[:0]
	for _, e := range ents {
		start, end := e.offset-left, e.offset+e.length-left // whitespace is one unit a byte
		start, end = max(start, 0), min(end, n)
		if end > start {
			e.offset, e.length = start, end-start
			kept = append(kept, e)
		}
	}
	if len(kept) == 0 {
		kept = nil
	}
	return text, kept
}

// appendEntities appends `,"<key>":[...]` when there are entities.
func appendEntities(b []byte, key string, ents []entity) []byte {
	if len(ents) == 0 {
		return b
	}
	b = append(b, ',', '"')
	b = append(b, key...)
	b = append(b, `":[`...)
	for i, e := range ents {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"offset":`...)
		b = appendInt(b, int64(e.offset))
		b = append(b, `,"length":`...)
		b = appendInt(b, int64(e.length))
		b = append(b, `,"type":`...)
		b = appendString(b, e.typ)
		if e.arg != "" {
			switch e.typ {
			case "text_link":
				b = append(b, `,"url":`...)
			case "pre":
				b = append(b, `,"language":`...)
			case "custom_emoji":
				b = append(b, `,"custom_emoji_id":`...)
			}
			b = appendString(b, e.arg)
		}
		b = append(b, '}')
	}
	return append(b, ']')
}

// sameEntities tells whether two entity lists format text identically.
func sameEntities(a, b []entity) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// commandEntity is the bot_command entity Telegram puts on a message starting with a
// command: "/" and word characters, with an optional "@botname" suffix.
func commandEntity(text string) []entity {
	if len(text) < 2 || text[0] != '/' {
		return nil
	}
	i := 1
	for i < len(text) && isWordByte(text[i]) {
		i++
	}
	if i == 1 {
		return nil
	}
	if i < len(text) && text[i] == '@' {
		j := i + 1
		for j < len(text) && isWordByte(text[j]) {
			j++
		}
		if j > i+1 {
			i = j
		}
	}
	return []entity{{typ: "bot_command", offset: 0, length: i}} // ASCII: bytes are units
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
