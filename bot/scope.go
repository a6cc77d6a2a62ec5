package bot

import (
	"context"
	"slices"
)

// isAdmin says whether a user is an admin by configuration or by role.
func (b *Bot) isAdmin(ctx context.Context, userID int64) (bool, error) {
	if userID == 0 {
		return false, nil
	}
	if slices.Contains(b.cfg.Admins, userID) {
		return true, nil
	}
	roles, err := b.db.Roles(ctx, userID)
	if err != nil {
		return false, err
	}
	for _, r := range roles {
		if r.Admin() {
			return true, nil
		}
	}
	return false, nil
}

// inScope says whether a user may act as an official on an area. It is
// asked on every official action, callbacks included: their data can be forged.
func (b *Bot) inScope(ctx context.Context, userID, areaID int64) (bool, error) {
	if userID == 0 {
		return false, nil
	}
	if slices.Contains(b.cfg.Admins, userID) {
		return true, nil
	}
	return b.db.InScope(ctx, userID, areaID)
}

// isOfficial says whether a user has any role at all.
func (b *Bot) isOfficial(ctx context.Context, userID int64) (bool, error) {
	if userID == 0 {
		return false, nil
	}
	if slices.Contains(b.cfg.Admins, userID) {
		return true, nil
	}
	roles, err := b.db.Roles(ctx, userID)
	return len(roles) > 0, err
}
