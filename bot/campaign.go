package bot

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// /campaigns lists the campaigns in an official's scope, with buttons to
// pause, resume or end each, and starts a guided flow to create one, from
// scratch or from the catalogue: title, text, areas within scope, schedule
// (a preset or typed), days, then a preview and a confirmation. As with
// /broadcast, each step is saved in the official's campaign draft before
// the bot answers, the draft's MessageID is the message whose buttons are
// live, and every press is checked again against the user's scope.

// Campaign callback actions; see keyboard.go for the format.
const (
	cbCpList     = "cl" // cl             /campaigns: the list again
	cbCpNew      = "cn" // cn             /campaigns: a new campaign; next, the title
	cbCpCat      = "cg" // cg             /campaigns: the catalogue's campaigns
	cbCpTemplate = "ct" // ct:INDEX       /campaigns: turn on the INDEXth campaign of the catalogue
	cbCpNav      = "ca" // ca:AREA:PAGE   /campaigns: show the areas inside AREA
	cbCpArea     = "cs" // cs:AREA        /campaigns: choose AREA, or drop it
	cbCpAreas    = "cd" // cd             /campaigns: the areas are chosen; next, the schedule
	cbCpPreset   = "cw" // cw:INDEX       /campaigns: scheduler.Presets[INDEX], or the suggested one (99)
	cbCpDays     = "cf" // cf:KEEP        /campaigns: from now with no end (0), or the catalogue's days (1)
	cbCpStart    = "ck" // ck             /campaigns: confirm
	cbCpCancel   = "cx" // cx             /campaigns: abandon the draft
	cbCpPause    = "cp" // cp:CAMPAIGN    pause
	cbCpResume   = "cr" // cr:CAMPAIGN    resume
	cbCpEnd      = "ce" // ce:CAMPAIGN    end
)

// isCampaignAction says whether a callback action is one of /campaigns.
func isCampaignAction(action string) bool {
	switch action {
	case cbCpList, cbCpNew, cbCpCat, cbCpTemplate, cbCpNav, cbCpArea, cbCpAreas, cbCpPreset, cbCpDays, cbCpStart, cbCpCancel,
		cbCpPause, cbCpResume, cbCpEnd:
		return true
	}
	return false
}

// The steps of a campaign draft: what the bot waits for.
const (
	cstepTitle    = "title"    // a message: the title
	cstepText     = "text"     // a message: the reminder's text
	cstepAreas    = "areas"    // presses choosing areas, then "Xong"
	cstepSchedule = "schedule" // a press on a preset, or a typed schedule
	cstepDays     = "days"     // a press, or typed days
	cstepConfirm  = "confirm"  // a press on ✅ or ❌
)

// keepSpec is the preset index of the schedule the catalogue suggests.
const keepSpec = 99

// campaignsShown is how many campaigns /campaigns lists.
const campaignsShown = 10

// schedulesChanged tells the scheduler that campaigns changed.
func (b *Bot) schedulesChanged() {
	if b.cfg.SchedulesChanged != nil {
		b.cfg.SchedulesChanged()
	}
}

// campaignsCommand answers /campaigns.
func (b *Bot) campaignsCommand(ctx context.Context, u update) error {
	text, kb, err := b.campaignsView(ctx, u.UserID)
	if err != nil {
		return err
	}
	_, err = b.send(ctx, u.ChatID, text, kb)
	return err
}

// mayManageCampaign says whether a user may pause, resume or end a
// campaign: every area it reminds must be in the user's scope. It names
// the first area that is not.
func (b *Bot) mayManageCampaign(ctx context.Context, userID int64, c *store.Campaign) (bool, int64, error) {
	ids := make([]int64, len(c.Schedules))
	for i, s := range c.Schedules {
		ids[i] = s.AreaID
	}
	return b.inScopeAll(ctx, userID, ids)
}

