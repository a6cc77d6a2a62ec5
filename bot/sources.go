package bot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// /sources lists the news sources of an official's areas, with buttons to
// pause, resume and remove those whose every area is in their scope, and
// adds one in a conversation kept in the official's draft, as /broadcast
// does: the URL (fetched at once, to show what it is and its latest
// items), the areas, the topic, then a confirmation where keywords may be
// typed. Adding reads the source again and marks what it shows as seen.
// The store writes every change to the audit log (source_add,
// source_pause, source_resume, source_remove); refusals are audited here.

// The steps of a source draft.
const (
	stepSrcURL     = "src_url"     // a message: the URL, maybe with a selector
	stepSrcArea    = "src_area"    // presses choosing the areas (or a new URL)
	stepSrcTopic   = "src_topic"   // a press choosing the topic
	stepSrcConfirm = "src_confirm" // a press on the confirmation, or keywords
)

// Bounds of /sources.
const (
	sourcesPage    = 5  // sources per page of the list
	maxSourceAreas = 10 // areas one source feeds
)

// sourceIntervals are the intervals the confirmation's button cycles
// through, in minutes; the first is the default.
var sourceIntervals = []int{10, 15, 30, 60, 5}

// sourceDraft is what adding a source has gathered so far, kept as JSON in
// the text of the official's draft (store.Draft.Text) between steps; the
// draft's Topic is the source's topic.
type sourceDraft struct {
	URL      string           `json:"url,omitempty"`
	Kind     store.SourceKind `json:"kind,omitempty"`
	Selector string           `json:"selector,omitempty"`
	Name     string           `json:"name,omitempty"`
	Areas    []int64          `json:"areas,omitempty"`
	Minutes  int              `json:"minutes,omitempty"` // 0: the first of sourceIntervals
	Keywords string           `json:"keywords,omitempty"`
}

// minutes is the polling interval chosen.
func (sd sourceDraft) minutes() int {
	if sd.Minutes == 0 {
		return sourceIntervals[0]
	}
	return sd.Minutes
}

// isSourceStep says whether a draft's step belongs to /sources.
func isSourceStep(step string) bool { return strings.HasPrefix(step, "src_") }

// isSourceAction says whether a callback action belongs to /sources.
func isSourceAction(action string) bool {
	switch action {
	case cbSrcList, cbSrcAdd, cbSrcNav, cbSrcPick, cbSrcUnpick, cbSrcMore, cbSrcChosen, cbSrcAreasDone,
		cbSrcTopic, cbSrcEvery, cbSrcConfirm, cbSrcCancel, cbSrcPause, cbSrcRemove, cbSrcRemoveYes:
		return true
	}
	return false
}

// readSourceDraft decodes the source draft kept in a draft.
func readSourceDraft(d *store.Draft) sourceDraft {
	var sd sourceDraft
	if d.Text != "" {
		if err := json.Unmarshal([]byte(d.Text), &sd); err != nil {
			return sourceDraft{}
		}
	}
	return sd
}

// keep stores a source draft into a draft.
func keep(d *store.Draft, sd sourceDraft) {
	b, _ := json.Marshal(sd) // plain strings and numbers: cannot fail
	d.Text = string(b)
}

// sourcesCommand answers /sources: the list, or with a URL (and maybe a
// selector) the start of adding it.
func (b *Bot) sourcesCommand(ctx context.Context, u update) error {
	if arg := strings.TrimSpace(u.Args); arg != "" {
		return b.startSource(ctx, u, arg)
	}
	text, kb, err := b.sourcesView(ctx, u.UserID, 0)
	if err != nil {
		return err
	}
	_, err = b.send(ctx, u.ChatID, text, kb)
	return err
}

// mayManageSource says whether a user may pause or remove a source: an
// admin, or an official whose scope holds every area it feeds.
func (b *Bot) mayManageSource(ctx context.Context, userID int64, s store.Source) (bool, error) {
	ids := make([]int64, len(s.Areas))
	for i, a := range s.Areas {
		ids[i] = a.ID
	}
	ok, _, err := b.inScopeAll(ctx, userID, ids)
	return ok, err
}

