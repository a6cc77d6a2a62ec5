package bot

import (
	"context"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/store"
)

// quietChoices are the quiet hours offered as buttons; "" is the bot's
// default and "off" none at all. Others can be typed: /quiet 22:30-05:45.
var quietChoices = []string{"", "21:00-06:30", "22:00-06:00", "20:00-07:00", "off"}

// quiet answers /quiet: with an argument it sets the chat's quiet hours,
// without one it shows them with buttons to change them.
func (b *Bot) quiet(ctx context.Context, u update) error {
	arg := strings.ReplaceAll(strings.TrimSpace(strings.ToLower(u.Args)), " ", "")
	if arg == "" {
		text, kb, err := b.quietView(ctx, u.ChatID)
		if err != nil {
			return err
		}
		_, err = b.send(ctx, u.ChatID, text, kb)
		return err
	}
	switch arg {
	case "tat", "tắt":
		arg = "off"
	case "macdinh", "mặcđịnh", "default":
		arg = ""
	}
	if arg != "" {
		if _, err := store.ParseQuietHours(arg); err != nil {
			_, err := b.send(ctx, u.ChatID, txtQuietBad(u.Args), nil)
			return err
		}
	}
	if err := b.setQuiet(ctx, u, arg); err != nil {
		return err
	}
	text, kb, err := b.quietView(ctx, u.ChatID)
	if err != nil {
		return err
	}
	_, err = b.send(ctx, u.ChatID, text, kb)
	return err
}

// setQuiet stores a chat's quiet hours, creating the chat if needed.
func (b *Bot) setQuiet(ctx context.Context, u update, hours string) error {
	if err := b.db.UpsertChat(ctx, b.chatOf(u)); err != nil {
		return err
	}
	return b.db.SetChatQuietHours(ctx, u.ChatID, hours)
}

// quietView shows a chat's quiet hours and the choices.
func (b *Bot) quietView(ctx context.Context, chatID int64) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	own := ""
	c, err := b.db.ChatByID(ctx, chatID)
	switch {
	case err == nil:
		own = c.QuietHours
	case store.ErrorCode(err) != store.ENOTFOUND:
		return "", nil, err
	}
	var kb keyboard
	for i, choice := range quietChoices {
		mark := "⬜ "
		if choice == own {
			mark = "✅ "
		}
		kb.row(button(mark+b.quietName(choice), data(cbQuiet, int64(i))))
	}
	return txtQuiet(b.quietName(own)), kb.markup(), nil
}

// quietName says a quiet-hours setting in words.
func (b *Bot) quietName(hours string) string {
	switch hours {
	case "":
		return txtQuietDefault(b.quietName(b.cfg.QuietHours))
	case "off":
		return txtQuietOff
	}
	from, to, _ := strings.Cut(hours, "-")
	return from + " – " + to
}

// pressQuiet sets the quiet hours a button names.
func (b *Bot) pressQuiet(ctx context.Context, u update) (string, error) {
	_, args, ok := parseData(u.Data, 1)
	if !ok || args[0] >= int64(len(quietChoices)) {
		return txtStaleButton, nil
	}
	if err := b.setQuiet(ctx, u, quietChoices[args[0]]); err != nil {
		return "", err
	}
	text, kb, err := b.quietView(ctx, u.ChatID)
	if err != nil {
		return "", err
	}
	return txtSavedToast, b.edit(ctx, u.ChatID, u.MessageID, text, kb)
}