// campaignsView lists the campaigns a user may manage.
func (b *Bot) campaignsView(ctx context.Context, userID int64) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	cs, err := b.db.Campaigns(ctx, false)
	if err != nil {
		return "", nil, err
	}
	var lines []campaignLine
	var kb keyboard
	now := b.now()
	for _, c := range cs {
		if len(lines) == campaignsShown {
			break
		}
		ok, _, err := b.mayManageCampaign(ctx, userID, &c)
		if err != nil {
			return "", nil, err
		}
		if !ok || len(c.Schedules) == 0 {
			continue
		}
		l := campaignLine{c: c}
		for _, s := range c.Schedules {
			l.areas = append(l.areas, s.AreaName)
			if t := nextReminder(s.Spec, c, now); !t.IsZero() && (l.next.IsZero() || t.Before(l.next)) {
				l.next = t
			}
		}
		lines = append(lines, l)
		toggle := button(fmt.Sprintf(btnCpPause, c.ID), data(cbCpPause, c.ID))
		if c.Status == store.CampaignPaused {
			toggle = button(fmt.Sprintf(btnCpResume, c.ID), data(cbCpResume, c.ID))
		}
		kb.row(toggle, button(fmt.Sprintf(btnCpEnd, c.ID), data(cbCpEnd, c.ID)))
	}
	kb.row(button(btnCpNew, cbCpNew), button(btnCpCatalogue, cbCpCat))
	return txtCampaigns(lines), kb.markup(), nil
}

// pressCampaign carries out a press on a /campaigns button; the caller
// checked that the user is an official.
func (b *Bot) pressCampaign(ctx context.Context, u update, action string, args []int64) (string, bool, error) {
	switch action {
	case cbCpList:
		return "", false, b.showCampaigns(ctx, u)
	case cbCpPause, cbCpResume, cbCpEnd:
		return b.setCampaignStatus(ctx, u, action, args[0])
	case cbCpNew:
		return b.newCampaignDraft(ctx, u, store.CampaignDraft{Step: cstepTitle})
	case cbCpCat:
		return "", false, b.showCatalogue(ctx, u)
	case cbCpTemplate:
		ts, err := b.offeredTemplates(ctx)
		if err != nil {
			return "", false, err
		}
		if args[0] >= int64(len(ts)) {
			return txtCpNoTemplate, false, nil
		}
		t := ts[args[0]]
		return b.newCampaignDraft(ctx, u, store.CampaignDraft{Step: cstepAreas, CatalogueKey: t.Key, Title: t.Title, Text: t.Text,
			Spec: t.Schedule, From: t.From, Until: t.Until})
	}
	if action == cbCpNav || action == cbCpArea {
		if areaID := args[0]; areaID != 0 || action == cbCpArea {
			if a, toast, alert, err := b.checkArea(ctx, u, areaID); a == nil {
				return toast, alert, err
			}
		}
	}
	d, err := b.campaignDraft(ctx, u.UserID)
	if err != nil {
		return "", false, err
	}
	if d == nil || d.ChatID != u.ChatID || d.MessageID != u.MessageID {
		return txtCpDraftGone, false, nil
	}
	view := b.viewIn(ctx, u, func() error { return b.db.SaveCampaignDraft(ctx, *d) })
	switch action {
	case cbCpCancel:
		if err := b.db.DeleteCampaignDraft(ctx, u.UserID); err != nil {
			return "", false, err
		}
		b.retire(ctx, u.ChatID, u.MessageID, txtCpCancelled)
		return txtToastCancelled, false, nil
	case cbCpNav:
		if d.Step != cstepAreas {
			return txtStaleButton, false, nil
		}
		return "", false, view(b.campaignAreasView(ctx, u.UserID, d, args[0], int(args[1])))
	case cbCpArea:
		if d.Step != cstepAreas {
			return txtStaleButton, false, nil
		}
		a, err := b.db.AreaByID(ctx, args[0])
		if err != nil {
			return "", false, err
		}
		toast := txtToastCpChosen
		if i := slices.Index(d.Areas, a.ID); i >= 0 {
			d.Areas, toast = slices.Delete(d.Areas, i, i+1), txtToastCpDrop
		} else {
			d.Areas = append(d.Areas, a.ID)
		}
		// Stay where the button was: a leaf is chosen from its parent's
		// view, an area with areas inside from its own.
		nav := a.ID
		if a.Children == 0 {
			nav = a.ParentID
			if ok, err := b.inScope(ctx, u.UserID, nav); err != nil {
				return "", false, err
			} else if !ok {
				nav = 0
			}
		}
		return toast, false, view(b.campaignAreasView(ctx, u.UserID, d, nav, 0))
	case cbCpAreas:
		if d.Step != cstepAreas {
			return txtStaleButton, false, nil
		}
		if len(d.Areas) == 0 {
			return txtCpNoAreas, true, nil
		}
		d.Step = cstepSchedule
		return "", false, view(b.campaignScheduleView(d))
	case cbCpPreset:
		if d.Step != cstepSchedule {
			return txtStaleButton, false, nil
		}
		switch {
		case args[0] == keepSpec && d.Spec != "":
		case args[0] < int64(len(scheduler.Presets)):
			d.Spec = scheduler.Presets[args[0]]
		default:
			return txtStaleButton, false, nil
		}
		d.Step = cstepDays
		return "", false, view(b.campaignDaysView(d))
	case cbCpDays:
		if d.Step != cstepDays {
			return txtStaleButton, false, nil
		}
		if args[0] == 0 {
			d.From, d.Until = time.Time{}, time.Time{}
		}
		b.retire(ctx, u.ChatID, u.MessageID, "📅 Thời gian: "+orDefault(txtDays(d.From, d.Until), "từ nay, không hẹn ngày kết thúc")+".")
		return "", false, b.campaignPreview(ctx, u, d)
	case cbCpStart:
		if d.Step != cstepConfirm {
			return txtStaleButton, false, nil
		}
		return b.startCampaign(ctx, u, d)
	}
	return txtStaleButton, false, nil
}