// sourceLabels names the areas of a source.
func (b *Bot) sourceLabels(ctx context.Context, ids []int64) ([]string, error) {
	labels := make([]string, 0, len(ids))
	for _, id := range ids {
		l, err := b.label(ctx, id)
		if err != nil {
			return nil, err
		}
		labels = append(labels, l)
	}
	return labels, nil
}

// sourcesView lists the sources that feed an area in the user's scope
// (an admin: all), a page at a time, with buttons for those the user may
// manage.
func (b *Bot) sourcesView(ctx context.Context, userID int64, page int) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	admin, err := b.isAdmin(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	all, err := b.db.Sources(ctx)
	if err != nil {
		return "", nil, err
	}
	var shown []store.Source
	for _, s := range all {
		visible := admin
		for _, a := range s.Areas {
			if visible {
				break
			}
			if visible, err = b.inScope(ctx, userID, a.ID); err != nil {
				return "", nil, err
			}
		}
		if visible {
			shown = append(shown, s)
		}
	}
	var kb keyboard
	if len(shown) == 0 {
		kb.row(button(btnSrcAdd, cbSrcAdd))
		return txtNoSources, kb.markup(), nil
	}
	pages := (len(shown) + sourcesPage - 1) / sourcesPage
	page = min(max(page, 0), pages-1)
	shown = shown[page*sourcesPage : min(len(shown), (page+1)*sourcesPage)]
	lines := make([]sourceLine, len(shown))
	for i, s := range shown {
		labels, err := b.sourceLabels(ctx, s.AreaIDs())
		if err != nil {
			return "", nil, err
		}
		lines[i] = sourceLine{s: s, labels: labels}
		ok, err := b.mayManageSource(ctx, userID, s)
		if err != nil {
			return "", nil, err
		}
		if !ok {
			continue
		}
		pause := button(fmt.Sprintf(btnSrcPause, s.ID), data(cbSrcPause, s.ID, int64(page)))
		if s.Paused {
			pause = button(fmt.Sprintf(btnSrcResume, s.ID), data(cbSrcPause, s.ID, int64(page)))
		}
		kb.row(pause, button(fmt.Sprintf(btnSrcRemove, s.ID), data(cbSrcRemove, s.ID, int64(page))))
	}
	var nav []tgbotapi.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, button(btnPrev, data(cbSrcList, int64(page-1))))
	}
	if page < pages-1 {
		nav = append(nav, button(btnNext, data(cbSrcList, int64(page+1))))
	}
	kb.row(nav...)
	kb.row(button(btnSrcAdd, cbSrcAdd))
	return txtSources(lines, page, pages, b.now()), kb.markup(), nil
}

// startSource begins adding a source: with input (a URL and maybe a
// selector) it reads it at once, else it asks for it. A draft the user
// had in this chat is retired.
func (b *Bot) startSource(ctx context.Context, u update, input string) error {
	old, err := b.draft(ctx, u.UserID)
	if err != nil {
		return err
	}
	if old != nil && old.ChatID == u.ChatID {
		b.retire(ctx, old.ChatID, old.MessageID, txtRetiredDraft)
	}
	d := &store.Draft{UserID: u.UserID, ChatID: u.ChatID, Step: stepSrcURL, Topic: store.TopicNews}
	keep(d, sourceDraft{})
	if input != "" {
		return b.probeSource(ctx, u, d, input)
	}
	var kb keyboard
	kb.row(button(btnBcCancel, cbSrcCancel))
	if d.MessageID, err = b.send(ctx, u.ChatID, txtSrcAskURL, kb.markup()); err != nil {
		return err
	}
	return b.db.SaveDraft(ctx, *d)
}

// sourceInput takes a message typed while adding a source: a URL at the
// first steps, keywords at the confirmation.
func (b *Bot) sourceInput(ctx context.Context, u update, d *store.Draft) error {
	text := strings.TrimSpace(u.Text)
	switch {
	case d.Step == stepSrcConfirm && u.Kind == kindText && text != "":
		return b.takeKeywords(ctx, u, d, text)
	case d.Step != stepSrcURL && d.Step != stepSrcArea:
		_, err := b.send(ctx, u.ChatID, txtSrcUseButtons, nil)
		return err
	case u.Kind != kindText || text == "":
		_, err := b.send(ctx, u.ChatID, txtSrcNeedURL, nil)
		return err
	}
	return b.probeSource(ctx, u, d, text)
}

