package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/store"
)

// /broadcast is a conversation: area, topic, text, then a preview with the
// choices (urgent, when) and a confirmation. Each step is saved in the
// official's draft (store.Draft) before the bot answers, so a restart in
// the middle loses nothing: the next message or press carries on from the
// stored step. The draft's MessageID is the message whose buttons are live;
// buttons on any other message are stale.

// The steps of a draft: what the bot waits for.
const (
	stepArea    = "area"    // a press choosing the area
	stepTopic   = "topic"   // a press choosing the topic
	stepText    = "text"    // a message: the text, or a photo with a caption
	stepConfirm = "confirm" // a press on the preview's buttons, or a new text
	stepTime    = "time"    // a message: when to send
)

// draftTTL is how long an untouched draft waits for its official: after
// that, what they type is no longer taken as its text.
const draftTTL = 24 * time.Hour

// now is the time as the store sees it, so that tests can move it.
func (b *Bot) now() time.Time {
	if b.db.Now != nil {
		return b.db.Now()
	}
	return time.Now()
}

// startBroadcast answers /broadcast, or "/broadcast CODE" which goes
// straight to the topic of that area.
func (b *Bot) startBroadcast(ctx context.Context, u update) error {
	d := store.Draft{UserID: u.UserID, ChatID: u.ChatID, Step: stepArea}
	var text string
	var kb *tgbotapi.InlineKeyboardMarkup
	if code := strings.TrimSpace(u.Args); code != "" {
		area, err := b.areaByCode(ctx, code)
		if err != nil {
			return err
		}
		if area == nil {
			_, err := b.send(ctx, u.ChatID, txtBcUnknownArea(truncate(code, 64)), nil)
			return err
		}
		ok, err := b.inScope(ctx, u.UserID, area.ID)
		if err != nil {
			return err
		}
		if !ok {
			if err := b.audit(ctx, u.UserID, auditRefused, area.ID, "/broadcast "+area.Code); err != nil {
				return err
			}
			_, err := b.send(ctx, u.ChatID, txtNoRight, nil)
			return err
		}
		d.AreaID, d.Step = area.ID, stepTopic
		if text, kb, err = b.topicView(ctx, u.UserID, area.ID); err != nil {
			return err
		}
	} else {
		var err error
		if text, kb, err = b.scopeView(ctx, u.UserID, broadcastScope, 0, 0); err != nil {
			return err
		}
	}
	old, err := b.draft(ctx, u.UserID)
	if err != nil {
		return err
	}
	id, err := b.send(ctx, u.ChatID, text, kb)
	if err != nil {
		return err
	}
	if old != nil && old.ChatID == u.ChatID {
		b.retire(ctx, old.ChatID, old.MessageID, txtRetiredDraft)
	}
	d.MessageID = id
	return b.db.SaveDraft(ctx, d)
}

// draft returns a user's draft, or nil.
func (b *Bot) draft(ctx context.Context, userID int64) (*store.Draft, error) {
	d, err := b.db.DraftOf(ctx, userID)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return nil, nil
	}
	return d, err
}

// topicView is step 2: the topics, with a way back to the areas.
func (b *Bot) topicView(ctx context.Context, userID, areaID int64) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	area, err := b.db.AreaByID(ctx, areaID)
	if err != nil {
		return "", nil, err
	}
	label, err := b.label(ctx, areaID)
	if err != nil {
		return "", nil, err
	}
	var kb keyboard
	var row []tgbotapi.InlineKeyboardButton
	for _, tn := range topicNames {
		row = append(row, button(topicIcons[tn.topic]+tn.name, data(cbBcTopic, int64(tn.topic))))
	}
	kb.row(row...)
	back := area.ID // the area itself, with the areas inside it to choose instead
	if area.ParentID != 0 {
		if ok, err := b.inScope(ctx, userID, area.ParentID); err != nil {
			return "", nil, err
		} else if ok {
			back = area.ParentID
		}
	}
	kb.row(button(btnBcOtherArea, data(cbBcNav, back, 0)), button(btnBcCancel, cbBcCancel))
	return txtBcChooseTopic(label), kb.markup(), nil
}

