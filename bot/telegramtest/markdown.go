package telegramtest

import (
	"strconv"
	"strings"
)

// The Markdown parsers follow tdlib's parse_markdown_v2 and parse_markdown (the legacy
// "Markdown" mode), with their error messages, so that a bot that forgets to escape a
// reserved character fails here as it would in production.

// mdv2Reserved are the characters MarkdownV2 requires escaped outside code.
const mdv2Reserved = "_*[]()~`>#+-=|{}.!"

// tdlib's names for entity kinds; they appear in its error messages.
const (
	mdBold          = "Bold"
	mdItalic        = "Italic"
	mdUnderline     = "Underline"
	mdStrikethrough = "Strikethrough"
	mdSpoiler       = "Spoiler"
	mdTextURL       = "TextUrl"
	mdCode          = "Code"
	mdPre           = "Pre"
	mdPreCode       = "PreCode"
	mdCustomEmoji   = "CustomEmoji"
)

var mdBotAPIType = map[string]string{
	mdBold: "bold", mdItalic: "italic", mdUnderline: "underline", mdStrikethrough: "strikethrough",
	mdSpoiler: "spoiler", mdTextURL: "text_link", mdCode: "code", mdPre: "pre", mdPreCode: "pre",
	mdCustomEmoji: "custom_emoji",
}

// parseMarkdownV2 parses parse_mode MarkdownV2 text, including ">" quotes at line start.
func parseMarkdownV2(s string) (string, []entity, string) {
	type openEntity struct {
		typ, arg string
		offset   int // UTF-16 offset in the result
		bytePos  int // where it starts in s, for error messages
		outPos   int // where its text starts in the result
	}
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	out := make([]byte, 0, len(s))
	var stack []openEntity
	var ents []entity
	off := 0
	quoteStart := -1
	inCode := func() bool {
		if len(stack) == 0 {
			return false
		}
		t := stack[len(stack)-1].typ
		return t == mdCode || t == mdPre || t == mdPreCode
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '>' && (i == 0 || s[i-1] == '\n') && !inCode() {
			if quoteStart < 0 {
				quoteStart = off
			}
			continue
		}
		if c == '\\' && at(i+1) > 0 && at(i+1) <= 126 {
			i++
			off++
			out = append(out, s[i])
			continue
		}
		reserved := mdv2Reserved
		if inCode() {
			reserved = "`"
		}
		if strings.IndexByte(reserved, c) < 0 {
			out = append(out, c)
			off += unitsOfByte(c)
			if c == '\n' && quoteStart >= 0 && at(i+1) != '>' {
				if n := off - 1 - quoteStart; n > 0 {
					ents = append(ents, entity{typ: "blockquote", offset: quoteStart, length: n})
				}
				quoteStart = -1
			}
			continue
		}
		isEnd := false
		if len(stack) > 0 {
			switch stack[len(stack)-1].typ {
			case mdBold:
				isEnd = c == '*'
			case mdItalic:
				isEnd = c == '_' && at(i+1) != '_'
			case mdCode:
				isEnd = c == '`'
			case mdPre, mdPreCode:
				isEnd = c == '`' && at(i+1) == '`' && at(i+2) == '`'
			case mdTextURL, mdCustomEmoji:
				isEnd = c == ']'
			case mdUnderline:
				isEnd = c == '_' && at(i+1) == '_'
			case mdStrikethrough:
				isEnd = c == '~'
			case mdSpoiler:
				isEnd = c == '|' && at(i+1) == '|'
			}
		}
		reservedErr := "Character '" + string(c) + "' is reserved and must be escaped with the preceding '\\'"
		if !isEnd {
			begin := i
			var typ, arg string
			switch c {
			case '_':
				typ = mdItalic
				if at(i+1) == '_' {
					typ = mdUnderline
					i++
				}
			case '*':
				typ = mdBold
			case '~':
				typ = mdStrikethrough
			case '|':
				if at(i+1) != '|' {
					return "", nil, reservedErr
				}
				i++
				typ = mdSpoiler
			case '[':
				typ = mdTextURL
			case '`':
				if at(i+1) == '`' && at(i+2) == '`' {
					i += 3
					typ = mdPre
					langEnd := i
					for !isHTMLSpace(at(langEnd)) && at(langEnd) != '`' {
						langEnd++
					}
					if i != langEnd && langEnd < len(s) && at(langEnd) != '`' {
						typ, arg = mdPreCode, s[i:langEnd]
						i = langEnd
					}
					i = skipOneNewline(s, i)
					i--
				} else {
					typ = mdCode
				}
			case '!':
				if at(i+1) != '[' {
					return "", nil, reservedErr
				}
				i++
				typ = mdCustomEmoji
			default:
				return "", nil, reservedErr
			}
			stack = append(stack, openEntity{typ: typ, arg: arg, offset: off, bytePos: begin, outPos: len(out)})
			continue
		}
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		arg := top.arg
		switch top.typ {
		case mdUnderline, mdSpoiler:
			i++
		case mdPre, mdPreCode:
			i += 2
		case mdTextURL, mdCustomEmoji:
			if at(i+1) != '(' {
				if top.typ == mdCustomEmoji {
					return "", nil, "Custom emoji entity must contain a tg://emoji URL"
				}
				arg = string(out[top.outPos:])
				break
			}
			i += 2
			urlBegin := i
			var url []byte
			for i < len(s) && s[i] != ')' {
				if s[i] == '\\' && at(i+1) > 0 && at(i+1) <= 126 {
					url = append(url, s[i+1])
					i += 2
					continue
				}
				url = append(url, s[i])
				i++
			}
			if at(i) != ')' {
				return "", nil, "Can't find end of a URL at byte offset " + strconv.Itoa(urlBegin)
			}
			arg = string(url)
			if top.typ == mdCustomEmoji {
				id, ok := strings.CutPrefix(arg, "tg://emoji?id=")
				if !ok || id == "" {
					return "", nil, "Custom emoji URL must have an emoji identifier"
				}
				arg = id
			}
		}
		if off > top.offset {
			ents = append(ents, entity{typ: mdBotAPIType[top.typ], offset: top.offset, length: off - top.offset, arg: arg})
		}
	}
	if len(stack) > 0 {
		top := stack[len(stack)-1]
		return "", nil, "Can't find end of " + top.typ + " entity at byte offset " + strconv.Itoa(top.bytePos)
	}
	if quoteStart >= 0 && off > quoteStart {
		ents = append(ents, entity{typ: "blockquote", offset: quoteStart, length: off - quoteStart})
	}
	return string(out), ents, ""
}

