package bot

import (
	"context"
	"regexp"
	"strings"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/store"
)

// validCode is the shape of an area code, the payload of a deep link.
var validCode = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// welcome answers a bare /start: a short welcome, then the areas to choose.
func (b *Bot) welcome(ctx context.Context, u update) error {
	text, kb, err := b.areaView(ctx, 0, 0)
	if err != nil {
		return err
	}
	_, err = b.send(ctx, u.ChatID, txtWelcome+"\n\n"+text, kb)
	return err
}

// deepLink answers "/start CODE", the link behind a printed poster: it
// subscribes at once and offers to undo. An invite's code (store.InvitePrefix)
// is an invite, whatever area code might look the same.
func (b *Bot) deepLink(ctx context.Context, u update, code string) error {
	if strings.HasPrefix(code, store.InvitePrefix) {
		return b.acceptInvite(ctx, u, code)
	}
	area, err := b.areaByCode(ctx, code)
	if err != nil {
		return err
	}
	if area == nil {
		text, kb, err := b.areaView(ctx, 0, 0)
		if err != nil {
			return err
		}
		_, err = b.send(ctx, u.ChatID, txtUnknownCode(truncate(code, 64))+"\n\n"+text, kb)
		return err
	}
	text, kb, err := b.subscribe(ctx, u, area.ID)
	if err != nil {
		return err
	}
	_, err = b.send(ctx, u.ChatID, text, kb)
	return err
}

// areaByCode returns the area a code typed or linked by a person names,
// or nil when there is none: a code of the wrong shape names nothing.
func (b *Bot) areaByCode(ctx context.Context, code string) (*store.Area, error) {
	if !validCode.MatchString(code) {
		return nil, nil
	}
	area, err := b.db.AreaByCode(ctx, code)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return nil, nil
	}
	return area, err
}

// subscribe subscribes the update's chat to an area and returns the
// confirmation to show.
func (b *Bot) subscribe(ctx context.Context, u update, areaID int64) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	path, err := b.db.AreaPath(ctx, areaID)
	if err != nil {
		return "", nil, err
	}
	if err := b.db.UpsertChat(ctx, b.chatOf(u)); err != nil {
		return "", nil, err
	}
	created, err := b.db.Subscribe(ctx, u.ChatID, areaID, store.AllTopics)
	if err != nil {
		return "", nil, err
	}
	label := store.AreaLabel(path)
	var kb keyboard
	kb.row(button(btnTopics, data(cbTopics, areaID)), button(btnMore, cbMore))
	if !created {
		topics := store.AllTopics
		if sub := b.subscription(ctx, u.ChatID, areaID); sub != nil {
			topics = sub.Topics
		}
		return txtAlreadySubscribed(label, topics), kb.markup(), nil
	}
	kb.rows = append([][]tgbotapi.InlineKeyboardButton{{button(btnUndo, data(cbUndo, areaID))}}, kb.rows...)
	return txtSubscribed(label, store.AllTopics), kb.markup(), nil
}

// subscription returns the chat's subscription to an area, or nil.
func (b *Bot) subscription(ctx context.Context, chatID, areaID int64) *store.Subscription {
	subs, err := b.db.Subscriptions(ctx, chatID)
	if err != nil {
		return nil
	}
	for i := range subs {
		if subs[i].Area.ID == areaID {
			return &subs[i]
		}
	}
	return nil
}

// search answers free text in a private chat with the areas it names.
func (b *Bot) search(ctx context.Context, u update) error {
	q := truncate(u.Text, 100)
	areas, err := b.db.SearchAreas(ctx, q, pageSize)
	if err != nil {
		return err
	}
	if len(areas) == 0 {
		_, err := b.send(ctx, u.ChatID, txtSearchNone(q), nil)
		return err
	}
	var kb keyboard
	for _, a := range areas {
		path, err := b.db.AreaPath(ctx, a.ID)
		if err != nil {
			return err
		}
		kb.row(button(store.AreaLabel(path), pick(a)))
	}
	_, err = b.send(ctx, u.ChatID, txtSearchResults(q), kb.markup())
	return err
}