// textPrompt is step 3: the bot waits for the text.
func (b *Bot) textPrompt(ctx context.Context, d *store.Draft) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	label, err := b.label(ctx, d.AreaID)
	if err != nil {
		return "", nil, err
	}
	var kb keyboard
	kb.row(button(btnBcTopicBack, data(cbBcArea, d.AreaID)), button(btnBcCancel, cbBcCancel))
	return txtBcWriteText(label, d.Topic), kb.markup(), nil
}

// pressBroadcast carries out a press on a /broadcast button.
func (b *Bot) pressBroadcast(ctx context.Context, u update, action string, args []int64) (string, bool, error) {
	if action == cbBcNav || action == cbBcArea {
		// The area is checked before the draft: a forged id is refused and
		// recorded even on a message that is stale anyway.
		if areaID := args[0]; areaID != 0 || action == cbBcArea {
			if a, toast, alert, err := b.checkArea(ctx, u, areaID); a == nil {
				return toast, alert, err
			}
		}
	}
	d, err := b.draft(ctx, u.UserID)
	if err != nil {
		return "", false, err
	}
	if d == nil || d.ChatID != u.ChatID || d.MessageID != u.MessageID {
		return txtDraftGone, false, nil
	}
	view := b.viewIn(ctx, u, func() error { return b.db.SaveDraft(ctx, *d) })
	switch action {
	case cbBcCancel:
		if err := b.db.DeleteDraft(ctx, u.UserID); err != nil {
			return "", false, err
		}
		b.retire(ctx, u.ChatID, u.MessageID, txtBcCancelled)
		return txtToastCancelled, false, nil
	case cbBcNav:
		d.Step, d.AreaID = stepArea, 0
		return "", false, view(b.scopeView(ctx, u.UserID, broadcastScope, args[0], int(args[1])))
	case cbBcArea:
		d.Step, d.AreaID = stepTopic, args[0]
		return "", false, view(b.topicView(ctx, u.UserID, args[0]))
	case cbBcTopic:
		t := store.Topic(args[0])
		if d.AreaID == 0 || topicIcons[t] == "" || (d.Step != stepTopic && d.Step != stepText) {
			return txtStaleButton, false, nil
		}
		d.Step, d.Topic = stepText, t
		return "", false, view(b.textPrompt(ctx, d))
	}
	if d.Step != stepConfirm && !(d.Step == stepTime && (action == cbBcBack || action == cbBcNow)) {
		return txtStaleButton, false, nil
	}
	switch action {
	case cbBcUrgent:
		d.Urgent = !d.Urgent
		b.retire(ctx, u.ChatID, u.MessageID, txtRetiredUrgent)
		if err := b.preview(ctx, d); err != nil {
			return "", false, err
		}
		if d.Urgent {
			return txtToastUrgentOn, false, nil
		}
		return txtToastUrgentOff, false, nil
	case cbBcNow, cbBcBack:
		toast := ""
		if action == cbBcNow {
			d.SendAt, toast = time.Time{}, txtToastNow
		}
		d.Step = stepConfirm
		return toast, false, view(b.controlView(ctx, d))
	case cbBcLater:
		d.Step = stepTime
		var kb keyboard
		kb.row(button(btnBack, cbBcBack), button(btnBcCancel, cbBcCancel))
		return "", false, view(txtBcAskTime, kb.markup(), nil)
	}
	return b.confirm(ctx, u, d)
}

// draftInput takes a message as input to the user's draft, when it has one
// waiting in this chat; done is false when the message is not for it.
func (b *Bot) draftInput(ctx context.Context, u update) (done bool, err error) {
	d, err := b.draft(ctx, u.UserID)
	if err != nil || d == nil || d.ChatID != u.ChatID {
		return false, err
	}
	// A draft left for a day, or whose author lost their role, no longer
	// takes what they type: it is dropped and the message read as usual.
	official, err := b.isOfficial(ctx, u.UserID)
	if err != nil {
		return false, err
	}
	if !official || b.now().Sub(d.UpdatedAt) > draftTTL {
		return false, b.db.DeleteDraft(ctx, u.UserID)
	}
	if isSourceStep(d.Step) {
		return true, b.sourceInput(ctx, u, d)
	}
	switch d.Step {
	case stepText, stepConfirm:
		return true, b.takeText(ctx, u, d)
	case stepTime:
		return true, b.takeTime(ctx, u, d)
	}
	_, err = b.send(ctx, u.ChatID, txtBcUseButtons, nil)
	return true, err
}

