package bot

import (
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// kind is what an update asks of the bot.
type kind int

// The kinds of update the bot acts on; everything else is ignored.
const (
	kindIgnored    kind = iota
	kindText            // a text message (a command or not)
	kindOther           // a message without text: sticker, photo, dice...
	kindCallback        // an inline button press
	kindMembership      // the bot's own membership of a chat changed
	kindMigration       // a group became a supergroup
)

// update is the part of a Telegram update the handlers need, converted at
// the boundary so that handlers do not depend on the library's types.
type update struct {
	ID       int
	Kind     kind
	ChatID   int64
	ChatType string // private, group, supergroup, channel
	Title    string // group title, or the user's name in a private chat
	UserID   int64
	Language string

	Text    string
	Command string // without the slash and @bot suffix, lower-cased
	Mention string // the @bot suffix of the command, if any
	Args    string

	// Photo is the file_id of the largest size of a photo message (its kind
	// is kindOther), Caption its caption: an official's announcement may be one.
	Photo   string
	Caption string

	// ViaChat is set when a group admin posted anonymously, as the group.
	ViaChat bool

	CallbackID string
	Data       string
	MessageID  int // the message the button belongs to

	OldStatus, NewStatus string // kindMembership: the bot's status in the chat, before and after

	MigrateFrom, MigrateTo int64
}

// private says whether the update comes from a one-to-one chat.
func (u update) private() bool { return u.ChatType == "private" }

// convert turns a library update into ours.
func convert(tu tgbotapi.Update) update {
	u := update{ID: tu.UpdateID}
	switch {
	case tu.Message != nil:
		m := tu.Message
		u.setChat(m.Chat)
		if m.From != nil {
			u.UserID, u.Language = m.From.ID, m.From.LanguageCode
		}
		u.ViaChat = m.SenderChat != nil && m.Chat != nil && m.SenderChat.ID == m.Chat.ID
		switch {
		case m.MigrateToChatID != 0:
			u.Kind, u.MigrateFrom, u.MigrateTo = kindMigration, u.ChatID, m.MigrateToChatID
		case m.MigrateFromChatID != 0:
			u.Kind, u.MigrateFrom, u.MigrateTo = kindMigration, m.MigrateFromChatID, u.ChatID
		case m.Text != "":
			u.Kind, u.Text = kindText, m.Text
			u.Command, u.Mention, u.Args = parseCommand(m.Text)
		case isServiceMessage(m):
			u.Kind = kindIgnored
		default:
			u.Kind = kindOther
			u.Photo, u.Caption = largestPhoto(m.Photo), m.Caption
		}
	case tu.CallbackQuery != nil:
		q := tu.CallbackQuery
		u.Kind, u.CallbackID, u.Data = kindCallback, q.ID, q.Data
		if q.From != nil {
			u.UserID, u.Language = q.From.ID, q.From.LanguageCode
		}
		if q.Message != nil {
			u.setChat(q.Message.Chat)
			u.MessageID = q.Message.MessageID
		}
	case tu.MyChatMember != nil:
		cm := tu.MyChatMember
		u.setChat(&cm.Chat)
		u.Kind, u.UserID = kindMembership, cm.From.ID
		u.OldStatus, u.NewStatus = cm.OldChatMember.Status, cm.NewChatMember.Status
		u.Language = cm.From.LanguageCode
	}
	return u
}

func (u *update) setChat(c *tgbotapi.Chat) {
	if c == nil {
		return
	}
	u.ChatID, u.ChatType = c.ID, c.Type
	u.Title = c.Title
	if u.Title == "" {
		u.Title = strings.TrimSpace(c.FirstName + " " + c.LastName)
	}
}

// largestPhoto returns the file_id of the largest size of a photo, or "".
// Telegram lists sizes smallest first, but nothing promises it.
func largestPhoto(sizes []tgbotapi.PhotoSize) string {
	best, area := "", -1
	for _, p := range sizes {
		if a := p.Width * p.Height; a > area && p.FileID != "" {
			best, area = p.FileID, a
		}
	}
	return best
}

// isServiceMessage reports messages Telegram makes about the chat itself
// (members joining, the group being created, ...): nobody expects an answer.
func isServiceMessage(m *tgbotapi.Message) bool {
	return m.NewChatMembers != nil || m.LeftChatMember != nil || m.GroupChatCreated ||
		m.SuperGroupChatCreated || m.ChannelChatCreated || m.NewChatTitle != "" ||
		m.NewChatPhoto != nil || m.DeleteChatPhoto || m.PinnedMessage != nil
}

// parseCommand splits "/Start@Bot args" into "start", "Bot" and "args".
// It reads the text itself rather than the library's helpers, which take
// entity lengths (UTF-16 units) as byte offsets.
func parseCommand(text string) (cmd, mention, args string) {
	if !strings.HasPrefix(text, "/") {
		return "", "", ""
	}
	word, rest, _ := strings.Cut(text[1:], " ")
	if i := strings.IndexAny(word, "\n\t"); i >= 0 {
		word, rest = word[:i], word[i+1:]+" "+rest
	}
	cmd, mention, _ = strings.Cut(word, "@")
	return strings.ToLower(cmd), mention, strings.TrimSpace(rest)
}
