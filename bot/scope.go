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

// inScopeAll says whether every area is in a user's scope, and names the
// first that is not. Something aimed at no area at all is for admins only.
func (b *Bot) inScopeAll(ctx context.Context, userID int64, areaIDs []int64) (bool, int64, error) {
	if len(areaIDs) == 0 {
		ok, err := b.isAdmin(ctx, userID)
		return ok, 0, err
	}
	for _, id := range areaIDs {
		ok, err := b.inScope(ctx, userID, id)
		if err != nil || !ok {
			return false, id, err
		}
	}
	return true, 0, nil
}
