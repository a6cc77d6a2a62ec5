package bot

import (
	"context"
	"fmt"
	"net/url"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/store"
)

// Roles are handed down: an official invites others to areas inside their
// own scope with a single-use deep link, and may revoke the roles strictly
// below their own. Admins do both everywhere.

// officialsPage is how many officials one page of /officials lists.
const officialsPage = 10

// pressInvite carries out a press on an /invite button.
func (b *Bot) pressInvite(ctx context.Context, u update, action string, args []int64) (string, bool, error) {
	areaID := args[0]
	if areaID == 0 && action == cbInvMake { // an admin invite: admins only
		admin, err := b.isAdmin(ctx, u.UserID)
		if err != nil || !admin {
			if err != nil {
				return "", false, err
			}
			return b.refusePress(ctx, u, 0)
		}
	} else if areaID != 0 {
		if a, toast, alert, err := b.checkArea(ctx, u, areaID); a == nil {
			return toast, alert, err
		}
	}
	if action == cbInvNav {
		text, kb, err := b.scopeView(ctx, u.UserID, inviteScope, areaID, int(args[1]))
		if err != nil {
			return "", false, err
		}
		return "", false, b.edit(ctx, u.ChatID, u.MessageID, text, kb)
	}
	inv, err := b.db.CreateInvite(ctx, areaID, u.UserID)
	if err != nil {
		return "", false, err
	}
	if err := b.audit(ctx, u.UserID, auditInvite, areaID, "invite "+inv.Code[:len(store.InvitePrefix)+4]+"…, expires "+inv.ExpiresAt.Format("2006-01-02")); err != nil {
		return "", false, err
	}
	label, err := b.label(ctx, areaID)
	if err != nil {
		return "", false, err
	}
	link := fmt.Sprintf("https://t.me/%s?start=%s", url.PathEscape(b.Username()), inv.Code)
	return txtToastInvite, false, b.edit(ctx, u.ChatID, u.MessageID, txtInviteLink(label, link, inv.ExpiresAt), nil)
}

// acceptInvite answers "/start moi_...": the invite's role goes to the
// user who opened it, if it is still good.
func (b *Bot) acceptInvite(ctx context.Context, u update, code string) error {
	if !u.private() {
		_, err := b.send(ctx, u.ChatID, txtInvitePrivate, nil)
		return err
	}
	code = truncate(code, 64)
	role, err := b.db.AcceptInvite(ctx, code, u.UserID, u.Title)
	if c := store.ErrorCode(err); c == store.ENOTFOUND || c == store.EINVALID {
		if err := b.audit(ctx, u.UserID, auditRefused, 0, "invite "+code+": "+store.ErrorMessage(err)); err != nil {
			return err
		}
		text := txtInviteUnusable
		if c == store.ENOTFOUND {
			text = txtInviteUnknown
		}
		_, err := b.send(ctx, u.ChatID, text, nil)
		return err
	}
	if err != nil {
		return err
	}
	if err := b.audit(ctx, u.UserID, auditAccepted, role.AreaID, fmt.Sprintf("invite %s… from user:%d", code[:min(len(code), len(store.InvitePrefix)+4)], role.GrantedBy)); err != nil {
		return err
	}
	label, err := b.label(ctx, role.AreaID)
	if err != nil {
		return err
	}
	if _, err := b.send(ctx, u.ChatID, txtInviteWelcome(userName(u), label), nil); err != nil {
		return err
	}
	b.officialMenu(ctx, u.UserID)
	if role.GrantedBy != 0 && role.GrantedBy != u.UserID {
		// The inviter's private chat has their user id.
		if _, err := b.send(ctx, role.GrantedBy, txtInviteUsed(userName(u), u.UserID, label), nil); err != nil {
			b.log.Info("could not tell the inviter", "user", role.GrantedBy, "err", err)
		}
	}
	return nil
}