// orDefault is s, or def when s is empty.
func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// showCampaigns shows the list in place of the pressed message.
func (b *Bot) showCampaigns(ctx context.Context, u update) error {
	text, kb, err := b.campaignsView(ctx, u.UserID)
	if err != nil {
		return err
	}
	return b.edit(ctx, u.ChatID, u.MessageID, text, kb)
}

// offeredTemplates are the catalogue's campaigns that can still be turned on.
func (b *Bot) offeredTemplates(ctx context.Context) ([]store.CatalogueEntry, error) {
	ts, err := b.db.CampaignTemplates(ctx)
	if err != nil {
		return nil, err
	}
	today := midnightIn(b.now())
	return slices.DeleteFunc(ts, func(t store.CatalogueEntry) bool { return !t.Until.IsZero() && t.Until.Before(today) }), nil
}

// midnightIn is the start of t's day in Asia/Ho_Chi_Minh.
func midnightIn(t time.Time) time.Time {
	t = t.In(vietnam)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, vietnam)
}

// showCatalogue shows the catalogue's campaigns as buttons.
func (b *Bot) showCatalogue(ctx context.Context, u update) error {
	ts, err := b.offeredTemplates(ctx)
	if err != nil {
		return err
	}
	var kb keyboard
	for i, t := range ts {
		kb.row(button(truncate(t.Title, 60), data(cbCpTemplate, int64(i))))
	}
	kb.row(button(btnBack, cbCpList))
	return b.edit(ctx, u.ChatID, u.MessageID, txtCpCatalogue, kb.markup())
}

