package telegramtest

import (
	"bytes"
	"encoding/json"
	"sort"
)

// Button is one inline keyboard button as the user sees it.
type Button struct {
	Text string
	Data string // callback_data; "" for other kinds
	URL  string // url; "" for other kinds
}

// kbButton is a stored inline button; extra keeps the members of kinds other than
// callback and URL buttons (switch_inline_query, web_app, …) so they are echoed back.
type kbButton struct {
	Button
	hasData bool
	hasURL  bool
	extra   string // `,"key":value…`, keys sorted
}

// maxCallbackData is Telegram's limit on callback_data, in bytes.
const maxCallbackData = 64

// parseKeyboard reads a reply_markup parameter. Only an inline keyboard is kept (it is
// all a Message shows); reply keyboards and the like are accepted and not echoed.
func parseKeyboard(raw string) ([][]kbButton, string) {
	if raw == "" {
		return nil, ""
	}
	var markup map[string]json.RawMessage
	if json.Unmarshal([]byte(raw), &markup) != nil {
		return nil, descBadMarkup
	}
	rawKB, ok := markup["inline_keyboard"]
	if !ok {
		return nil, ""
	}
	var rows [][]map[string]json.RawMessage
	if json.Unmarshal(rawKB, &rows) != nil {
		return nil, descBadMarkup
	}
	kb := make([][]kbButton, 0, len(rows))
	for _, row := range rows {
		out := make([]kbButton, 0, len(row))
		for _, fields := range row {
			var b kbButton
			if json.Unmarshal(fields["text"], &b.Text) != nil {
				return nil, descButtonText
			}
			var keys []string
			for k, v := range fields {
				switch k {
				case "text":
				case "callback_data":
					if json.Unmarshal(v, &b.Data) != nil || b.Data == "" || len(b.Data) > maxCallbackData {
						return nil, descButtonData
					}
					b.hasData = true
				case "url":
					if json.Unmarshal(v, &b.URL) != nil {
						return nil, descBadMarkup
					}
					b.hasURL = true
				default:
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			var extra []byte
			for _, k := range keys {
				extra = append(extra, ',')
				extra = appendString(extra, k)
				extra = append(extra, ':')
				extra = append(extra, compactJSON(fields[k])...)
			}
			b.extra = string(extra)
			if !b.hasData && !b.hasURL && b.extra == "" {
				return nil, descButtonNoAction
			}
			out = append(out, b)
		}
		if len(out) > 0 { // Telegram drops empty rows, and an empty keyboard is none
			kb = append(kb, out)
		}
	}
	if len(kb) == 0 {
		return nil, ""
	}
	return kb, ""
}

// compactJSON is raw without insignificant whitespace and with non-ASCII escaped.
func compactJSON(raw json.RawMessage) []byte {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return asciiJSON(raw)
	}
	return asciiJSON(b.Bytes())
}

// appendKeyboard appends an InlineKeyboardMarkup object.
func appendKeyboard(b []byte, kb [][]kbButton) []byte {
	b = append(b, `{"inline_keyboard":[`...)
	for i, row := range kb {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, k := range row {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, `{"text":`...)
			b = appendString(b, k.Text)
			if k.hasURL {
				b = append(b, `,"url":`...)
				b = appendString(b, k.URL)
			}
			if k.hasData {
				b = append(b, `,"callback_data":`...)
				b = appendString(b, k.Data)
			}
			b = append(b, k.extra...)
			b = append(b, '}')
		}
		b = append(b, ']')
	}
	return append(b, "]}"...)
}

// sameKeyboard tells whether two keyboards look and act the same.
func sameKeyboard(a, b [][]kbButton) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

// publicButtons is the exported view of a keyboard.
func publicButtons(kb [][]kbButton) [][]Button {
	if kb == nil {
		return nil
	}
	out := make([][]Button, len(kb))
	for i, row := range kb {
		out[i] = make([]Button, len(row))
		for j, k := range row {
			out[i][j] = k.Button
		}
	}
	return out
}
