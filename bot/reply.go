package bot

import (
	"context"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/store"
)

// Replies are answers to what a user just did, sent at once rather than
// through the outbox. They still obey Telegram: a 429 is waited out, a
// blocked chat is marked, a migrated group is followed to its new id.

// maxReplyWait is the longest a reply waits on a 429 before giving up: an
// answer that comes a minute late is worse than none.
const maxReplyWait = 30 * time.Second

// send sends an HTML message to chatID and returns its message id.
func (b *Bot) send(ctx context.Context, chatID int64, text string, kb *tgbotapi.InlineKeyboardMarkup) (int, error) {
	var id int
	err := b.deliver(ctx, chatID, func(chatID int64) error {
		m := tgbotapi.NewMessage(chatID, text)
		m.ParseMode = tgbotapi.ModeHTML
		m.DisableWebPagePreview = true
		if kb != nil {
			m.ReplyMarkup = *kb
		}
		sent, err := b.api.Send(ctx, m)
		id = sent.MessageID
		return err
	})
	return id, err
}

// edit replaces the text and buttons of a message the bot sent. If the
// message can no longer be edited it sends a new one instead.
func (b *Bot) edit(ctx context.Context, chatID int64, msgID int, text string, kb *tgbotapi.InlineKeyboardMarkup) error {
	if msgID == 0 {
		_, err := b.send(ctx, chatID, text, kb)
		return err
	}
	err := b.deliver(ctx, chatID, func(chatID int64) error {
		e := tgbotapi.NewEditMessageText(chatID, msgID, text)
		e.ParseMode = tgbotapi.ModeHTML
		e.DisableWebPagePreview = true
		if kb != nil {
			e.ReplyMarkup = kb
		}
		_, err := b.api.Request(ctx, e)
		return err
	})
	if f, _, _ := classify(err); f == failBadRequest {
		_, err = b.send(ctx, chatID, text, kb)
	}
	return err
}

// answer answers a callback query, with a short notice when text is set.
func (b *Bot) answer(ctx context.Context, queryID, text string, alert bool) {
	if queryID == "" {
		return
	}
	err := b.deliver(ctx, 0, func(int64) error {
		cb := tgbotapi.NewCallback(queryID, text)
		cb.ShowAlert = alert
		_, err := b.api.Request(ctx, cb)
		return err
	})
	if err != nil {
		b.log.Debug("answerCallbackQuery failed", "err", err)
	}
}

// deliver calls f for chatID and handles what Telegram answers: waits out a
// 429, retries a transient failure twice, follows a migration, and marks a
// chat that cannot be reached.
func (b *Bot) deliver(ctx context.Context, chatID int64, f func(chatID int64) error) error {
	bo := newBackoff()
	transient := 0
	for {
		err := f(chatID)
		class, retryAfter, migrateTo := classify(err)
		switch class {
		case failNone, failNotModified:
			return nil
		case failRetryAfter:
			if retryAfter > maxReplyWait {
				return err
			}
			if err := sleep(ctx, retryAfter); err != nil {
				return err
			}
		case failTransient:
			if transient++; transient > 2 {
				return err
			}
			if err := sleep(ctx, bo.next()); err != nil {
				return err
			}
		case failMigrated:
			if chatID == 0 {
				return err
			}
			if err := b.db.MigrateChat(ctx, chatID, migrateTo); err != nil {
				return err
			}
			b.log.Info("group moved to a supergroup", "from", chatID, "to", migrateTo)
			chatID = migrateTo
		case failBlocked, failChatGone:
			if chatID != 0 {
				if err := b.db.SetChatStatus(ctx, chatID, store.ChatBlocked); err != nil {
					b.log.Error("mark chat blocked", "chat", chatID, "err", err)
				}
			}
			return err
		default:
			return err
		}
	}
}

// viewFn shows a view (text and buttons, or the error making it) in place of
// the message a button belongs to.
type viewFn func(text string, kb *tgbotapi.InlineKeyboardMarkup, err error) error

// viewIn returns the viewFn for the message of a button press. save, when
// set, runs first: it stores the draft the view belongs to, so what is shown
// is never ahead of what is kept.
func (b *Bot) viewIn(ctx context.Context, u update, save func() error) viewFn {
	return func(text string, kb *tgbotapi.InlineKeyboardMarkup, err error) error {
		if err != nil {
			return err
		}
		if save != nil {
			if err := save(); err != nil {
				return err
			}
		}
		return b.edit(ctx, u.ChatID, u.MessageID, text, kb)
	}
}