// setCampaignStatus pauses, resumes or ends a campaign from the list.
func (b *Bot) setCampaignStatus(ctx context.Context, u update, action string, id int64) (string, bool, error) {
	c, err := b.db.CampaignByID(ctx, id)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return txtToastCpNA, false, nil
	}
	if err != nil {
		return "", false, err
	}
	ok, area, err := b.mayManageCampaign(ctx, u.UserID, c)
	if err != nil {
		return "", false, err
	}
	if !ok {
		return b.refusePress(ctx, u, area)
	}
	status, toast := store.CampaignPaused, txtToastPaused
	switch action {
	case cbCpResume:
		status, toast = store.CampaignActive, txtToastResumed
	case cbCpEnd:
		status, toast = store.CampaignEnded, txtToastEnded
	}
	err = b.db.SetCampaignStatus(ctx, id, status, u.UserID)
	if store.ErrorCode(err) == store.ECONFLICT {
		toast = txtToastCpState
	} else if err != nil {
		return "", false, err
	} else {
		b.schedulesChanged()
	}
	return toast, false, b.showCampaigns(ctx, u)
}

// campaignDraft returns a user's campaign draft, or nil.
func (b *Bot) campaignDraft(ctx context.Context, userID int64) (*store.CampaignDraft, error) {
	d, err := b.db.CampaignDraftOf(ctx, userID)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return nil, nil
	}
	return d, err
}

// newCampaignDraft starts a draft on the pressed message.
func (b *Bot) newCampaignDraft(ctx context.Context, u update, d store.CampaignDraft) (string, bool, error) {
	d.UserID, d.ChatID, d.MessageID = u.UserID, u.ChatID, u.MessageID
	if old, err := b.campaignDraft(ctx, u.UserID); err != nil {
		return "", false, err
	} else if old != nil && old.ChatID == u.ChatID && old.MessageID != u.MessageID {
		b.retire(ctx, old.ChatID, old.MessageID, txtRetiredDraft)
	}
	text, kb, err := b.campaignStepView(ctx, u.UserID, &d)
	if err != nil {
		return "", false, err
	}
	if d.CatalogueKey != "" {
		text = txtCpFromCatalogue(d.Title) + "\n\n" + text
	}
	if err := b.db.SaveCampaignDraft(ctx, d); err != nil {
		return "", false, err
	}
	return "", false, b.edit(ctx, u.ChatID, u.MessageID, text, kb)
}

// cancelRow is the ❌ button of every step.
func cancelRow(kb *keyboard) { kb.row(button(btnBcCancel, cbCpCancel)) }

// campaignStepView is the message of a draft's step that waits for a
// message or a first press.
func (b *Bot) campaignStepView(ctx context.Context, userID int64, d *store.CampaignDraft) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	var kb keyboard
	switch d.Step {
	case cstepTitle:
		cancelRow(&kb)
		return txtCpAskTitle, kb.markup(), nil
	case cstepText:
		cancelRow(&kb)
		return txtCpAskText(d.Title), kb.markup(), nil
	case cstepAreas:
		return b.campaignAreasView(ctx, userID, d, 0, 0)
	case cstepSchedule:
		return b.campaignScheduleView(d)
	}
	return b.campaignDaysView(d)
}

// campaignAreasView is step 3: the areas in scope, with those chosen.
func (b *Bot) campaignAreasView(ctx context.Context, userID int64, d *store.CampaignDraft, areaID int64, page int) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	var chosen []string
	for _, id := range d.Areas {
		label, err := b.label(ctx, id)
		if err != nil {
			return "", nil, err
		}
		chosen = append(chosen, label)
	}
	m := scopeMode{nav: cbCpNav, pick: cbCpArea, all: btnCpAll, title: txtCpChooseArea(d.Title, chosen)}
	text, kb, err := b.scopeView(ctx, userID, m, areaID, page)
	if err != nil || kb == nil {
		return text, kb, err
	}
	// Chosen areas carry a check mark.
	for _, row := range kb.InlineKeyboard {
		for i, btn := range row {
			if btn.CallbackData == nil {
				continue
			}
			if action, args, ok := parseData(*btn.CallbackData, 1); ok && action == cbCpArea && slices.Contains(d.Areas, args[0]) {
				row[i].Text = "✅ " + btn.Text
			}
		}
	}
	var last []tgbotapi.InlineKeyboardButton
	if len(d.Areas) > 0 {
		last = append(last, button(fmt.Sprintf(btnCpAreasDone, len(d.Areas)), cbCpAreas))
	}
	last = append(last, button(btnBcCancel, cbCpCancel))
	kb.InlineKeyboard = append(kb.InlineKeyboard, last)
	return text, kb, nil
}

