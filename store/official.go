package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/base32"
	"errors"
	"fmt"
	"strings"
	"time"
)

// Role lets a Telegram user act as an official on an area and every area
// below it. AreaID 0 makes the user an admin of the whole tree.
type Role struct {
	UserID    int64
	AreaID    int64 // 0: everything
	AreaCode  string
	AreaName  string
	Name      string // the user's name, for lists
	GrantedBy int64  // 0: the command line or the configuration
	CreatedAt time.Time
}

// Admin says whether the role covers the whole tree.
func (r Role) Admin() bool { return r.AreaID == 0 }

// InviteTTL is how long an invite can be used.
const InviteTTL = 7 * 24 * time.Hour

// InvitePrefix starts every invite code, so that a deep link can tell an
// invite from an area code.
const InvitePrefix = "moi_"

// GrantRole gives a user a role; granting it again updates the name.
func (db *DB) GrantRole(ctx context.Context, r Role) error {
	if r.UserID <= 0 {
		return Errorf(EINVALID, "user id %d: want a Telegram user id", r.UserID)
	}
	now := formatTime(db.now())
	return db.update(ctx, func(tx querier) error {
		if r.AreaID != 0 {
			if _, err := liveAreaByID(ctx, tx, r.AreaID); err != nil {
				return err
			}
		}
		return grantRole(ctx, tx, r, now)
	})
}

func grantRole(ctx context.Context, tx querier, r Role, now string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO roles (user_id, area_id, name, granted_by, created_at) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (user_id, COALESCE(area_id, 0)) DO UPDATE SET name = COALESCE(NULLIF(excluded.name, ''), name)`,
		r.UserID, nullID(r.AreaID), truncateRunes(r.Name, maxTitleLen), r.GrantedBy, now)
	if err != nil {
		return fmt.Errorf("grant role to %d: %w", r.UserID, err)
	}
	return nil
}

// liveAreaByID returns an area that exists and is not merged.
func liveAreaByID(ctx context.Context, q querier, id int64) (*Area, error) {
	a, err := areaByID(ctx, q, id)
	if err != nil {
		return nil, err
	}
	if a.MergedInto != 0 {
		return nil, Errorf(EINVALID, "area %q was merged into another area", a.Code)
	}
	return a, nil
}

// RevokeRole takes a user's role on an area (0: the admin role) away.
func (db *DB) RevokeRole(ctx context.Context, userID, areaID int64) error {
	return db.update(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM roles WHERE user_id = ? AND COALESCE(area_id, 0) = ?`, userID, areaID)
		if err != nil {
			return fmt.Errorf("revoke role of %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "user %d has no such role", userID)
		}
		return nil
	})
}

// Roles returns the roles of every official (userID 0) or of one user,
// admins first, then by area code.
func (db *DB) Roles(ctx context.Context, userID int64) ([]Role, error) {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT r.user_id, COALESCE(r.area_id, 0), COALESCE(a.code, ''), COALESCE(a.name, ''),
			r.name, r.granted_by, r.created_at
		FROM roles r LEFT JOIN areas a ON a.id = r.area_id
		WHERE ?1 = 0 OR r.user_id = ?1
		ORDER BY r.area_id IS NOT NULL, a.code, r.user_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("list roles: %w", err)
	}
	defer rows.Close()
	var roles []Role
	for rows.Next() {
		var r Role
		var created string
		if err := rows.Scan(&r.UserID, &r.AreaID, &r.AreaCode, &r.AreaName, &r.Name, &r.GrantedBy, &created); err != nil {
			return nil, err
		}
		if r.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		roles = append(roles, r)
	}
	return roles, rows.Err()
}

// InScope says whether a user's roles cover an area: a role on the area
// itself or on any area above it, or the admin role.
func (db *DB) InScope(ctx context.Context, userID, areaID int64) (bool, error) {
	var ok bool
	err := db.stmts.reads().QueryRowContext(ctx, `WITH RECURSIVE up (id) AS (
			SELECT id FROM areas WHERE id = ?2
			UNION ALL
			SELECT areas.parent_id FROM areas JOIN up ON areas.id = up.id WHERE areas.parent_id IS NOT NULL
		)
		SELECT EXISTS (SELECT 1 FROM roles WHERE user_id = ?1 AND (area_id IS NULL OR area_id IN (SELECT id FROM up)))`,
		userID, areaID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("check scope of %d on area %d: %w", userID, areaID, err)
	}
	return ok, nil
}