// probeSource reads the URL typed (a selector may follow it after a
// space) and shows what it is, or why it cannot be read.
func (b *Bot) probeSource(ctx context.Context, u update, d *store.Draft, input string) error {
	fields := strings.Fields(input)
	raw, selector := fields[0], strings.Join(fields[1:], " ")
	url, err := store.CheckSourceURL(raw)
	if err != nil {
		_, err := b.send(ctx, u.ChatID, txtSrcBadURL(raw), nil)
		return err
	}
	if selector != "" {
		if err := feed.CheckSelector(selector); err != nil {
			_, err := b.send(ctx, u.ChatID, txtSrcBadSelector(selector), nil)
			return err
		}
	}
	b.retire(ctx, d.ChatID, d.MessageID, txtSrcRetired)
	msgID, err := b.send(ctx, u.ChatID, txtSrcReading(url), nil)
	if err != nil {
		return err
	}
	d.MessageID = msgID
	res, perr := b.fetch.Probe(ctx, url, selector)
	var kb keyboard
	if perr != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		var status int
		if fe := (*feed.Error)(nil); errors.As(perr, &fe) {
			status = fe.Status
		}
		d.Step = stepSrcURL
		kb.row(button(btnBcCancel, cbSrcCancel))
		if err := b.db.SaveDraft(ctx, *d); err != nil {
			return err
		}
		return b.edit(ctx, u.ChatID, msgID, txtSrcUnreadable(url, feed.ReasonOf(perr), status), kb.markup())
	}
	sd := readSourceDraft(d)
	sd.URL, sd.Kind, sd.Selector, sd.Name = res.URL, res.Kind, res.Selector, res.Name
	if sd.Kind == store.SourceRSS {
		sd.Selector = ""
	}
	keep(d, sd)
	d.Step = stepSrcArea
	if err := b.db.SaveDraft(ctx, *d); err != nil {
		return err
	}
	kb.row(button(btnSrcAreas, cbSrcMore))
	kb.row(button(btnBcCancel, cbSrcCancel))
	return b.edit(ctx, u.ChatID, msgID, txtSrcProbed(res, url), kb.markup())
}

// takeKeywords takes the keywords typed at the confirmation ("bỏ" drops
// them) and shows it again, below.
func (b *Bot) takeKeywords(ctx context.Context, u update, d *store.Draft, text string) error {
	sd := readSourceDraft(d)
	switch store.Fold(text) {
	case "bo", "khong", "xoa", "huy tu khoa", "bo tu khoa":
		sd.Keywords = ""
	default:
		kw := store.ParseKeywords(text)
		if len(kw) == 0 || len(kw) > 20 {
			_, err := b.send(ctx, u.ChatID, txtSrcUseButtons, nil)
			return err
		}
		sd.Keywords = strings.Join(kw, ", ")
	}
	keep(d, sd)
	b.retire(ctx, u.ChatID, d.MessageID, txtSrcRetiredKw)
	text, kb, err := b.sourceConfirmView(ctx, d)
	if err != nil {
		return err
	}
	if d.MessageID, err = b.send(ctx, u.ChatID, text, kb); err != nil {
		return err
	}
	return b.db.SaveDraft(ctx, *d)
}

// sourceChooser is the area chooser, with the areas chosen so far and a
// way on once there is one.
func (b *Bot) sourceChooser(ctx context.Context, userID int64, sd sourceDraft, areaID int64, page int) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	text, kb, err := b.scopeView(ctx, userID, sourceScope, areaID, page)
	if err != nil || kb == nil {
		return text, kb, err
	}
	labels, err := b.sourceLabels(ctx, sd.Areas)
	if err != nil {
		return "", nil, err
	}
	if len(sd.Areas) > 0 {
		kb.InlineKeyboard = append(kb.InlineKeyboard, []tgbotapi.InlineKeyboardButton{button(btnSrcNext, cbSrcChosen)})
	}
	return text + txtSrcChosenLine(labels), kb, nil
}