// campaignScheduleView is step 4: the presets, and the catalogue's suggestion.
func (b *Bot) campaignScheduleView(d *store.CampaignDraft) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	var kb keyboard
	if d.Spec != "" && !slices.Contains(scheduler.Presets, d.Spec) {
		kb.row(button(fmt.Sprintf(btnCpKeepSpec, d.Spec), data(cbCpPreset, keepSpec)))
	}
	for i, p := range scheduler.Presets {
		label := "🗓 " + p
		if p == d.Spec {
			label = "⭐ " + p
		}
		kb.row(button(label, data(cbCpPreset, int64(i))))
	}
	cancelRow(&kb)
	return txtCpAskSchedule, kb.markup(), nil
}

// campaignDaysView is step 5: from now with no end, or typed days.
func (b *Bot) campaignDaysView(d *store.CampaignDraft) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	var kb keyboard
	if days := txtDays(d.From, d.Until); days != "" {
		kb.row(button(fmt.Sprintf(btnCpKeepDays, days), data(cbCpDays, 1)))
	}
	kb.row(button(btnCpForever, data(cbCpDays, 0)))
	cancelRow(&kb)
	return "🗓 Lịch: <b>" + esc(d.Spec) + "</b>\n\n" + txtCpAskDays, kb.markup(), nil
}

// anyDraftInput gives a message to the draft waiting in this chat, the
// campaign's or the broadcast's, whichever was touched last.
func (b *Bot) anyDraftInput(ctx context.Context, u update) (bool, error) {
	cd, err := b.campaignDraft(ctx, u.UserID)
	if err != nil {
		return false, err
	}
	if cd != nil && cd.ChatID == u.ChatID {
		bd, err := b.draft(ctx, u.UserID)
		if err != nil {
			return false, err
		}
		if bd == nil || bd.ChatID != u.ChatID || !bd.UpdatedAt.After(cd.UpdatedAt) {
			return b.campaignInput(ctx, u, cd)
		}
	}
	return b.draftInput(ctx, u)
}

// campaignInput takes a message as the answer to a campaign draft's step.
func (b *Bot) campaignInput(ctx context.Context, u update, d *store.CampaignDraft) (bool, error) {
	official, err := b.isOfficial(ctx, u.UserID)
	if err != nil {
		return false, err
	}
	if !official || b.now().Sub(d.UpdatedAt) > draftTTL {
		return false, b.db.DeleteCampaignDraft(ctx, u.UserID)
	}
	text := strings.TrimSpace(u.Text)
	switch d.Step {
	case cstepTitle, cstepText, cstepSchedule, cstepDays:
	default:
		_, err := b.send(ctx, u.ChatID, txtCpUseButtons, nil)
		return true, err
	}
	if u.Kind != kindText || text == "" {
		_, err := b.send(ctx, u.ChatID, txtCpNeedText, nil)
		return true, err
	}
	reply := func(msg string) (bool, error) {
		_, err := b.send(ctx, u.ChatID, msg, nil)
		return true, err
	}
	var retired string
	switch d.Step {
	case cstepTitle:
		if n := utf8.RuneCountInString(text); n > store.MaxCampaignTitle {
			return reply(txtCpTooLong("Tên phong trào", n, store.MaxCampaignTitle))
		}
		d.Title, d.Step, retired = text, cstepText, "📣 Phong trào: <b>"+esc(text)+"</b>"
	case cstepText:
		if n := utf8.RuneCountInString(text); n > store.MaxCampaignText {
			return reply(txtCpTooLong("Nội dung", n, store.MaxCampaignText))
		}
		d.Text, d.Step, retired = text, cstepAreas, "✍️ Đã nhận nội dung lời nhắc."
	case cstepSchedule:
		if _, err := scheduler.Parse(text); err != nil {
			return reply(txtCpBadSchedule(err))
		}
		d.Spec, d.Step, retired = text, cstepDays, "🗓 Lịch: <b>"+esc(text)+"</b>"
	case cstepDays:
		from, until, err := parseDays(text, b.now())
		if err != nil {
			return reply(err.Error())
		}
		d.From, d.Until = from, until
		b.retire(ctx, u.ChatID, d.MessageID, "📅 Thời gian: "+orDefault(txtDays(from, until), "từ nay")+".")
		return true, b.campaignPreview(ctx, u, d)
	}
	b.retire(ctx, u.ChatID, d.MessageID, retired)
	msg, kb, err := b.campaignStepView(ctx, u.UserID, d)
	if err != nil {
		return true, err
	}
	id, err := b.send(ctx, u.ChatID, msg, kb)
	if err != nil {
		return true, err
	}
	d.MessageID = id
	return true, b.db.SaveCampaignDraft(ctx, *d)
}

