package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/store"
)

// Officials act in a private chat with the bot. Who they are and where they
// may act is asked again on every command and every button press: buttons
// carry data the client can forge, and a role can be revoked at any time.
// Every action, allowed or refused, goes to the audit log.

// officialCommands are the officials' commands. They are not in the public
// menu; an official's own chat gets them in its menu (officialMenu).
var officialCommands = []tgbotapi.BotCommand{
	{Command: "broadcast", Description: "Soạn và gửi thông báo đến cư dân"},
	{Command: "history", Description: "Xem thông báo đã gửi, hủy thông báo chưa gửi xong"},
	{Command: "campaigns", Description: "Phong trào, cuộc vận động: nhắc lịch, tạm dừng, kết thúc"},
	{Command: "invite", Description: "Tạo link mời cán bộ"},
	{Command: "officials", Description: "Danh sách cán bộ, thu hồi quyền"},
	{Command: "stats", Description: "Thống kê người nhận tin và kết quả gửi"},
	{Command: "poster", Description: "Tạo áp phích mã QR để cư dân đăng ký"},
	{Command: "sources", Description: "Nguồn tin tự động: thêm, tạm dừng, xóa"},
	{Command: "cancel", Description: "Hủy thông báo, phong trào hoặc nguồn tin đang soạn"},
}

// Audit actions of this file; the store writes "broadcast" and "cancel".
const (
	auditRefused  = "refused"
	auditInvite   = "invite"
	auditAccepted = "invite_accepted"
	auditRevoke   = "revoke"
)

// isOfficialCommand says whether name is one of officialCommands.
func isOfficialCommand(name string) bool {
	return slices.ContainsFunc(officialCommands, func(c tgbotapi.BotCommand) bool { return c.Command == name })
}

// officialCommand answers an official's command, refusing anyone else.
func (b *Bot) officialCommand(ctx context.Context, u update) error {
	if !u.private() {
		_, err := b.send(ctx, u.ChatID, txtPrivateOnly(u.Command), nil)
		return err
	}
	if u.Command == "cancel" { // anyone may drop their own draft, even after losing the role
		return b.cancelDrafts(ctx, u)
	}
	ok, err := b.isOfficial(ctx, u.UserID)
	if err != nil {
		return err
	}
	if !ok {
		if err := b.audit(ctx, u.UserID, auditRefused, 0, "/"+u.Command); err != nil {
			return err
		}
		_, err := b.send(ctx, u.ChatID, txtOfficialsOnly, nil)
		return err
	}
	switch u.Command {
	case "broadcast":
		return b.startBroadcast(ctx, u)
	case "history":
		text, kb, err := b.historyView(ctx, u.UserID)
		if err != nil {
			return err
		}
		_, err = b.send(ctx, u.ChatID, text, kb)
		return err
	case "stats":
		text, err := b.statsView(ctx, u.UserID)
		if err != nil {
			return err
		}
		_, err = b.send(ctx, u.ChatID, text, nil)
		return err
	case "poster":
		text, kb, err := b.scopeView(ctx, u.UserID, posterScope, 0, 0)
		if err != nil {
			return err
		}
		_, err = b.send(ctx, u.ChatID, text, kb)
		return err
	case "campaigns":
		return b.campaignsCommand(ctx, u)
	case "sources":
		return b.sourcesCommand(ctx, u)
	case "invite":
		text, kb, err := b.scopeView(ctx, u.UserID, inviteScope, 0, 0)
		if err != nil {
			return err
		}
		_, err = b.send(ctx, u.ChatID, text, kb)
		return err
	default: // officials
		text, kb, err := b.officialsView(ctx, u.UserID, 0)
		if err != nil {
			return err
		}
		_, err = b.send(ctx, u.ChatID, text, kb)
		return err
	}
}