// sourceChosenView lists the areas chosen, to remove some, add more or go on.
func (b *Bot) sourceChosenView(ctx context.Context, sd sourceDraft) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	labels, err := b.sourceLabels(ctx, sd.Areas)
	if err != nil {
		return "", nil, err
	}
	var kb keyboard
	for i := 0; i < len(sd.Areas); i += 2 {
		var row []tgbotapi.InlineKeyboardButton
		for j := i; j < min(i+2, len(sd.Areas)); j++ {
			name := labels[j]
			if first, _, ok := strings.Cut(name, " · "); ok {
				name = first
			}
			row = append(row, button(fmt.Sprintf(btnSrcUnpick, truncate(name, 30)), data(cbSrcUnpick, sd.Areas[j])))
		}
		kb.row(row...)
	}
	kb.row(button(btnSrcMore, cbSrcMore), button(btnSrcNext, cbSrcAreasDone))
	kb.row(button(btnBcCancel, cbSrcCancel))
	return txtSrcChosen(sd.Name, labels), kb.markup(), nil
}

// sourceTopicView asks for the topic.
func (b *Bot) sourceTopicView(ctx context.Context, sd sourceDraft) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	labels, err := b.sourceLabels(ctx, sd.Areas)
	if err != nil {
		return "", nil, err
	}
	var kb keyboard
	kb.row(button(btnSrcNews, data(cbSrcTopic, int64(store.TopicNews))), button(btnSrcNotices, data(cbSrcTopic, int64(store.TopicAnnouncements))))
	kb.row(button(btnSrcBackTo, cbSrcChosen), button(btnBcCancel, cbSrcCancel))
	return txtSrcChooseTopic(sd.Name, labels), kb.markup(), nil
}

// sourceConfirmView shows everything about the source to be added.
func (b *Bot) sourceConfirmView(ctx context.Context, d *store.Draft) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	sd := readSourceDraft(d)
	labels, err := b.sourceLabels(ctx, sd.Areas)
	if err != nil {
		return "", nil, err
	}
	n, err := b.db.CountSourceAudience(ctx, sd.Areas, d.Topic)
	if err != nil {
		return "", nil, err
	}
	var kb keyboard
	kb.row(button(fmt.Sprintf(btnSrcEvery, sd.minutes()), cbSrcEvery))
	kb.row(button(btnSrcConfirm, cbSrcConfirm), button(btnBcCancel, cbSrcCancel))
	kb.row(button(btnSrcTopicBk, cbSrcAreasDone))
	return txtSrcConfirm(sourceDraftView{d: sd, labels: labels, topic: d.Topic, audience: n}), kb.markup(), nil
}

