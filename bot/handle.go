package bot

import (
	"context"
	"fmt"
	"runtime/debug"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/store"
)

// HandleUpdate handles one update from Telegram (the update loop and the
// webhook both end here).
func (b *Bot) HandleUpdate(ctx context.Context, tu tgbotapi.Update) {
	b.handle(ctx, convert(tu))
}

// handle routes an update. It never panics: a handler that does is logged
// and the update counts as handled, so one bad payload cannot stop the bot.
func (b *Bot) handle(ctx context.Context, u update) {
	defer func() {
		if r := recover(); r != nil {
			b.log.Error("handler panicked", "update", u.ID, "panic", r, "stack", string(debug.Stack()))
		}
		b.counters.updates[u.Kind].Add(1)
	}()
	if u.ChatID == 0 && u.Kind != kindCallback {
		return // no chat to act on or answer (anonymised or unknown payloads)
	}
	var err error
	switch u.Kind {
	case kindMembership:
		err = b.onMembership(ctx, u)
	case kindMigration:
		err = b.db.MigrateChat(ctx, u.MigrateFrom, u.MigrateTo)
	case kindText:
		err = b.onText(ctx, u)
	case kindOther:
		if u.private() && b.allowed(ctx, u) {
			var done bool
			if done, err = b.anyDraftInput(ctx, u); !done && err == nil {
				_, err = b.send(ctx, u.ChatID, txtNotUnderstood, nil)
			}
		}
	case kindCallback:
		err = b.onCallback(ctx, u)
	}
	if err != nil {
		b.log.Error("handle update", "update", u.ID, "chat", u.ChatID, "err", err)
	}
}

// onMembership follows the bot's own membership: a user who blocks the bot
// is marked blocked, one who unblocks it is active again; a group that adds
// the bot is greeted once.
func (b *Bot) onMembership(ctx context.Context, u update) error {
	var status store.ChatStatus
	switch u.NewStatus {
	case "member", "administrator", "creator":
		status = store.ChatActive
	case "kicked":
		status = store.ChatBlocked
		if !u.private() {
			status = store.ChatLeft
		}
	default: // left, restricted
		status = store.ChatLeft
	}
	if status == store.ChatActive {
		if err := b.db.UpsertChat(ctx, b.chatOf(u)); err != nil {
			return err
		}
	}
	if err := b.db.SetChatStatus(ctx, u.ChatID, status); err != nil {
		return err
	}
	wasOut := u.OldStatus == "" || u.OldStatus == "left" || u.OldStatus == "kicked"
	if status == store.ChatActive && wasOut && !u.private() {
		_, err := b.send(ctx, u.ChatID, txtGroupHello, nil)
		return err
	}
	return nil
}

// chatOf is the chat an update comes from, as the store keeps it.
func (b *Bot) chatOf(u update) store.Chat {
	return store.Chat{ID: u.ChatID, Type: u.ChatType, Title: u.Title, Language: "vi"}
}

