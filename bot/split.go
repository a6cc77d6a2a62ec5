package bot

import (
	"strings"
	"unicode/utf8"
)

// Telegram's limits on the length of a message's text and of a caption.
// Telegram counts characters after parsing the HTML; counting the HTML
// itself, as split does, can only err on the short side.
const (
	maxText    = 4096
	maxCaption = 1024
)

// split cuts an HTML message into parts of at most limit UTF-16 units,
// at paragraph boundaries where it can, then at line breaks, then at
// spaces; it never cuts inside a character reference such as &amp;. The
// messages the bot makes keep their tags within one line, so every part is
// valid HTML on its own.
func split(text string, limit int) []string {
	var parts []string
	for units(text) > limit {
		cut := cutAt(text, limit)
		if p := strings.TrimRight(text[:cut], " \n"); p != "" {
			parts = append(parts, p)
		}
		text = strings.TrimLeft(text[cut:], " \n")
	}
	if text != "" || len(parts) == 0 {
		parts = append(parts, text)
	}
	return parts
}

// cutAt returns the byte offset where to cut text so that the head fits in
// limit units: the last paragraph break, line break or space that fits, or
// a hard cut between characters as a last resort.
func cutAt(text string, limit int) int {
	fit := 0 // bytes of text that fit in limit units
	n := 0
	for i, r := range text {
		n += units(string(r))
		if n > limit {
			break
		}
		fit = i + utf8.RuneLen(r)
	}
	if fit == 0 {
		_, size := utf8.DecodeRuneInString(text)
		return size
	}
	head := text[:fit]
	for _, sep := range []string{"\n\n", "\n", " "} {
		// A break in the first half would make many short parts: cut hard instead.
		if i := strings.LastIndex(head, sep); i > fit/2 {
			return i
		}
	}
	// Do not split a character reference: cut before its '&'.
	if amp := strings.LastIndexByte(head, '&'); amp > 0 && !strings.Contains(head[amp:], ";") {
		return amp
	}
	return fit
}

// units is the length of s in UTF-16 code units, as Telegram counts.
func units(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}
