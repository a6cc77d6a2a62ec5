package telegramtest

import (
	"net/http"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// JSON is written by hand rather than with encoding/json: the real server escapes every
// non-ASCII character as \uXXXX (surrogate pairs outside the BMP) and leaves <, > and &
// alone, and hand-written appends keep the hot path free of reflection.

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string literal in the real server's style.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&15])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		b = appendRuneEscape(b, r)
		i += size
	}
	return append(b, '"')
}

// appendRuneEscape appends r as one \u escape, or a surrogate pair of them.
func appendRuneEscape(b []byte, r rune) []byte {
	if r >= 0x10000 {
		r1, r2 := utf16.EncodeRune(r)
		return appendU(appendU(b, r1), r2)
	}
	return appendU(b, r)
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexDigits[r>>12&15], hexDigits[r>>8&15], hexDigits[r>>4&15], hexDigits[r&15])
}

// asciiJSON rewrites the non-ASCII characters of a valid JSON text as \u escapes. In
// valid JSON such characters occur only inside strings, so the value is unchanged.
func asciiJSON(src []byte) []byte {
	ascii := true
	for _, c := range src {
		if c >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		return src
	}
	b := make([]byte, 0, len(src)+len(src)/2)
	for i := 0; i < len(src); {
		if c := src[i]; c < utf8.RuneSelf {
			b = append(b, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		b = appendRuneEscape(b, r)
		i += size
	}
	return b
}

func appendInt(b []byte, n int64) []byte { return strconv.AppendInt(b, n, 10) }

func appendBool(b []byte, v bool) []byte { return strconv.AppendBool(b, v) }

// answer is one response, built before it is written so that it can be recorded.
type answer struct {
	status     int
	body       []byte
	retryAfter int // > 0: also sent as the Retry-After header
}

// statusCancelled is recorded for a request whose client went away before the answer
// (nginx's "client closed request"); nothing is written for it.
const statusCancelled = 499

var (
	cancelled  = answer{status: statusCancelled}
	answerTrue = answer{status: http.StatusOK, body: []byte(`{"ok":true,"result":true}`)}
)

// okResult wraps an already encoded result in the success envelope.
func okResult(result []byte) answer {
	b := make([]byte, 0, len(result)+22)
	b = append(b, `{"ok":true,"result":`...)
	b = append(b, result...)
	return answer{status: http.StatusOK, body: append(b, '}')}
}

// okTrueWithDescription is the success some methods answer with a human description.
func okTrueWithDescription(desc string) answer {
	b := append([]byte(`{"ok":true,"result":true,"description":`), appendString(nil, desc)...)
	return answer{status: http.StatusOK, body: append(b, '}')}
}

// failure is an error answer without parameters.
func failure(code int, desc string) answer {
	return failureParams(code, desc, 0, 0)
}

// failureParams is an error answer; migrateTo and retryAfter, when set, become the
// "parameters" object (and retryAfter the Retry-After header), in the real key order.
func failureParams(code int, desc string, migrateTo int64, retryAfter int) answer {
	b := make([]byte, 0, 64+len(desc))
	b = append(b, `{"ok":false,"error_code":`...)
	b = appendInt(b, int64(code))
	b = append(b, `,"description":`...)
	b = appendString(b, desc)
	if migrateTo != 0 || retryAfter > 0 {
		b = append(b, `,"parameters":{`...)
		if migrateTo != 0 {
			b = append(b, `"migrate_to_chat_id":`...)
			b = appendInt(b, migrateTo)
		}
		if retryAfter > 0 {
			if migrateTo != 0 {
				b = append(b, ',')
			}
			b = append(b, `"retry_after":`...)
			b = appendInt(b, int64(retryAfter))
		}
		b = append(b, '}')
	}
	return answer{status: code, body: append(b, '}'), retryAfter: retryAfter}
}

// write sends the answer; a cancelled request has nobody left to read it.
func (a answer) write(w http.ResponseWriter) {
	if a.status == statusCancelled {
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(a.body)))
	if a.retryAfter > 0 {
		h.Set("Retry-After", strconv.Itoa(a.retryAfter))
	}
	w.WriteHeader(a.status)
	_, _ = w.Write(a.body)
}