// officialActions are the callback actions of officials' buttons, with
// their number of arguments.
var officialActions = map[string]int{
	cbBcNav: 2, cbBcArea: 1, cbBcTopic: 1, cbBcUrgent: 0, cbBcNow: 0, cbBcLater: 0, cbBcBack: 0,
	cbBcSend: 0, cbBcCancel: 0,
	cbInvNav: 2, cbInvMake: 1, cbRevoke: 3, cbOfficials: 1,
	cbHistCancel: 1, cbHistRefresh: 0,
	cbPosterNav: 2, cbPosterMake: 1,
	cbCpList: 0, cbCpNew: 0, cbCpCat: 0, cbCpTemplate: 1, cbCpNav: 2, cbCpArea: 1, cbCpAreas: 0,
	cbCpPreset: 1, cbCpDays: 1, cbCpStart: 0, cbCpCancel: 0, cbCpPause: 1, cbCpResume: 1, cbCpEnd: 1,
	cbSrcList: 1, cbSrcAdd: 0, cbSrcNav: 2, cbSrcPick: 1, cbSrcUnpick: 1, cbSrcMore: 0, cbSrcChosen: 0, cbSrcAreasDone: 0,
	cbSrcTopic: 1, cbSrcEvery: 0, cbSrcConfirm: 0, cbSrcCancel: 0, cbSrcPause: 2, cbSrcRemove: 2, cbSrcRemoveYes: 2,
}

// isOfficialAction says whether callback data belongs to an official's button.
func isOfficialAction(data string) bool {
	action, _, _ := strings.Cut(data, ":")
	_, ok := officialActions[action]
	return ok
}

// officialPress carries out an official's button press and returns the
// notice to show, as an alert when it is a refusal.
func (b *Bot) officialPress(ctx context.Context, u update) (toast string, alert bool, err error) {
	action, _, _ := strings.Cut(u.Data, ":")
	_, args, ok := parseData(u.Data, officialActions[action])
	if !ok || !u.private() {
		return txtStaleButton, false, nil
	}
	official, err := b.isOfficial(ctx, u.UserID)
	if err != nil {
		return "", false, err
	}
	if !official {
		switch action { // as /cancel: one's own draft may always go
		case cbBcCancel:
			return b.pressBroadcast(ctx, u, action, args)
		case cbSrcCancel:
			return b.pressSources(ctx, u, action, args)
		}
		if action == cbCpCancel {
			return b.pressCampaign(ctx, u, action, args)
		}
		if err := b.audit(ctx, u.UserID, auditRefused, 0, "button "+truncate(u.Data, 64)); err != nil {
			return "", false, err
		}
		return txtButtonOfficialsOnly, true, nil
	}
	switch action {
	case cbInvNav, cbInvMake:
		return b.pressInvite(ctx, u, action, args)
	case cbRevoke, cbOfficials:
		return b.pressOfficials(ctx, u, action, args)
	case cbHistCancel, cbHistRefresh:
		return b.pressHistory(ctx, u, action, args)
	case cbPosterNav, cbPosterMake:
		return b.pressPoster(ctx, u, action, args)
	}
	if isCampaignAction(action) {
		return b.pressCampaign(ctx, u, action, args)
	}
	if isSourceAction(action) {
		return b.pressSources(ctx, u, action, args)
	}
	return b.pressBroadcast(ctx, u, action, args)
}

// refusePress records a refused button press and returns the alert to show.
func (b *Bot) refusePress(ctx context.Context, u update, areaID int64) (string, bool, error) {
	if err := b.audit(ctx, u.UserID, auditRefused, areaID, "button "+truncate(u.Data, 64)); err != nil {
		return "", false, err
	}
	return txtNoRight, true, nil
}

// audit writes an entry to the audit log.
func (b *Bot) audit(ctx context.Context, actor int64, action string, areaID int64, detail string) error {
	return b.db.Audit(ctx, store.AuditEntry{Actor: actor, Action: action, AreaID: areaID, Detail: detail})
}

// liveArea returns the area with the given id if it exists and was not
// merged away, or nil: ids in callback data may be stale or forged.
func (b *Bot) liveArea(ctx context.Context, id int64) (*store.Area, error) {
	a, err := b.db.AreaByID(ctx, id)
	if store.ErrorCode(err) == store.ENOTFOUND || (a != nil && a.MergedInto != 0) {
		return nil, nil
	}
	return a, err
}

// label names an area with its parents, as residents see it.
func (b *Bot) label(ctx context.Context, areaID int64) (string, error) {
	if areaID == 0 {
		return "", nil
	}
	path, err := b.db.AreaPath(ctx, areaID)
	if err != nil {
		return "", err
	}
	return store.AreaLabel(path), nil
}