// onText answers a command, or in a private chat searches for an area. In a
// group the bot speaks only when spoken to with a command meant for it.
func (b *Bot) onText(ctx context.Context, u update) error {
	if u.Command == "" {
		if !u.private() {
			return nil // plain chatter in a group
		}
		if !b.allowed(ctx, u) {
			return nil
		}
		// An official writing a broadcast: the message is its text or time.
		if done, err := b.anyDraftInput(ctx, u); done || err != nil {
			return err
		}
		return b.search(ctx, u)
	}
	if u.Mention != "" && !strings.EqualFold(u.Mention, b.Username()) {
		return nil // addressed to another bot
	}
	known := isCommand(u.Command)
	if !known && !u.private() && u.Mention == "" {
		return nil // a command for some other bot in the group
	}
	if !b.allowed(ctx, u) {
		return nil
	}
	if !known {
		_, err := b.send(ctx, u.ChatID, txtUnknownCommand(u.Command), nil)
		return err
	}
	if isOfficialCommand(u.Command) {
		return b.officialCommand(ctx, u)
	}
	if u.Command == "help" {
		return b.help(ctx, u)
	}
	if u.Command == "events" { // reading, not changing: anyone in a group may ask
		return b.events(ctx, u)
	}
	if ok, err := b.mayChange(ctx, u); !ok {
		if err != nil {
			return err
		}
		_, err := b.send(ctx, u.ChatID, txtAdminOnly, nil)
		return err
	}
	switch u.Command {
	case "start":
		if u.Args != "" {
			return b.deepLink(ctx, u, u.Args)
		}
		return b.welcome(ctx, u)
	case "mine":
		text, kb, err := b.mineView(ctx, u.ChatID)
		if err != nil {
			return err
		}
		_, err = b.send(ctx, u.ChatID, text, kb)
		return err
	case "quiet":
		return b.quiet(ctx, u)
	case "forget":
		var kb keyboard
		kb.row(button(btnForget, cbForget))
		_, err := b.send(ctx, u.ChatID, txtForgetAsk, kb.markup())
		return err
	default: // stop
		return b.stop(ctx, u)
	}
}

// isCommand says whether name is one of the bot's commands, residents' or
// officials'.
func isCommand(name string) bool {
	for _, c := range commands {
		if c.Command == name {
			return true
		}
	}
	return isOfficialCommand(name)
}

// help answers /help; an official also reads the officials' commands, and
// their chat's menu is brought up to date with them.
func (b *Bot) help(ctx context.Context, u update) error {
	text := txtHelp
	if !u.private() {
		text = txtHelpGroup
	} else if ok, err := b.isOfficial(ctx, u.UserID); err != nil {
		return err
	} else if ok {
		text += txtHelpOfficial
		b.officialMenu(ctx, u.UserID)
	}
	_, err := b.send(ctx, u.ChatID, text, nil)
	return err
}

// onCallback handles a button press and always answers it, so the
// button's spinner stops even when the data is stale or forged.
func (b *Bot) onCallback(ctx context.Context, u update) error {
	if !b.allowed(ctx, u) {
		return nil
	}
	if isOfficialAction(u.Data) {
		toast, alert, err := b.officialPress(ctx, u)
		if err != nil {
			toast, alert = txtTryLater, false
		}
		b.answer(ctx, u.CallbackID, toast, alert)
		return err
	}
	if ok, err := b.mayChange(ctx, u); !ok {
		b.answer(ctx, u.CallbackID, txtAdminOnly, true)
		return err
	}
	toast, err := b.press(ctx, u)
	if err != nil {
		toast = txtTryLater
	}
	b.answer(ctx, u.CallbackID, toast, false)
	return err
}

// allowed applies the flood guard to the user behind an update: the first
// action over the limit is told to slow down, the rest are dropped.
func (b *Bot) allowed(ctx context.Context, u update) bool {
	who := u.UserID
	if who == 0 {
		who = u.ChatID
	}
	switch b.flood.check(who, time.Now()) {
	case allow:
		return true
	case warn:
		if u.Kind == kindCallback {
			b.answer(ctx, u.CallbackID, txtSlowDown, false)
		} else if _, err := b.send(ctx, u.ChatID, txtSlowDown, nil); err != nil {
			b.log.Debug("slow-down notice failed", "chat", u.ChatID, "err", err)
		}
	}
	return false
}

// mayChange says whether the sender may change the chat's subscriptions:
// anyone in a private chat, only administrators in a group.
func (b *Bot) mayChange(ctx context.Context, u update) (bool, error) {
	if u.private() || u.ViaChat {
		return true, nil
	}
	m, err := b.api.GetChatMember(ctx, tgbotapi.GetChatMemberConfig{
		ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: u.ChatID, UserID: u.UserID},
	})
	if err != nil {
		return false, fmt.Errorf("check group admin: %w", err)
	}
	return m.Status == "creator" || m.Status == "administrator", nil
}