// Invite is a one-time link that gives a role to whoever opens it first.
type Invite struct {
	Code      string
	AreaID    int64 // 0: an admin invite
	CreatedBy int64
	CreatedAt time.Time
	ExpiresAt time.Time
}

// CreateInvite makes a single-use invite to a role on an area, valid for InviteTTL.
func (db *DB) CreateInvite(ctx context.Context, areaID, createdBy int64) (*Invite, error) {
	var raw [10]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, fmt.Errorf("invite code: %w", err)
	}
	now := db.now()
	inv := &Invite{
		Code:      InvitePrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(raw[:])),
		AreaID:    areaID,
		CreatedBy: createdBy,
		CreatedAt: now,
		ExpiresAt: now.Add(InviteTTL),
	}
	err := db.update(ctx, func(tx querier) error {
		if areaID != 0 {
			if _, err := liveAreaByID(ctx, tx, areaID); err != nil {
				return err
			}
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO invites (code, area_id, created_by, created_at, expires_at) VALUES (?, ?, ?, ?, ?)`,
			inv.Code, nullID(areaID), createdBy, formatTime(inv.CreatedAt), formatTime(inv.ExpiresAt))
		return err
	})
	if err != nil {
		return nil, err
	}
	return inv, nil
}

// AcceptInvite gives the invite's role to a user and uses the invite up. An
// unknown code is ENOTFOUND; a used or expired one is EINVALID.
func (db *DB) AcceptInvite(ctx context.Context, code string, userID int64, name string) (*Role, error) {
	if userID <= 0 {
		return nil, Errorf(EINVALID, "user id %d: want a Telegram user id", userID)
	}
	now := db.now()
	var role Role
	err := db.update(ctx, func(tx querier) error {
		var areaID sql.NullInt64
		var createdBy int64
		var expires string
		var usedBy sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT area_id, created_by, expires_at, used_by FROM invites WHERE code = ?`, code).
			Scan(&areaID, &createdBy, &expires, &usedBy)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "no invite %q", code)
		}
		if err != nil {
			return fmt.Errorf("read invite: %w", err)
		}
		if usedBy.Valid {
			return Errorf(EINVALID, "the invite was already used")
		}
		exp, err := parseTime(expires)
		if err != nil {
			return err
		}
		if !now.Before(exp) {
			return Errorf(EINVALID, "the invite expired on %s", exp.Format(time.DateOnly))
		}
		if areaID.Valid {
			if _, err := liveAreaByID(ctx, tx, areaID.Int64); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, `UPDATE invites SET used_by = ?, used_at = ? WHERE code = ?`, userID, formatTime(now), code); err != nil {
			return fmt.Errorf("use invite: %w", err)
		}
		role = Role{UserID: userID, AreaID: areaID.Int64, Name: name, GrantedBy: createdBy, CreatedAt: now}
		return grantRole(ctx, tx, role, formatTime(now))
	})
	if err != nil {
		return nil, err
	}
	return &role, nil
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID     int64
	At     time.Time
	Actor  int64 // Telegram user id, 0 for the command line
	Action string
	AreaID int64
	Detail string
}

// Audit appends an entry to the audit log.
func (db *DB) Audit(ctx context.Context, e AuditEntry) error {
	return db.update(ctx, func(tx querier) error {
		return audit(ctx, tx, e, db.now())
	})
}

func audit(ctx context.Context, tx querier, e AuditEntry, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO audit (at, actor, action, area_id, detail) VALUES (?, ?, ?, ?, ?)`,
		formatTime(now), e.Actor, e.Action, nullID(e.AreaID), truncateRunes(e.Detail, 1000))
	if err != nil {
		return fmt.Errorf("audit %s: %w", e.Action, err)
	}
	return nil
}

// AuditLog returns the latest entries, newest first (actor 0: everyone's).
func (db *DB) AuditLog(ctx context.Context, actor int64, limit int) ([]AuditEntry, error) {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT id, at, actor, action, COALESCE(area_id, 0), detail FROM audit
		WHERE ?1 = 0 OR actor = ?1 ORDER BY id DESC LIMIT ?2`, actor, limit)
	if err != nil {
		return nil, fmt.Errorf("read audit log: %w", err)
	}
	defer rows.Close()
	var out []AuditEntry
	for rows.Next() {
		var e AuditEntry
		var at string
		if err := rows.Scan(&e.ID, &at, &e.Actor, &e.Action, &e.AreaID, &e.Detail); err != nil {
			return nil, err
		}
		if e.At, err = parseTime(at); err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