// pick is what pressing an area's button does: open it when it has areas
// inside, subscribe to it when it has none.
func pick(a store.Area) string {
	if a.Children > 0 {
		return data(cbNav, a.ID, 0)
	}
	return data(cbSub, a.ID)
}

// areaView shows the areas inside areaID (0: the top of the tree) as
// buttons, a page at a time, with a button to subscribe to areaID itself.
func (b *Bot) areaView(ctx context.Context, areaID int64, page int) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	var area *store.Area
	if areaID != 0 {
		a, err := b.db.AreaByID(ctx, areaID)
		if err != nil {
			return "", nil, err
		}
		area = a
	}
	children, err := b.db.ChildAreas(ctx, areaID)
	if err != nil {
		return "", nil, err
	}
	// A single root (the city) is skipped: residents start from their ward.
	if area == nil && len(children) == 1 && children[0].Children > 0 {
		area = &children[0]
		if children, err = b.db.ChildAreas(ctx, area.ID); err != nil {
			return "", nil, err
		}
	}
	if area == nil && len(children) == 0 {
		return txtNoAreas, nil, nil
	}
	pages := max(1, (len(children)+pageSize-1)/pageSize)
	page = min(max(page, 0), pages-1)
	var kb keyboard
	shown := children[page*pageSize : min(len(children), (page+1)*pageSize)]
	for i := 0; i < len(shown); i += 2 {
		var row []tgbotapi.InlineKeyboardButton
		for _, c := range shown[i:min(i+2, len(shown))] {
			row = append(row, button(c.Name, pick(c)))
		}
		kb.row(row...)
	}
	if pages > 1 {
		var nav []tgbotapi.InlineKeyboardButton
		if page > 0 {
			nav = append(nav, button(btnPrev, data(cbNav, areaID, int64(page-1))))
		}
		if page < pages-1 {
			nav = append(nav, button(btnNext, data(cbNav, areaID, int64(page+1))))
		}
		kb.row(nav...)
	}
	text := txtChooseRoot
	if area != nil {
		kb.row(buttonf(btnSubscribeAll, area.Name, data(cbSub, area.ID)))
		text = txtChooseIn(*area)
		if areaID != 0 && area.ParentID != 0 {
			kb.row(button(btnBack, data(cbNav, area.ParentID, 0)))
		}
	}
	if pages > 1 {
		text += pageNote(page, pages)
	}
	return text, kb.markup(), nil
}

// stop unsubscribes the chat from everything and confirms.
func (b *Bot) stop(ctx context.Context, u update) error {
	n, err := b.db.UnsubscribeAll(ctx, u.ChatID)
	if err != nil {
		return err
	}
	if n == 0 {
		_, err = b.send(ctx, u.ChatID, txtStopNone, nil)
		return err
	}
	var kb keyboard
	kb.row(button(btnResubscribe, cbMore))
	_, err = b.send(ctx, u.ChatID, txtStopped(n), kb.markup())
	return err
}

// mineView lists the chat's subscriptions with buttons to change each.
func (b *Bot) mineView(ctx context.Context, chatID int64) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	subs, err := b.db.Subscriptions(ctx, chatID)
	if err != nil {
		return "", nil, err
	}
	var kb keyboard
	if len(subs) == 0 {
		kb.row(button(btnResubscribe, cbMore))
		return txtNoSubscriptions, kb.markup(), nil
	}
	labels := make([]string, len(subs))
	for i, s := range subs {
		path, err := b.db.AreaPath(ctx, s.Area.ID)
		if err != nil {
			return "", nil, err
		}
		labels[i] = store.AreaLabel(path)
		kb.row(buttonf(btnTopicsOf, s.Area.Name, data(cbTopics, s.Area.ID)),
			buttonf(btnRemove, s.Area.Name, data(cbRemove, s.Area.ID)))
	}
	kb.row(button(btnMore, cbMore))
	return txtMine(subs, labels), kb.markup(), nil
}