// takeText takes the announcement's text, or a photo with its caption, and
// shows the preview. At the preview a new text replaces the old one.
func (b *Bot) takeText(ctx context.Context, u update, d *store.Draft) error {
	text := u.Text
	if u.Kind == kindOther {
		text = u.Caption
	}
	text = strings.TrimSpace(text)
	if (u.Kind == kindOther && u.Photo == "") || (u.Photo == "" && text == "") {
		_, err := b.send(ctx, u.ChatID, txtBcNeedText, nil)
		return err
	}
	if n := utf8.RuneCountInString(text); n > maxDraftRunes {
		_, err := b.send(ctx, u.ChatID, txtBcTooLong(n), nil)
		return err
	}
	retired := txtRetiredText
	if d.Step == stepConfirm {
		retired = txtRetiredReplaced
	}
	b.retire(ctx, u.ChatID, d.MessageID, retired)
	d.Text, d.Photo = text, u.Photo
	return b.preview(ctx, d)
}

// takeTime takes the time to send at, typed by the official.
func (b *Bot) takeTime(ctx context.Context, u update, d *store.Draft) error {
	now := b.now()
	at, err := parseWhen(u.Text, now)
	if u.Kind != kindText {
		err = errWhenUnknown
	}
	if err != nil {
		_, err := b.send(ctx, u.ChatID, txtWhenError(err, now), nil)
		return err
	}
	d.SendAt, d.Step = at.UTC(), stepConfirm
	b.retire(ctx, u.ChatID, d.MessageID, "🕒 Giờ gửi: <b>"+formatWhen(at)+"</b>.")
	text, kb, err := b.controlView(ctx, d)
	if err != nil {
		return err
	}
	id, err := b.send(ctx, u.ChatID, text, kb)
	if err != nil {
		return err
	}
	d.MessageID = id
	return b.db.SaveDraft(ctx, *d)
}

// draftBroadcast is the broadcast a draft makes, its text rendered exactly
// as residents will see it.
func (b *Bot) draftBroadcast(ctx context.Context, d *store.Draft) (store.Broadcast, string, error) {
	label, err := b.label(ctx, d.AreaID)
	if err != nil {
		return store.Broadcast{}, "", err
	}
	return store.Broadcast{
		AreaID: d.AreaID, Topic: d.Topic, Urgent: d.Urgent, Photo: d.Photo,
		Text:       Announcement(label, d.Topic, d.Urgent, d.Text),
		Author:     fmt.Sprintf("user:%d", d.UserID),
		AuthorUser: d.UserID, ReportChat: d.ChatID, SendAt: d.SendAt,
	}, label, nil
}

// preview sends the draft as residents will see it, cut into the same
// messages as the dispatcher cuts it, then the control message with the
// choices, whose id becomes the draft's message.
func (b *Bot) preview(ctx context.Context, d *store.Draft) error {
	bc, _, err := b.draftBroadcast(ctx, d)
	if err != nil {
		return err
	}
	for _, p := range parts(bc) {
		if err := b.sendPart(ctx, d.ChatID, p); err != nil {
			if f, _, _ := classify(err); f != failBadRequest || p.photo == "" {
				return err
			}
			// Telegram would not take the photo back (a file_id from elsewhere).
			d.Step, d.Photo = stepText, ""
			if err := b.db.SaveDraft(ctx, *d); err != nil {
				return err
			}
			_, err := b.send(ctx, d.ChatID, txtBcPhotoBad, nil)
			return err
		}
	}
	d.Step = stepConfirm
	text, kb, err := b.controlView(ctx, d)
	if err != nil {
		return err
	}
	id, err := b.send(ctx, d.ChatID, text, kb)
	if err != nil {
		return err
	}
	d.MessageID = id
	return b.db.SaveDraft(ctx, *d)
}