// pressSources carries out a press on a /sources button.
func (b *Bot) pressSources(ctx context.Context, u update, action string, args []int64) (string, bool, error) {
	switch action {
	case cbSrcList:
		return "", false, b.editSources(ctx, u, int(args[0]))
	case cbSrcAdd:
		return "", false, b.startSource(ctx, u, "")
	case cbSrcPause, cbSrcRemove, cbSrcRemoveYes:
		return b.pressSourceItem(ctx, u, action, args[0], int(args[1]))
	case cbSrcNav, cbSrcPick:
		// The area is checked before the draft: a forged id is refused and
		// recorded even on a message that is stale anyway.
		if areaID := args[0]; areaID != 0 || action == cbSrcPick {
			if a, toast, alert, err := b.checkArea(ctx, u, areaID); a == nil {
				return toast, alert, err
			}
		}
	}
	d, err := b.draft(ctx, u.UserID)
	if err != nil {
		return "", false, err
	}
	if d == nil || !isSourceStep(d.Step) || d.ChatID != u.ChatID || d.MessageID != u.MessageID {
		return txtSrcDraftGone, false, nil
	}
	sd := readSourceDraft(d)
	view := b.viewIn(ctx, u, func() error {
		keep(d, sd)
		return b.db.SaveDraft(ctx, *d)
	})
	if action == cbSrcCancel {
		if err := b.db.DeleteDraft(ctx, u.UserID); err != nil {
			return "", false, err
		}
		b.retire(ctx, u.ChatID, u.MessageID, txtSrcCancelled)
		return txtToastCancelled, false, nil
	}
	if sd.URL == "" { // nothing read yet: only cancelling makes sense
		return txtStaleButton, false, nil
	}
	switch action {
	case cbSrcMore:
		d.Step = stepSrcArea
		return "", false, view(b.sourceChooser(ctx, u.UserID, sd, 0, 0))
	case cbSrcNav:
		d.Step = stepSrcArea
		return "", false, view(b.sourceChooser(ctx, u.UserID, sd, args[0], int(args[1])))
	case cbSrcPick:
		if !slices.Contains(sd.Areas, args[0]) {
			if len(sd.Areas) >= maxSourceAreas {
				return txtSrcTooMany, true, nil
			}
			sd.Areas = append(sd.Areas, args[0])
		}
		d.Step = stepSrcArea
		return "", false, view(b.sourceChosenView(ctx, sd))
	case cbSrcUnpick:
		sd.Areas = slices.DeleteFunc(sd.Areas, func(id int64) bool { return id == args[0] })
		d.Step = stepSrcArea
		if len(sd.Areas) == 0 {
			return "", false, view(b.sourceChooser(ctx, u.UserID, sd, 0, 0))
		}
		return "", false, view(b.sourceChosenView(ctx, sd))
	case cbSrcChosen:
		if len(sd.Areas) == 0 {
			return txtSrcNoArea, false, nil
		}
		d.Step = stepSrcArea
		return "", false, view(b.sourceChosenView(ctx, sd))
	case cbSrcAreasDone:
		if len(sd.Areas) == 0 {
			return txtSrcNoArea, false, nil
		}
		d.Step = stepSrcTopic
		return "", false, view(b.sourceTopicView(ctx, sd))
	case cbSrcTopic:
		t := store.Topic(args[0])
		if len(sd.Areas) == 0 || (t != store.TopicNews && t != store.TopicAnnouncements) {
			return txtStaleButton, false, nil
		}
		d.Step, d.Topic = stepSrcConfirm, t
		keep(d, sd)
		return "", false, view(b.sourceConfirmView(ctx, d))
	}
	if d.Step != stepSrcConfirm {
		return txtStaleButton, false, nil
	}
	if action == cbSrcEvery {
		i := slices.Index(sourceIntervals, sd.minutes())
		sd.Minutes = sourceIntervals[(i+1)%len(sourceIntervals)]
		keep(d, sd)
		return "", false, view(b.sourceConfirmView(ctx, d))
	}
	return b.confirmSource(ctx, u, d, sd)
}

// confirmSource adds the source: it is read once more, and what it shows
// now is marked seen.
func (b *Bot) confirmSource(ctx context.Context, u update, d *store.Draft, sd sourceDraft) (string, bool, error) {
	for _, id := range sd.Areas {
		ok, err := b.inScope(ctx, u.UserID, id)
		if err != nil {
			return "", false, err
		}
		if !ok { // the role was revoked since the draft began
			if err := b.db.DeleteDraft(ctx, u.UserID); err != nil {
				return "", false, err
			}
			b.retire(ctx, u.ChatID, u.MessageID, txtSrcCancelled)
			return b.refusePress(ctx, u, id)
		}
	}
	res, err := b.fetch.Fetch(ctx, feed.Request{URL: sd.URL, Kind: sd.Kind, Selector: sd.Selector})
	if err != nil {
		if ctx.Err() != nil {
			return "", false, ctx.Err()
		}
		b.log.Info("source unreadable at confirmation", "url", sd.URL, "err", err)
		return txtToastSrcUnread, true, nil
	}
	s := &store.Source{
		URL: sd.URL, Kind: sd.Kind, Selector: sd.Selector, Name: sd.Name, Topic: d.Topic,
		Interval: time.Duration(sd.minutes()) * time.Minute, Keywords: store.ParseKeywords(sd.Keywords),
		ETag: res.ETag, LastModified: res.LastModified, Owner: u.UserID,
	}
	for _, id := range sd.Areas {
		s.Areas = append(s.Areas, store.Area{ID: id})
	}
	err = b.db.CreateSource(ctx, s, res.Items)
	if code := store.ErrorCode(err); code == store.EINVALID || code == store.ENOTFOUND {
		if err := b.db.DeleteDraft(ctx, u.UserID); err != nil {
			return "", false, err
		}
		b.retire(ctx, u.ChatID, u.MessageID, txtSrcAreaGone)
		return txtSrcAreaGone, true, nil
	}
	if err != nil {
		return "", false, err
	}
	if err := b.db.DeleteDraft(ctx, u.UserID); err != nil {
		return "", false, err
	}
	labels, err := b.sourceLabels(ctx, sd.Areas)
	if err != nil {
		return "", false, err
	}
	b.retire(ctx, u.ChatID, u.MessageID, txtSrcAdded(*s, labels, len(res.Items)))
	return txtToastSrcAdded, false, nil
}