// daysDate is a date as officials type it: 30/4/2027, or 30/4 (this year
// or, once passed, the next).
var daysDate = regexp.MustCompile(`(\d{1,2})/(\d{1,2})(?:/(\d{4}))?`)

// daysError is a refusal of typed days, said in Vietnamese.
type daysError string

// Error returns the refusal as it is shown.
func (e daysError) Error() string { return string(e) }

// parseDays reads the days of a campaign: "đến 30/4/2027", "từ 1/5/2026",
// "1/5/2026 - 30/6/2026".
func parseDays(s string, now time.Time) (from, until time.Time, err error) {
	folded := foldWhen(s)
	m := daysDate.FindAllStringSubmatch(folded, -1)
	today := midnightIn(now)
	dates := make([]time.Time, len(m))
	for i, d := range m {
		day, _ := strconv.Atoi(d[1])
		month, _ := strconv.Atoi(d[2])
		year := today.Year()
		if d[3] != "" {
			year, _ = strconv.Atoi(d[3])
		}
		t := time.Date(year, time.Month(month), day, 0, 0, 0, 0, vietnam)
		if t.Day() != day || int(t.Month()) != month {
			return from, until, daysError(txtCpBadDays)
		}
		if d[3] == "" && t.Before(today) {
			t = t.AddDate(1, 0, 0)
		}
		dates[i] = t
	}
	switch {
	case len(dates) == 2:
		from, until = dates[0], dates[1]
	case len(dates) == 1 && strings.Contains(folded, "tu") && !strings.Contains(folded, "den"):
		from = dates[0]
	case len(dates) == 1:
		until = dates[0]
	default:
		return from, until, daysError(txtCpBadDays)
	}
	if (!until.IsZero() && until.Before(today)) || (!from.IsZero() && !until.IsZero() && until.Before(from)) {
		return time.Time{}, time.Time{}, daysError(txtCpPastDays)
	}
	return from, until, nil
}

// campaignPreview sends the reminder as residents will see it, then the
// control message with the summary and ✅, which becomes the draft's message.
func (b *Bot) campaignPreview(ctx context.Context, u update, d *store.CampaignDraft) error {
	if len(d.Areas) == 0 {
		return b.db.DeleteCampaignDraft(ctx, u.UserID)
	}
	labels := make([]string, len(d.Areas))
	audience := 0
	for i, id := range d.Areas {
		label, err := b.label(ctx, id)
		if err != nil {
			return err
		}
		labels[i] = label
		n, err := b.db.CountAudience(ctx, id, store.TopicReminders)
		if err != nil {
			return err
		}
		audience += n
	}
	if _, err := scheduler.Parse(d.Spec); err != nil {
		d.Step = cstepSchedule
		return b.campaignResend(ctx, u, d, txtCpBadSchedule(err))
	}
	c := store.Campaign{From: d.From, Until: d.Until}
	var next []time.Time
	for t := b.now(); len(next) < 3; {
		n := nextReminder(d.Spec, c, t)
		if n.IsZero() {
			break
		}
		next = append(next, n)
		t = n
	}
	if len(next) == 0 {
		d.Step = cstepDays
		return b.campaignResend(ctx, u, d, txtCpNoneLeft)
	}
	if _, err := b.send(ctx, u.ChatID, scheduler.CampaignReminder(labels[0], d.Title, d.Text), nil); err != nil {
		return err
	}
	var kb keyboard
	kb.row(button(btnCpStart, cbCpStart), button(btnBcCancel, cbCpCancel))
	d.Step = cstepConfirm
	id, err := b.send(ctx, u.ChatID, txtCpControl(d, labels, next, audience), kb.markup())
	if err != nil {
		return err
	}
	d.MessageID = id
	return b.db.SaveCampaignDraft(ctx, *d)
}