// sendPart sends one message of a preview as the dispatcher would.
func (b *Bot) sendPart(ctx context.Context, chatID int64, p part) error {
	if p.photo == "" {
		_, err := b.send(ctx, chatID, p.text, nil)
		return err
	}
	return b.deliver(ctx, chatID, func(chatID int64) error {
		m := tgbotapi.NewPhoto(chatID, tgbotapi.FileID(p.photo))
		m.Caption, m.ParseMode = p.text, tgbotapi.ModeHTML
		_, err := b.api.Send(ctx, m)
		return err
	})
}

// controlView is the message under the preview: where it goes, to how
// many, when, how urgent, and the buttons to change that or to send.
func (b *Bot) controlView(ctx context.Context, d *store.Draft) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	bc, label, err := b.draftBroadcast(ctx, d)
	if err != nil {
		return "", nil, err
	}
	n, err := b.db.CountAudience(ctx, d.AreaID, d.Topic)
	if err != nil {
		return "", nil, err
	}
	var kb keyboard
	urgent := btnBcUrgentOff
	if d.Urgent {
		urgent = btnBcUrgentOn
	}
	kb.row(button(urgent, cbBcUrgent))
	if d.SendAt.IsZero() {
		kb.row(button(btnBcLater, cbBcLater))
	} else {
		kb.row(button(btnBcNow, cbBcNow), button(btnBcRelater, cbBcLater))
	}
	kb.row(button(btnBcSend, cbBcSend), button(btnBcCancel, cbBcCancel))
	return txtBcControl(label, *d, n, len(parts(bc))), kb.markup(), nil
}

// confirm creates the broadcast: the dispatcher takes it from there, and
// reports its progress to this chat.
func (b *Bot) confirm(ctx context.Context, u update, d *store.Draft) (string, bool, error) {
	ok, err := b.inScope(ctx, u.UserID, d.AreaID)
	if err != nil {
		return "", false, err
	}
	if !ok { // the role was revoked since the draft began
		if err := b.db.DeleteDraft(ctx, u.UserID); err != nil {
			return "", false, err
		}
		b.retire(ctx, u.ChatID, u.MessageID, txtBcCancelled)
		return b.refusePress(ctx, u, d.AreaID)
	}
	if !d.SendAt.IsZero() && !d.SendAt.After(b.now()) {
		return txtBcTimePassed, true, nil
	}
	bc, label, err := b.draftBroadcast(ctx, d)
	if err != nil {
		return "", false, err
	}
	n, err := b.db.CreateBroadcast(ctx, &bc)
	if code := store.ErrorCode(err); code == store.EINVALID || code == store.ENOTFOUND {
		// The area was merged or removed while the draft waited.
		if err := b.db.DeleteDraft(ctx, u.UserID); err != nil {
			return "", false, err
		}
		b.retire(ctx, u.ChatID, u.MessageID, txtBcAreaGone)
		return txtBcAreaGone, true, nil
	}
	if err != nil {
		return "", false, err
	}
	b.Wake()
	if err := b.db.DeleteDraft(ctx, u.UserID); err != nil {
		return "", false, err
	}
	if d.SendAt.IsZero() {
		b.retire(ctx, u.ChatID, u.MessageID, txtBcQueued(bc.ID, label, n))
		return txtToastQueued, false, nil
	}
	b.retire(ctx, u.ChatID, u.MessageID, txtBcScheduled(bc.ID, label, n, d.SendAt))
	return txtToastScheduled, false, nil
}

// cancelDraft answers /cancel: the draft, of a broadcast or of a source,
// is dropped at whatever step.
func (b *Bot) cancelDraft(ctx context.Context, u update) error {
	d, err := b.draft(ctx, u.UserID)
	if err != nil {
		return err
	}
	if d == nil {
		_, err := b.send(ctx, u.ChatID, txtBcNoDraft, nil)
		return err
	}
	if err := b.db.DeleteDraft(ctx, u.UserID); err != nil {
		return err
	}
	text := txtBcCancelled
	if isSourceStep(d.Step) {
		text = txtSrcCancelled
	}
	b.retire(ctx, d.ChatID, d.MessageID, text)
	_, err = b.send(ctx, u.ChatID, text, nil)
	return err
}