// topicsView shows the topics of one subscription as switches.
func (b *Bot) topicsView(ctx context.Context, chatID, areaID int64) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	sub := b.subscription(ctx, chatID, areaID)
	if sub == nil {
		return b.mineView(ctx, chatID)
	}
	path, err := b.db.AreaPath(ctx, areaID)
	if err != nil {
		return "", nil, err
	}
	var kb keyboard
	for _, tn := range topicNames {
		mark := "⬜ "
		if sub.Topics&tn.topic != 0 {
			mark = "✅ "
		}
		kb.row(button(mark+tn.name, data(cbToggle, areaID, int64(tn.topic))))
	}
	kb.row(button(btnDone, cbMine))
	return txtTopicsOf(store.AreaLabel(path)), kb.markup(), nil
}

// press carries out a button press and returns the notice to show.
func (b *Bot) press(ctx context.Context, u update) (string, error) {
	view := b.viewIn(ctx, u, nil)
	action, _, _ := parseData(u.Data, 0)
	switch action {
	case cbMore:
		return "", view(b.areaView(ctx, 0, 0))
	case cbMine:
		return "", view(b.mineView(ctx, u.ChatID))
	case cbForget:
		if err := b.db.ForgetChat(ctx, u.ChatID); err != nil {
			return "", err
		}
		return txtForgottenToast, view(txtForgotten, nil, nil)
	case cbQuiet:
		return b.pressQuiet(ctx, u)
	}
	nargs := 1
	if action == cbNav || action == cbToggle {
		nargs = 2
	}
	action, args, ok := parseData(u.Data, nargs)
	if !ok {
		return txtStaleButton, nil
	}
	areaID := args[0]
	if areaID != 0 || action != cbNav {
		a, err := b.db.AreaByID(ctx, areaID)
		if store.ErrorCode(err) == store.ENOTFOUND || (a != nil && a.MergedInto != 0) {
			return txtAreaGone, nil
		}
		if err != nil {
			return "", err
		}
	}
	switch action {
	case cbNav:
		return "", view(b.areaView(ctx, areaID, int(args[1])))
	case cbSub:
		return txtSubscribedToast, view(b.subscribe(ctx, u, areaID))
	case cbUndo, cbRemove:
		if _, err := b.db.Unsubscribe(ctx, u.ChatID, areaID); err != nil {
			return "", err
		}
		if action == cbRemove {
			return txtUndoneToast, view(b.mineView(ctx, u.ChatID))
		}
		path, err := b.db.AreaPath(ctx, areaID)
		if err != nil {
			return "", err
		}
		var kb keyboard
		kb.row(button(btnMore, cbMore))
		return txtUndoneToast, view(txtUnsubscribed(store.AreaLabel(path)), kb.markup(), nil)
	case cbTopics:
		return "", view(b.topicsView(ctx, u.ChatID, areaID))
	case cbToggle:
		return b.toggle(ctx, u, areaID, store.Topic(args[1]))
	}
	return txtStaleButton, nil
}

// toggle switches one topic of a subscription, keeping at least one.
func (b *Bot) toggle(ctx context.Context, u update, areaID int64, t store.Topic) (string, error) {
	sub := b.subscription(ctx, u.ChatID, areaID)
	if sub == nil || t&store.AllTopics == 0 || t&(t-1) != 0 {
		return txtStaleButton, nil
	}
	topics := sub.Topics ^ t
	if topics == 0 {
		return txtKeepOneTopic, nil
	}
	if err := b.db.SetTopics(ctx, u.ChatID, areaID, topics); err != nil {
		return "", err
	}
	text, kb, err := b.topicsView(ctx, u.ChatID, areaID)
	if err != nil {
		return "", err
	}
	return txtSavedToast, b.edit(ctx, u.ChatID, u.MessageID, text, kb)
}

// truncate shortens s to at most n characters.
func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n]) + "…"
}
