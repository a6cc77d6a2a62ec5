package bot

import (
	"context"
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/store"
)

// historySize is how many of an official's broadcasts /history shows.
const historySize = 10

// historyView lists an official's latest broadcasts with their delivery
// counts, and a button to cancel each one not finished yet.
func (b *Bot) historyView(ctx context.Context, userID int64) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	bs, err := b.db.Broadcasts(ctx, userID, historySize)
	if err != nil {
		return "", nil, err
	}
	if len(bs) == 0 {
		return txtNoHistory, nil, nil
	}
	var kb keyboard
	var row []tgbotapi.InlineKeyboardButton
	for _, bc := range bs {
		if bc.Status != store.BroadcastPending {
			continue
		}
		row = append(row, button(fmt.Sprintf(btnCancelBc, bc.ID), data(cbHistCancel, bc.ID)))
		if len(row) == 2 {
			kb.row(row...)
			row = nil
		}
	}
	kb.row(row...)
	kb.row(button(btnRefresh, cbHistRefresh))
	return txtHistory(bs, b.now()), kb.markup(), nil
}

// pressHistory carries out a press on a /history button.
func (b *Bot) pressHistory(ctx context.Context, u update, action string, args []int64) (string, bool, error) {
	toast := ""
	if action == cbHistCancel {
		var alert bool
		var err error
		if toast, alert, err = b.cancelBroadcast(ctx, u, args[0]); err != nil || alert {
			return toast, alert, err
		}
	}
	text, kb, err := b.historyView(ctx, u.UserID)
	if err != nil {
		return "", false, err
	}
	return toast, false, b.edit(ctx, u.ChatID, u.MessageID, text, kb)
}

// cancelBroadcast stops a pending broadcast for its author, or for an
// official whose scope holds its area.
func (b *Bot) cancelBroadcast(ctx context.Context, u update, id int64) (string, bool, error) {
	bc, err := b.db.BroadcastByID(ctx, id)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return txtToastBroadcastNA, false, nil
	}
	if err != nil {
		return "", false, err
	}
	if bc.AuthorUser != u.UserID {
		ok, err := b.inScope(ctx, u.UserID, bc.AreaID)
		if err != nil {
			return "", false, err
		}
		if !ok {
			return b.refusePress(ctx, u, bc.AreaID)
		}
	}
	n, err := b.db.CancelBroadcast(ctx, id, u.UserID)
	if store.ErrorCode(err) == store.ECONFLICT {
		return txtToastFinished, false, nil
	}
	if err != nil {
		return "", false, err
	}
	return txtToastBcCancelled(id, n), false, nil
}