// scopeTops returns the areas at the top of a user's scope: the roots of
// the tree for an admin, otherwise the areas of the user's roles that no
// other of their roles already covers.
func (b *Bot) scopeTops(ctx context.Context, userID int64) (admin bool, tops []store.Area, err error) {
	if admin, err = b.isAdmin(ctx, userID); err != nil || admin {
		if err == nil {
			tops, err = b.db.ChildAreas(ctx, 0)
		}
		return admin, tops, err
	}
	roles, err := b.db.Roles(ctx, userID)
	if err != nil {
		return false, nil, err
	}
	for _, r := range roles {
		a, err := b.liveArea(ctx, r.AreaID)
		if err != nil {
			return false, nil, err
		}
		if a == nil {
			continue
		}
		if a.ParentID != 0 {
			covered, err := b.db.InScope(ctx, userID, a.ParentID)
			if err != nil {
				return false, nil, err
			}
			if covered {
				continue
			}
		}
		tops = append(tops, *a)
	}
	return false, tops, nil
}

// scopeMode is what choosing an area in scopeView is for.
type scopeMode struct {
	nav, pick string              // the callback actions: open an area, choose it
	all       string              // the button that chooses the area shown, with its name
	title     func(string) string // the text, given the label of the area shown
	cancel    string              // the callback of a ❌ button that abandons the draft, if any
}

var (
	broadcastScope = scopeMode{nav: cbBcNav, pick: cbBcArea, all: btnBcAll, title: txtBcChooseArea, cancel: cbBcCancel}
	sourceScope    = scopeMode{nav: cbSrcNav, pick: cbSrcPick, all: btnSrcAll, title: txtSrcChooseArea, cancel: cbSrcCancel}
	inviteScope    = scopeMode{nav: cbInvNav, pick: cbInvMake, all: btnInviteAll, title: txtInviteChoose}
)

// scopeView shows the areas inside areaID that a user may act on, as
// buttons, a page at a time, like areaView does for residents. areaID 0 is
// the top of the user's scope; any other must be in scope (the caller checks).
func (b *Bot) scopeView(ctx context.Context, userID int64, m scopeMode, areaID int64, page int) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	admin, tops, err := b.scopeTops(ctx, userID)
	if err != nil {
		return "", nil, err
	}
	var kb keyboard
	// An admin may invite another admin from the top of the tree.
	adminInvite := admin && m.pick == cbInvMake && (areaID == 0 || len(tops) == 1 && areaID == tops[0].ID)
	if areaID == 0 && len(tops) == 1 {
		areaID = tops[0].ID // one area in scope: straight to it
	}
	if areaID == 0 {
		if len(tops) == 0 && admin {
			return txtNoAreasYet, nil, nil
		}
		if len(tops) == 0 {
			return txtNoScope, nil, nil
		}
		addAreaButtons(&kb, m, tops, 0, page)
		if adminInvite {
			kb.row(button(btnInviteAdmin, data(cbInvMake, 0)))
		}
		if m.cancel != "" {
			kb.row(button(btnBcCancel, m.cancel))
		}
		return m.title("") + pagesNote(len(tops), page), kb.markup(), nil
	}
	area, err := b.db.AreaByID(ctx, areaID)
	if err != nil {
		return "", nil, err
	}
	children, err := b.db.ChildAreas(ctx, areaID)
	if err != nil {
		return "", nil, err
	}
	addAreaButtons(&kb, m, children, areaID, page)
	kb.row(buttonf(m.all, area.Name, data(m.pick, areaID)))
	if adminInvite {
		kb.row(button(btnInviteAdmin, data(cbInvMake, 0)))
	}
	var last []tgbotapi.InlineKeyboardButton
	if back, err := b.backFrom(ctx, userID, *area, len(tops)); err != nil {
		return "", nil, err
	} else if back >= 0 {
		last = append(last, button(btnBack, data(m.nav, back, 0)))
	}
	if m.cancel != "" {
		last = append(last, button(btnBcCancel, m.cancel))
	}
	kb.row(last...)
	label, err := b.label(ctx, areaID)
	if err != nil {
		return "", nil, err
	}
	return m.title(label) + pagesNote(len(children), page), kb.markup(), nil
}

