package bot

import (
	"errors"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// failure is what went wrong with a call to Telegram, in the classes that
// call for different handling (DESIGN §3). Nothing is retried blindly.
type failure int

// The classes of failure.
const (
	failNone        failure = iota
	failRetryAfter          // 429: wait retry_after, then retry
	failBlocked             // 403: the chat cannot be reached any more
	failMigrated            // 400 with migrate_to_chat_id: resend to the new id
	failChatGone            // 400 chat not found: treat as inactive
	failBadRequest          // other 400s: give up on this message, keep the reason
	failTransient           // 5xx, timeouts, connection errors: retry with backoff
	failFatal               // 401, 404: the token or the URL is wrong; retrying will not help
	failNotModified         // 400 message is not modified: nothing to do
)

// classify sorts err into a failure class, with the retry delay of a 429 and
// the new chat id of a migration.
func classify(err error) (f failure, retryAfter time.Duration, migrateTo int64) {
	if err == nil {
		return failNone, 0, 0
	}
	var tg *tgbotapi.Error
	if !errors.As(err, &tg) {
		return failTransient, 0, 0
	}
	desc := strings.ToLower(tg.Message)
	code := tg.Code
	if code == 0 {
		code = codeFromDescription(desc)
	}
	switch {
	case code == 429 || tg.RetryAfter > 0:
		d := time.Duration(tg.RetryAfter) * time.Second
		if d <= 0 {
			d = time.Second
		}
		return failRetryAfter, d, 0
	case tg.MigrateToChatID != 0:
		return failMigrated, 0, tg.MigrateToChatID
	case code == 403:
		return failBlocked, 0, 0
	case code == 400 && strings.Contains(desc, "chat not found"):
		return failChatGone, 0, 0
	case code == 400 && strings.Contains(desc, "message is not modified"):
		return failNotModified, 0, 0
	case code == 400:
		return failBadRequest, 0, 0
	case code == 401 || code == 404:
		return failFatal, 0, 0
	default: // 5xx, 409 and anything new
		return failTransient, 0, 0
	}
}

// codeFromDescription recovers the HTTP status from an error description. The
// library leaves Error.Code empty for uploads (sendPhoto), but the description
// always starts with the status text.
func codeFromDescription(desc string) int {
	for prefix, code := range map[string]int{
		"bad request":       400,
		"unauthorized":      401,
		"forbidden":         403,
		"not found":         404,
		"too many requests": 429,
	} {
		if strings.HasPrefix(desc, prefix) {
			return code
		}
	}
	return 0
}