// campaignResend says why the flow goes back a step, and shows that step again.
func (b *Bot) campaignResend(ctx context.Context, u update, d *store.CampaignDraft, why string) error {
	if _, err := b.send(ctx, u.ChatID, why, nil); err != nil {
		return err
	}
	text, kb, err := b.campaignStepView(ctx, u.UserID, d)
	if err != nil {
		return err
	}
	id, err := b.send(ctx, u.ChatID, text, kb)
	if err != nil {
		return err
	}
	d.MessageID = id
	return b.db.SaveCampaignDraft(ctx, *d)
}

// startCampaign creates the campaign: the scheduler takes it from there.
func (b *Bot) startCampaign(ctx context.Context, u update, d *store.CampaignDraft) (string, bool, error) {
	for _, id := range d.Areas {
		ok, err := b.inScope(ctx, u.UserID, id)
		if err != nil {
			return "", false, err
		}
		if !ok { // the role was revoked since the draft began
			if err := b.db.DeleteCampaignDraft(ctx, u.UserID); err != nil {
				return "", false, err
			}
			b.retire(ctx, u.ChatID, u.MessageID, txtCpCancelled)
			return b.refusePress(ctx, u, id)
		}
	}
	c := &store.Campaign{Title: d.Title, Text: d.Text, CatalogueKey: d.CatalogueKey, From: d.From, Until: d.Until, CreatedBy: u.UserID}
	for _, id := range d.Areas {
		c.Schedules = append(c.Schedules, store.CampaignSchedule{AreaID: id, Spec: d.Spec})
	}
	err := b.db.CreateCampaign(ctx, c)
	if code := store.ErrorCode(err); code == store.EINVALID || code == store.ENOTFOUND {
		if err := b.db.DeleteCampaignDraft(ctx, u.UserID); err != nil {
			return "", false, err
		}
		b.retire(ctx, u.ChatID, u.MessageID, txtCpAreaGone)
		return txtCpAreaGone, true, nil
	}
	if err != nil {
		return "", false, err
	}
	b.schedulesChanged()
	if err := b.db.DeleteCampaignDraft(ctx, u.UserID); err != nil {
		return "", false, err
	}
	b.retire(ctx, u.ChatID, u.MessageID, txtCpCreated(c.ID, c.Title, nextReminder(d.Spec, *c, b.now())))
	return txtToastStarted, false, nil
}

// cancelDrafts answers /cancel: the broadcast and the campaign being
// composed are both dropped.
func (b *Bot) cancelDrafts(ctx context.Context, u update) error {
	d, err := b.campaignDraft(ctx, u.UserID)
	if err != nil {
		return err
	}
	if d == nil {
		return b.cancelDraft(ctx, u)
	}
	if err := b.db.DeleteCampaignDraft(ctx, u.UserID); err != nil {
		return err
	}
	b.retire(ctx, d.ChatID, d.MessageID, txtCpCancelled)
	if bd, err := b.draft(ctx, u.UserID); err != nil {
		return err
	} else if bd != nil {
		return b.cancelDraft(ctx, u)
	}
	_, err = b.send(ctx, u.ChatID, txtCpCancelled, nil)
	return err
}
