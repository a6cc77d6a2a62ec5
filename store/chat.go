package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// ChatStatus says whether messages can reach a chat.
type ChatStatus string

// The statuses of a chat.
const (
	ChatActive   ChatStatus = "active"
	ChatBlocked  ChatStatus = "blocked"  // the user blocked the bot, or the bot was kicked
	ChatLeft     ChatStatus = "left"     // the bot left or was removed from a group
	ChatMigrated ChatStatus = "migrated" // the group became a supergroup with a new id
)

// Chat is a Telegram chat that talks to the bot.
type Chat struct {
	ID         int64 // Telegram chat id
	Type       string
	Title      string
	Status     ChatStatus
	Language   string
	QuietHours string // "HH:MM-HH:MM", "off", or "" for the bot's default
	MigratedTo int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// chatTypes are Telegram's chat types; anything else is a caller's bug.
var chatTypes = map[string]bool{"private": true, "group": true, "supergroup": true, "channel": true}

// quietHoursPattern is a daily window such as "21:00-06:30".
var quietHoursPattern = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$`)

// Bounds on what Telegram sends, so a broken client cannot store an essay.
const (
	maxTitleLen    = 255
	maxLanguageLen = 35
)

// validQuietHours reports whether s is a quiet-hours setting.
func validQuietHours(s string) bool {
	return s == "" || s == "off" || quietHoursPattern.MatchString(s)
}

// UpsertChat inserts the chat, or updates the type, title and language of
// an existing one. Empty fields keep what is stored (an update may not
// carry them), and the status of an existing chat never changes here: that
// is SetChatStatus's job, so a message in a group does not undo a block.
// A new chat is active unless c.Status says otherwise, speaks Vietnamese
// unless c.Language says otherwise, and is private unless c.Type says otherwise.
func (db *DB) UpsertChat(ctx context.Context, c Chat) error {
	if c.ID == 0 {
		return Errorf(EINVALID, "chat id is 0")
	}
	if c.Type != "" && !chatTypes[c.Type] {
		return Errorf(EINVALID, "chat %d: unknown type %q", c.ID, c.Type)
	}
	if c.Status == "" {
		c.Status = ChatActive
	}
	if !validStatus(c.Status) {
		return Errorf(EINVALID, "chat %d: unknown status %q", c.ID, c.Status)
	}
	if c.Status == ChatMigrated {
		return Errorf(EINVALID, "chat %d: use MigrateChat to record a migration", c.ID)
	}
	c.Title = strings.TrimSpace(strings.ToValidUTF8(c.Title, "\uFFFD"))
	c.Title = truncateRunes(c.Title, maxTitleLen)
	if len(c.Language) > maxLanguageLen {
		return Errorf(EINVALID, "chat %d: language %q is too long", c.ID, c.Language)
	}
	if !validQuietHours(c.QuietHours) {
		return Errorf(EINVALID, "chat %d: quiet hours %q: want HH:MM-HH:MM or off", c.ID, c.QuietHours)
	}
	now := formatTime(db.now())
	return db.update(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO chats (id, type, title, status, language, quiet_hours, created_at, updated_at)
			VALUES (?1, COALESCE(NULLIF(?2, ''), 'private'), ?3, ?4, COALESCE(NULLIF(?5, ''), 'vi'), ?6, ?7, ?7)
			ON CONFLICT (id) DO UPDATE SET
				type = COALESCE(NULLIF(?2, ''), type),
				title = COALESCE(NULLIF(?3, ''), title),
				language = COALESCE(NULLIF(?5, ''), language),
				updated_at = ?7`,
			c.ID, c.Type, c.Title, c.Status, c.Language, c.QuietHours, now)
		if err != nil {
			return fmt.Errorf("upsert chat %d: %w", c.ID, err)
		}
		return nil
	})
}

// validStatus reports whether s is one of the statuses.
func validStatus(s ChatStatus) bool {
	switch s {
	case ChatActive, ChatBlocked, ChatLeft, ChatMigrated:
		return true
	}
	return false
}

// ChatByID returns the chat with the given Telegram id.
func (db *DB) ChatByID(ctx context.Context, id int64) (*Chat, error) {
	return chatByID(ctx, db.stmts.reads(), id)
}

