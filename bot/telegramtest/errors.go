package telegramtest

import (
	"net/http"
	"strconv"
)

// Error descriptions exactly as the real Bot API writes them (shared/corpus/errors), so
// that a bot's matching on descriptions is tested against the real strings.
const (
	descUnauthorized     = "Unauthorized"
	descNotFound         = "Not Found"
	descMethodNotFound   = "Not Found: method not found"
	descBlocked          = "Forbidden: bot was blocked by the user"
	descKickedGroup      = "Forbidden: bot was kicked from the group chat"
	descKickedSupergroup = "Forbidden: bot was kicked from the supergroup chat"
	descNotMemberChannel = "Forbidden: bot is not a member of the channel chat"
	descChatNotFound     = "Bad Request: chat not found"
	descMigrated         = "Bad Request: group chat was upgraded to a supergroup chat"
	descNotModified      = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"
	descTextEmpty        = "Bad Request: message text is empty"
	descTooLong          = "Bad Request: message is too long"
	descCaptionTooLong   = "Bad Request: message caption is too long"
	descParseEntities    = "Bad Request: can't parse entities: "
	descConflictPoll     = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"
	descConflictWebhook  = "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"
)

// Descriptions the corpus does not hold; worded as the real server words them.
const (
	descChatIDEmpty      = "Bad Request: chat_id is empty"
	descEditNotFound     = "Bad Request: message to edit not found"
	descDeleteNotFound   = "Bad Request: message to delete not found"
	descCopyNotFound     = "Bad Request: message to copy not found"
	descForwardNotFound  = "Bad Request: message to forward not found"
	descCantEdit         = "Bad Request: message can't be edited"
	descNoTextToEdit     = "Bad Request: there is no text in the message to edit"
	descNoCaptionToEdit  = "Bad Request: there is no caption in the message to edit"
	descMessageIDMissing = "Bad Request: message identifier is not specified"
	descQueryInvalid     = "Bad Request: query is too old and response timeout expired or query ID is invalid"
	descUTF8             = "Bad Request: text must be encoded in UTF-8"
	descBadParseMode     = "Bad Request: unsupported parse_mode"
	descBadMarkup        = "Bad Request: can't parse reply keyboard markup JSON object"
	descButtonText       = "Bad Request: can't parse inline keyboard button: Field \"text\" must be of type String"
	descButtonNoAction   = "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
	descButtonData       = "Bad Request: BUTTON_DATA_INVALID"
	descNoPhoto          = "Bad Request: there is no photo in the request"
	descNoDocument       = "Bad Request: there is no document in the request"
	descBadFileID        = "Bad Request: wrong file identifier/HTTP URL specified"
	descEmptyFile        = "Bad Request: file must be non-empty"
	descBadAction        = "Bad Request: wrong parameter action in request"
	descBadUserID        = "Bad Request: invalid user_id specified"
	descBadCommands      = "Bad Request: can't parse commands JSON object"
	descBadCommand       = "Bad Request: BOT_COMMAND_INVALID"
	descBadCommandDesc   = "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"
	descWebhookHTTPS     = "Bad Request: bad webhook: An HTTPS URL must be provided for webhook"
	descWebhookSecret    = "Bad Request: secret token contains unallowed characters"
)

// tooManyRequests is the flood-control description for a wait of n seconds.
func tooManyRequests(n int) string {
	return "Too Many Requests: retry after " + strconv.Itoa(n)
}

// defaultDescription is what the real server says for a code when a fault names none.
func defaultDescription(code int, retryAfter int) string {
	switch code {
	case 400:
		return descChatNotFound
	case 401:
		return descUnauthorized
	case 403:
		return descBlocked
	case 404:
		return descNotFound
	case 409:
		return descConflictPoll
	case 429:
		return tooManyRequests(retryAfter)
	}
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "Error"
}