// backFrom is where the back button of an area leads: its parent when the
// user may act there, else the top of the scope when there are several
// areas at the top; -1 when there is nowhere to go back to.
func (b *Bot) backFrom(ctx context.Context, userID int64, a store.Area, tops int) (int64, error) {
	if a.ParentID != 0 {
		ok, err := b.inScope(ctx, userID, a.ParentID)
		if err != nil || ok {
			return a.ParentID, err
		}
	}
	if tops > 1 {
		return 0, nil
	}
	return -1, nil
}

// addAreaButtons adds one page of area buttons, two to a row, then the
// page buttons. An area with areas inside opens; one without is chosen.
func addAreaButtons(kb *keyboard, m scopeMode, areas []store.Area, parentID int64, page int) {
	pages := max(1, (len(areas)+pageSize-1)/pageSize)
	page = min(max(page, 0), pages-1)
	shown := areas[page*pageSize : min(len(areas), (page+1)*pageSize)]
	for i := 0; i < len(shown); i += 2 {
		var row []tgbotapi.InlineKeyboardButton
		for _, a := range shown[i:min(i+2, len(shown))] {
			d := data(m.pick, a.ID)
			if a.Children > 0 {
				d = data(m.nav, a.ID, 0)
			}
			row = append(row, button(a.Name, d))
		}
		kb.row(row...)
	}
	var nav []tgbotapi.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, button(btnPrev, data(m.nav, parentID, int64(page-1))))
	}
	if page < pages-1 {
		nav = append(nav, button(btnNext, data(m.nav, parentID, int64(page+1))))
	}
	kb.row(nav...)
}

// pagesNote is the page note of a list of n areas, when it has pages.
func pagesNote(n, page int) string {
	pages := max(1, (n+pageSize-1)/pageSize)
	if pages == 1 {
		return ""
	}
	return pageNote(min(max(page, 0), pages-1), pages)
}

// checkArea checks an area id from callback data: refused (and audited)
// when outside the user's scope, told apart when gone. When a is nil the
// press is answered with the returned toast.
func (b *Bot) checkArea(ctx context.Context, u update, areaID int64) (a *store.Area, toast string, alert bool, err error) {
	a, err = b.liveArea(ctx, areaID)
	if err != nil {
		return nil, "", false, err
	}
	if a == nil {
		return nil, txtAreaGone, false, nil
	}
	ok, err := b.inScope(ctx, u.UserID, areaID)
	if err != nil {
		return nil, "", false, err
	}
	if !ok {
		toast, alert, err := b.refusePress(ctx, u, areaID)
		return nil, toast, alert, err
	}
	return a, "", false, nil
}

// officialMenu gives a user's private chat the officials' commands in its
// menu, or takes them away when the user has no role left.
func (b *Bot) officialMenu(ctx context.Context, userID int64) {
	official, err := b.isOfficial(ctx, userID)
	if err != nil {
		b.log.Warn("official menu", "user", userID, "err", err)
		return
	}
	scope := tgbotapi.NewBotCommandScopeChat(userID)
	var c tgbotapi.Chattable = tgbotapi.NewDeleteMyCommandsWithScope(scope)
	if official {
		c = tgbotapi.NewSetMyCommandsWithScope(scope, slices.Concat(commands, officialCommands)...)
	}
	if err := b.deliver(ctx, 0, func(int64) error {
		_, err := b.api.Request(ctx, c)
		return err
	}); err != nil {
		b.log.Warn("official menu", "user", userID, "err", err)
	}
}

// retire replaces the text of a message the flow has moved past and takes
// its buttons away. Unlike edit it never sends a new message: an old
// message that cannot be edited any more is simply left as it is.
func (b *Bot) retire(ctx context.Context, chatID int64, msgID int, text string) {
	if msgID == 0 {
		return
	}
	err := b.deliver(ctx, chatID, func(chatID int64) error {
		e := tgbotapi.NewEditMessageText(chatID, msgID, text)
		e.ParseMode = tgbotapi.ModeHTML
		_, err := b.api.Request(ctx, e)
		return err
	})
	if err != nil {
		b.log.Debug("retire message", "chat", chatID, "message", msgID, "err", err)
	}
}

// userName is how a user appears in lists: their name, else their id.
func userName(u update) string {
	if u.Title != "" {
		return u.Title
	}
	return fmt.Sprintf("id %d", u.UserID)
}