// chatByID returns the chat with the given id, inside or outside a transaction.
func chatByID(ctx context.Context, q querier, id int64) (*Chat, error) {
	var c Chat
	var created, updated string
	err := q.QueryRowContext(ctx, `SELECT id, type, title, status, language, quiet_hours, COALESCE(migrated_to, 0), created_at, updated_at
		FROM chats WHERE id = ?`, id).
		Scan(&c.ID, &c.Type, &c.Title, &c.Status, &c.Language, &c.QuietHours, &c.MigratedTo, &created, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "chat %d not found", id)
	}
	if err != nil {
		return nil, fmt.Errorf("chat %d: %w", id, err)
	}
	if c.CreatedAt, err = parseTime(created); err != nil {
		return nil, err
	}
	if c.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &c, nil
}

// SetChatStatus records whether messages can reach a chat, creating the chat
// if it is not known yet (a "blocked" report can be the first we hear of it).
// A migrated chat stays migrated: its old id is gone for good, and keeping the
// status keeps the pointer to the new one. ChatMigrated itself is set by MigrateChat.
func (db *DB) SetChatStatus(ctx context.Context, id int64, s ChatStatus) error {
	if id == 0 {
		return Errorf(EINVALID, "chat id is 0")
	}
	if !validStatus(s) {
		return Errorf(EINVALID, "chat %d: unknown status %q", id, s)
	}
	if s == ChatMigrated {
		return Errorf(EINVALID, "chat %d: use MigrateChat to record a migration", id)
	}
	now := formatTime(db.now())
	return db.update(ctx, func(tx querier) error {
		return setChatStatus(ctx, tx, id, s, now)
	})
}

// setChatStatus is SetChatStatus inside a transaction.
func setChatStatus(ctx context.Context, tx querier, id int64, s ChatStatus, now string) error {
	var was ChatStatus
	if err := tx.QueryRowContext(ctx, `SELECT status FROM chats WHERE id = ?`, id).Scan(&was); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("set status of chat %d: %w", id, err)
	}
	// A chat that can no longer be reached ends its subscriptions for
	// stats, one that comes back makes them again.
	switch {
	case was == ChatActive && (s == ChatBlocked || s == ChatLeft):
		if err := tallyChat(ctx, tx, id, false, now); err != nil {
			return err
		}
	case (was == ChatBlocked || was == ChatLeft) && s == ChatActive:
		if err := tallyChat(ctx, tx, id, true, now); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO chats (id, status, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
		ON CONFLICT (id) DO UPDATE SET status = ?2, updated_at = ?3
		WHERE status NOT IN (?2, 'migrated')`, id, s, now)
	if err != nil {
		return fmt.Errorf("set status of chat %d: %w", id, err)
	}
	if s == ChatActive {
		return nil
	}
	// Nothing more can reach the chat: its waiting messages are skipped.
	if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'skipped', reason = ? WHERE chat_id = ? AND state = 'pending'`,
		"chat "+string(s), id); err != nil {
		return fmt.Errorf("skip deliveries to chat %d: %w", id, err)
	}
	return nil
}