// editSources shows a page of the list in the pressed message.
func (b *Bot) editSources(ctx context.Context, u update, page int) error {
	text, kb, err := b.sourcesView(ctx, u.UserID, page)
	if err != nil {
		return err
	}
	return b.edit(ctx, u.ChatID, u.MessageID, text, kb)
}

// pressSourceItem pauses, resumes or removes a source from the list, for
// an official who may manage it.
func (b *Bot) pressSourceItem(ctx context.Context, u update, action string, id int64, page int) (string, bool, error) {
	s, err := b.db.SourceByID(ctx, id)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return txtSrcGone, false, b.editSources(ctx, u, page)
	}
	if err != nil {
		return "", false, err
	}
	ok, err := b.mayManageSource(ctx, u.UserID, *s)
	if err != nil {
		return "", false, err
	}
	if !ok {
		var area int64
		if len(s.Areas) > 0 {
			area = s.Areas[0].ID
		}
		return b.refusePress(ctx, u, area)
	}
	toast := ""
	switch action {
	case cbSrcRemove:
		var kb keyboard
		kb.row(button(fmt.Sprintf(btnSrcRmYes, s.ID), data(cbSrcRemoveYes, s.ID, int64(page))), button(btnBack, data(cbSrcList, int64(page))))
		return "", false, b.edit(ctx, u.ChatID, u.MessageID, txtSrcRemoveAsk(*s), kb.markup())
	case cbSrcRemoveYes:
		err, toast = b.db.DeleteSource(ctx, s.ID, u.UserID), txtToastSrcRemoved
	default:
		toast = txtToastSrcPaused
		if s.Paused {
			toast = txtToastSrcResumed
		}
		err = b.db.SetSourcePaused(ctx, s.ID, !s.Paused, u.UserID)
	}
	if store.ErrorCode(err) == store.ENOTFOUND {
		toast, err = txtSrcGone, nil
	}
	if err != nil {
		return "", false, err
	}
	return toast, false, b.editSources(ctx, u, page)
}

// The bot tells owners about their sources for the poller.
var _ feed.Notifier = (*Bot)(nil)

// SourceFailing tells the owner of a source that keeps failing, or the
// configured admins when the command line added it, so that someone can
// check the address (feed.Notifier).
func (b *Bot) SourceFailing(ctx context.Context, s store.Source) error {
	return b.tellOwner(ctx, s, txtSourceFailing(s))
}

// SourceRecovered tells the same people that the source works again
// (feed.Notifier).
func (b *Bot) SourceRecovered(ctx context.Context, s store.Source) error {
	return b.tellOwner(ctx, s, txtSourceRecovered(s))
}

// tellOwner sends text to a source's owner's private chat, or to every
// configured admin when it has no owner; it fails only if nobody got it.
func (b *Bot) tellOwner(ctx context.Context, s store.Source, text string) error {
	to := b.cfg.Admins
	if s.Owner != 0 {
		to = []int64{s.Owner}
	}
	var firstErr error
	told := 0
	for _, id := range to {
		if _, err := b.send(ctx, id, text, nil); err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		told++
	}
	if told == 0 {
		return firstErr
	}
	return nil
}
