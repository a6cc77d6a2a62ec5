package bot

import (
	"context"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/poster"
	"github.com/loaphuong/loaphuong/store"
)

// /poster gives an official the printable QR poster of an area in their
// scope: the area is chosen with buttons, as for /invite, and the bot sends
// the poster as a photo to look at and as a PNG file to print.

// posterScope chooses the area of a poster.
var posterScope = scopeMode{nav: cbPosterNav, pick: cbPosterMake, all: btnPosterAll, title: txtPosterChoose}

// auditPoster records a poster made.
const auditPoster = "poster"

// NewPoster is the poster of the last area of path (store.AreaPath) for the
// bot with the given username: the area's name, where it is, and its link.
func NewPoster(path []store.Area, username string, size poster.Size) poster.Poster {
	a := path[len(path)-1]
	p := poster.Poster{Title: a.Name, Link: poster.Link(username, a.Code), Size: size}
	if len(path) > 1 {
		p.Subtitle = store.AreaLabel(path[:len(path)-1])
	}
	return p
}

// pressPoster carries out a press on a /poster button.
func (b *Bot) pressPoster(ctx context.Context, u update, action string, args []int64) (string, bool, error) {
	a, toast, alert, err := b.checkArea(ctx, u, args[0])
	if a == nil {
		return toast, alert, err
	}
	if action == cbPosterNav {
		text, kb, err := b.scopeView(ctx, u.UserID, posterScope, a.ID, int(args[1]))
		if err != nil {
			return "", false, err
		}
		return "", false, b.edit(ctx, u.ChatID, u.MessageID, text, kb)
	}
	path, err := b.db.AreaPath(ctx, a.ID)
	if err != nil {
		return "", false, err
	}
	p := NewPoster(path, b.Username(), poster.A5)
	png, err := p.PNG()
	if err != nil {
		return "", false, err
	}
	label := store.AreaLabel(path)
	b.retire(ctx, u.ChatID, u.MessageID, txtPosterMaking(label))
	name := fmt.Sprintf("loaphuong-%s-A5.png", a.Code)
	if err := b.deliver(ctx, u.ChatID, func(chatID int64) error {
		m := tgbotapi.NewPhoto(chatID, tgbotapi.FileBytes{Name: name, Bytes: png})
		m.Caption, m.ParseMode = txtPosterCaption(label, p.Link), tgbotapi.ModeHTML
		_, err := b.api.Send(ctx, m)
		return err
	}); err != nil {
		return "", false, err
	}
	if err := b.deliver(ctx, u.ChatID, func(chatID int64) error {
		m := tgbotapi.NewDocument(chatID, tgbotapi.FileBytes{Name: name, Bytes: png})
		m.Caption, m.ParseMode = txtPosterFile, tgbotapi.ModeHTML
		_, err := b.api.Send(ctx, m)
		return err
	}); err != nil {
		return "", false, err
	}
	if err := b.audit(ctx, u.UserID, auditPoster, a.ID, "poster "+a.Code); err != nil {
		return "", false, err
	}
	return txtToastPoster, false, nil
}

// LastUsername returns the bot's @username as serve last saw it, and
// whether serve ever ran on this database.
func LastUsername(ctx context.Context, db *store.DB) (string, bool, error) {
	name, ok, err := db.State(ctx, stateUsername)
	return name, ok && name != "", err
}