// officialsView lists the officials whose area is in the viewer's scope
// (admins: all), with a revoke button for each role strictly below the
// viewer's own.
func (b *Bot) officialsView(ctx context.Context, viewer int64, page int) (string, *tgbotapi.InlineKeyboardMarkup, error) {
	admin, err := b.isAdmin(ctx, viewer)
	if err != nil {
		return "", nil, err
	}
	roles, err := b.db.Roles(ctx, 0)
	if err != nil {
		return "", nil, err
	}
	var lines []officialLine
	for _, r := range roles {
		if !admin {
			if r.AreaID == 0 {
				continue
			}
			if ok, err := b.inScope(ctx, viewer, r.AreaID); err != nil {
				return "", nil, err
			} else if !ok {
				continue
			}
		}
		label, err := b.label(ctx, r.AreaID)
		if err != nil {
			return "", nil, err
		}
		lines = append(lines, officialLine{role: r, label: label})
	}
	var configAdmins []int64
	if admin {
		configAdmins = b.cfg.Admins
	}
	if len(lines) == 0 && len(configAdmins) == 0 {
		return txtNoOfficials, nil, nil
	}
	pages := max(1, (len(lines)+officialsPage-1)/officialsPage)
	page = min(max(page, 0), pages-1)
	lines = lines[page*officialsPage : min(len(lines), (page+1)*officialsPage)]
	var kb keyboard
	revocable := false
	for _, l := range lines {
		ok, err := b.mayRevoke(ctx, viewer, l.role)
		if err != nil {
			return "", nil, err
		}
		if ok {
			revocable = true
			name := truncate(l.role.Name, 24)
			if name == "" {
				name = fmt.Sprint(l.role.UserID)
			}
			kb.row(button(fmt.Sprintf(btnRevoke, name+" · "+l.role.AreaName), data(cbRevoke, l.role.UserID, l.role.AreaID, int64(page))))
		}
	}
	var nav []tgbotapi.InlineKeyboardButton
	if page > 0 {
		nav = append(nav, button(btnPrev, data(cbOfficials, int64(page-1))))
	}
	if page < pages-1 {
		nav = append(nav, button(btnNext, data(cbOfficials, int64(page+1))))
	}
	kb.row(nav...)
	return txtOfficials(lines, page, pages, configAdmins, revocable), kb.markup(), nil
}

// mayRevoke says whether viewer may take a role away: never their own,
// never an admin role, and only a role strictly inside the viewer's scope,
// so that officials of one area cannot revoke each other.
func (b *Bot) mayRevoke(ctx context.Context, viewer int64, r store.Role) (bool, error) {
	if r.UserID == viewer || r.AreaID == 0 {
		return false, nil
	}
	if admin, err := b.isAdmin(ctx, viewer); err != nil || admin {
		return admin, err
	}
	a, err := b.db.AreaByID(ctx, r.AreaID)
	if err != nil || a.ParentID == 0 {
		return false, err
	}
	return b.inScope(ctx, viewer, a.ParentID)
}

// pressOfficials carries out a press on an /officials button.
func (b *Bot) pressOfficials(ctx context.Context, u update, action string, args []int64) (string, bool, error) {
	page := int(args[len(args)-1])
	toast := ""
	if action == cbRevoke {
		user, areaID := args[0], args[1]
		if user == u.UserID {
			return txtNotYourOwn, true, nil
		}
		ok, err := b.mayRevoke(ctx, u.UserID, store.Role{UserID: user, AreaID: areaID})
		if store.ErrorCode(err) == store.ENOTFOUND {
			ok, err = false, nil
		}
		if err != nil {
			return "", false, err
		}
		if !ok {
			if err := b.audit(ctx, u.UserID, auditRefused, areaID, fmt.Sprintf("revoke user:%d: button %s", user, truncate(u.Data, 64))); err != nil {
				return "", false, err
			}
			return txtNoRightRole, true, nil
		}
		if toast, err = b.revoke(ctx, u.UserID, user, areaID); err != nil {
			return "", false, err
		}
	}
	text, kb, err := b.officialsView(ctx, u.UserID, page)
	if err != nil {
		return "", false, err
	}
	return toast, false, b.edit(ctx, u.ChatID, u.MessageID, text, kb)
}

// revoke takes a role away, records it, and tells the official who lost it.
func (b *Bot) revoke(ctx context.Context, actor, user, areaID int64) (string, error) {
	err := b.db.RevokeRole(ctx, user, areaID)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return txtToastNoSuchRole, nil
	}
	if err != nil {
		return "", err
	}
	if err := b.audit(ctx, actor, auditRevoke, areaID, fmt.Sprintf("user:%d", user)); err != nil {
		return "", err
	}
	label, err := b.label(ctx, areaID)
	if err != nil {
		return "", err
	}
	b.officialMenu(ctx, user)
	if _, err := b.send(ctx, user, txtRoleRevoked(label), nil); err != nil {
		b.log.Info("could not tell the official of the revocation", "user", user, "err", err)
	}
	return txtToastRevoked, nil
}