// parseMarkdown parses the legacy parse_mode Markdown: _italic_, *bold*, `code`,
// ```pre```, [text](url), with only \_ \* \` \[ as escapes.
func parseMarkdown(s string) (string, []entity, string) {
	at := func(i int) byte {
		if i < len(s) {
			return s[i]
		}
		return 0
	}
	out := make([]byte, 0, len(s))
	var ents []entity
	off := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' && (at(i+1) == '_' || at(i+1) == '*' || at(i+1) == '`' || at(i+1) == '[') {
			i++
			out = append(out, s[i])
			off++
			continue
		}
		if c != '_' && c != '*' && c != '`' && c != '[' {
			out = append(out, c)
			off += unitsOfByte(c)
			continue
		}
		begin := i
		end := c
		if c == '[' {
			end = ']'
		}
		i++
		isPre, lang := false, ""
		if c == '`' && at(i) == '`' && at(i+1) == '`' {
			i += 2
			isPre = true
			langEnd := i
			for !isHTMLSpace(at(langEnd)) && at(langEnd) != '`' {
				langEnd++
			}
			if i != langEnd && langEnd < len(s) && at(langEnd) != '`' {
				lang = s[i:langEnd]
				i = langEnd
			}
			i = skipOneNewline(s, i)
		}
		entOff := off
		for i < len(s) && (s[i] != end || isPre && !(at(i+1) == '`' && at(i+2) == '`')) {
			off += unitsOfByte(s[i])
			out = append(out, s[i])
			i++
		}
		if i >= len(s) {
			return "", nil, "Can't find end of the entity starting at byte offset " + strconv.Itoa(begin)
		}
		if off != entOff {
			e := entity{offset: entOff, length: off - entOff}
			switch c {
			case '_':
				e.typ = "italic"
			case '*':
				e.typ = "bold"
			case '[':
				e.typ = "text_link"
				if at(i+1) != '(' {
					e.arg = s[begin+1 : i]
				} else {
					i += 2
					urlStart := i
					for i < len(s) && s[i] != ')' {
						i++
					}
					e.arg = s[urlStart:i]
				}
			case '`':
				e.typ = "code"
				if isPre {
					e.typ, e.arg = "pre", lang
				}
			}
			ents = append(ents, e)
		}
		if isPre {
			i += 2
		}
	}
	return string(out), ents, ""
}

// skipOneNewline skips one line break ("\n", "\r", "\r\n" or "\n\r") at s[i], as the
// parsers do after an opening ```.
func skipOneNewline(s string, i int) int {
	if i < len(s) && (s[i] == '\n' || s[i] == '\r') {
		if i+1 < len(s) && (s[i+1] == '\n' || s[i+1] == '\r') && s[i] != s[i+1] {
			return i + 2
		}
		return i + 1
	}
	return i
}