// SetChatQuietHours sets the hours during which a chat receives no
// non-urgent messages: "HH:MM-HH:MM" in Asia/Ho_Chi_Minh, "off", or "" for
// the bot's default. It creates the chat if it is not known yet.
func (db *DB) SetChatQuietHours(ctx context.Context, id int64, quietHours string) error {
	if id == 0 {
		return Errorf(EINVALID, "chat id is 0")
	}
	if !validQuietHours(quietHours) {
		return Errorf(EINVALID, "quiet hours %q: want HH:MM-HH:MM or off", quietHours)
	}
	now := formatTime(db.now())
	return db.update(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO chats (id, quiet_hours, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)
			ON CONFLICT (id) DO UPDATE SET quiet_hours = ?2, updated_at = ?3`, id, quietHours, now)
		if err != nil {
			return fmt.Errorf("set quiet hours of chat %d: %w", id, err)
		}
		return nil
	})
}

// MigrateChat records that the group oldID became the supergroup newID:
// the new chat exists and is active (its type supergroup, its title and
// language those of the old one unless it had its own), every subscription
// moves to it (topics of an area both had are combined), and the old chat
// is marked migrated. Telegram reports a migration twice (migrate_to_chat_id
// in the old group, migrate_from_chat_id in the new one) in either order, so
// a second call changes nothing. An unknown oldID just makes newID exist.
func (db *DB) MigrateChat(ctx context.Context, oldID, newID int64) error {
	if oldID == 0 || newID == 0 {
		return Errorf(EINVALID, "chat id is 0")
	}
	if oldID == newID {
		return Errorf(EINVALID, "chat %d cannot migrate to itself", oldID)
	}
	now := formatTime(db.now())
	return db.update(ctx, func(tx querier) error {
		old, err := chatByID(ctx, tx, oldID)
		if err != nil && ErrorCode(err) != ENOTFOUND {
			return err
		}
		if old != nil && old.Status == ChatMigrated && old.MigratedTo != newID {
			return Errorf(ECONFLICT, "chat %d already migrated to %d", oldID, old.MigratedTo)
		}
		if n, err := chatByID(ctx, tx, newID); err == nil && n.Status == ChatMigrated {
			return Errorf(ECONFLICT, "chat %d migrated to %d: it cannot be a migration target", newID, n.MigratedTo)
		}

		firstTime := old != nil && old.Status != ChatMigrated
		switch {
		case firstTime:
			// A message in the new supergroup may have created its row
			// already: it keeps its own title, and takes the old language.
			_, err = tx.ExecContext(ctx, `INSERT INTO chats (id, type, title, status, language, quiet_hours, created_at, updated_at)
				VALUES (?1, 'supergroup', ?2, 'active', ?3, ?4, ?5, ?5)
				ON CONFLICT (id) DO UPDATE SET type = 'supergroup', title = COALESCE(NULLIF(title, ''), ?2),
					status = 'active', language = ?3, quiet_hours = ?4, updated_at = ?5`,
				newID, old.Title, old.Language, old.QuietHours, now)
		default:
			_, err = tx.ExecContext(ctx, `INSERT INTO chats (id, type, status, created_at, updated_at)
				VALUES (?1, 'supergroup', 'active', ?2, ?2) ON CONFLICT (id) DO NOTHING`, newID, now)
		}
		if err != nil {
			return fmt.Errorf("migrate chat %d to %d: %w", oldID, newID, err)
		}

		// "WHERE true" lets SQLite parse ON CONFLICT after INSERT ... SELECT.
		if _, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (chat_id, area_id, topics, created_at)
			SELECT ?1, area_id, topics, created_at FROM subscriptions WHERE chat_id = ?2 AND true
			ON CONFLICT (chat_id, area_id) DO UPDATE SET topics = topics | excluded.topics`, newID, oldID); err != nil {
			return fmt.Errorf("move subscriptions of chat %d to %d: %w", oldID, newID, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE chat_id = ?`, oldID); err != nil {
			return fmt.Errorf("move subscriptions of chat %d to %d: %w", oldID, newID, err)
		}
		if err := moveDeliveries(ctx, tx, oldID, newID); err != nil {
			return err
		}
		if firstTime {
			if _, err := tx.ExecContext(ctx, `UPDATE chats SET status = 'migrated', migrated_to = ?, updated_at = ? WHERE id = ?`,
				newID, now, oldID); err != nil {
				return fmt.Errorf("migrate chat %d to %d: %w", oldID, newID, err)
			}
		}
		return nil
	})
}

// moveDeliveries readdresses the pending deliveries of a chat to its new
// id; one the new chat already has is skipped for the old.
func moveDeliveries(ctx context.Context, tx querier, oldID, newID int64) error {
	if _, err := tx.ExecContext(ctx, `UPDATE OR IGNORE deliveries SET chat_id = ? WHERE chat_id = ? AND state = 'pending'`, newID, oldID); err != nil {
		return fmt.Errorf("move deliveries of chat %d to %d: %w", oldID, newID, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'skipped', reason = 'chat migrated' WHERE chat_id = ? AND state = 'pending'`, oldID); err != nil {
		return fmt.Errorf("move deliveries of chat %d to %d: %w", oldID, newID, err)
	}
	return nil
}

// ForgetChat deletes everything kept about a chat: its subscriptions, its
// deliveries, its draft and the chat itself (DESIGN §6: deleting one's data
// is a command away). The audit log keeps what officials did.
func (db *DB) ForgetChat(ctx context.Context, id int64) error {
	if id == 0 {
		return Errorf(EINVALID, "chat id is 0")
	}
	return db.update(ctx, func(tx querier) error {
		for _, q := range []string{
			`DELETE FROM deliveries WHERE chat_id = ?`,
			`DELETE FROM drafts WHERE chat_id = ?`,
			`DELETE FROM subscriptions WHERE chat_id = ?`,
			`DELETE FROM chats WHERE id = ?`,
		} {
			if _, err := tx.ExecContext(ctx, q, id); err != nil {
				return fmt.Errorf("forget chat %d: %w", id, err)
			}
		}
		return nil
	})
}
