package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Topic is a bit set of the kinds of message a subscription receives.
type Topic int

// The topics.
const (
	TopicAnnouncements Topic = 1 << iota // thông báo
	TopicReminders                       // nhắc lịch
	TopicNews                            // tin tức
	AllTopics          = TopicAnnouncements | TopicReminders | TopicNews
)

// validTopics reports whether t names at least one topic and nothing else:
// a subscription to nothing is an unsubscription, and should be one.
func validTopics(t Topic) bool {
	return t != 0 && t&^AllTopics == 0
}

// Subscription is a chat's interest in an area.
type Subscription struct {
	ChatID    int64
	Area      Area
	Topics    Topic
	CreatedAt time.Time
}

// Subscribe subscribes a chat to a live area for the given topics,
// creating the chat if it is not known yet. A chat that subscribes is
// reachable, so a blocked or left chat becomes active again. Subscribing
// again keeps the topics already chosen and returns created=false. The area
// must exist (ENOTFOUND) and not be merged (EINVALID: the caller should
// have looked it up by code, which follows merges); topics must be
// non-zero and known (EINVALID).
func (db *DB) Subscribe(ctx context.Context, chatID, areaID int64, topics Topic) (created bool, err error) {
	if chatID == 0 {
		return false, Errorf(EINVALID, "chat id is 0")
	}
	if !validTopics(topics) {
		return false, Errorf(EINVALID, "topics %d: want a non-empty set of known topics", topics)
	}
	now := formatTime(db.now())
	err = db.update(ctx, func(tx querier) error {
		var code string
		var mergedInto sql.NullInt64
		err := tx.QueryRowContext(ctx, `SELECT code, merged_into FROM areas WHERE id = ?`, areaID).Scan(&code, &mergedInto)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "area %d not found", areaID)
		}
		if err != nil {
			return fmt.Errorf("subscribe: %w", err)
		}
		if mergedInto.Valid {
			return Errorf(EINVALID, "area %q was merged into another area", code)
		}
		if err := ensureReachable(ctx, tx, chatID, now); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (chat_id, area_id, topics, created_at) VALUES (?, ?, ?, ?)
			ON CONFLICT (chat_id, area_id) DO NOTHING`, chatID, areaID, topics, now)
		if err != nil {
			return fmt.Errorf("subscribe chat %d to area %d: %w", chatID, areaID, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		created = n == 1
		if created {
			return tallyArea(ctx, tx, areaID, true, now)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	return created, nil
}

// ensureReachable creates the chat if needed and makes it active, unless it migrated.
func ensureReachable(ctx context.Context, tx querier, chatID int64, now string) error {
	var status ChatStatus
	var migratedTo int64
	err := tx.QueryRowContext(ctx, `SELECT status, COALESCE(migrated_to, 0) FROM chats WHERE id = ?`, chatID).Scan(&status, &migratedTo)
	switch {
	case errors.Is(err, sql.ErrNoRows):
	case err != nil:
		return fmt.Errorf("chat %d: %w", chatID, err)
	case status == ChatMigrated:
		// Its subscriptions live on the new id; one here would never be delivered.
		return Errorf(ECONFLICT, "chat %d migrated to %d", chatID, migratedTo)
	case status == ChatActive:
		return nil
	}
	return setChatStatus(ctx, tx, chatID, ChatActive, now)
}

// Unsubscribe removes a chat's subscription to an area, and reports whether it had one.
func (db *DB) Unsubscribe(ctx context.Context, chatID, areaID int64) (bool, error) {
	var n int64
	now := formatTime(db.now())
	err := db.update(ctx, func(tx querier) error {
		active, err := chatActive(ctx, tx, chatID)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE chat_id = ? AND area_id = ?`, chatID, areaID)
		if err != nil {
			return fmt.Errorf("unsubscribe chat %d from area %d: %w", chatID, areaID, err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		if n > 0 && active {
			return tallyArea(ctx, tx, areaID, false, now)
		}
		return nil
	})
	return n > 0, err
}

// UnsubscribeAll removes every subscription of a chat (/stop), and returns how many there were.
func (db *DB) UnsubscribeAll(ctx context.Context, chatID int64) (int, error) {
	var n int64
	now := formatTime(db.now())
	err := db.update(ctx, func(tx querier) error {
		active, err := chatActive(ctx, tx, chatID)
		if err != nil {
			return err
		}
		if active {
			if err := tallyChat(ctx, tx, chatID, false, now); err != nil {
				return err
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM subscriptions WHERE chat_id = ?`, chatID)
		if err != nil {
			return fmt.Errorf("unsubscribe chat %d: %w", chatID, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// Subscriptions returns a chat's subscriptions in the order they were made,
// each with its area (an empty list for an unknown chat).
func (db *DB) Subscriptions(ctx context.Context, chatID int64) ([]Subscription, error) {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT area_id, topics, created_at FROM subscriptions
		WHERE chat_id = ? ORDER BY created_at, rowid`, chatID)
	if err != nil {
		return nil, fmt.Errorf("subscriptions of chat %d: %w", chatID, err)
	}
	defer rows.Close()
	var subs []Subscription
	for rows.Next() {
		s := Subscription{ChatID: chatID}
		var created string
		if err := rows.Scan(&s.Area.ID, &s.Topics, &created); err != nil {
			return nil, fmt.Errorf("subscriptions of chat %d: %w", chatID, err)
		}
		if s.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		subs = append(subs, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("subscriptions of chat %d: %w", chatID, err)
	}
	rows.Close()
	ids := make([]int64, len(subs))
	for i, s := range subs {
		ids[i] = s.Area.ID
	}
	areas, err := areasByIDs(ctx, db.stmts.reads(), ids)
	if err != nil {
		return nil, err
	}
	for i := range subs {
		subs[i].Area = areas[subs[i].Area.ID]
	}
	return subs, nil
}

// SetTopics changes the topics of an existing subscription.
func (db *DB) SetTopics(ctx context.Context, chatID, areaID int64, topics Topic) error {
	if !validTopics(topics) {
		return Errorf(EINVALID, "topics %d: want a non-empty set of known topics", topics)
	}
	return db.update(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, `UPDATE subscriptions SET topics = ? WHERE chat_id = ? AND area_id = ?`, topics, chatID, areaID)
		if err != nil {
			return fmt.Errorf("set topics of chat %d in area %d: %w", chatID, areaID, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 {
			return Errorf(ENOTFOUND, "chat %d is not subscribed to area %d", chatID, areaID)
		}
		return nil
	})
}

// CountSubscribers returns how many active chats receive what is sent to an
// area: those subscribed to it or to any area above it. A merged area
// counts as the area it was merged into.
func (db *DB) CountSubscribers(ctx context.Context, areaID int64) (int, error) {
	a, err := areaByID(ctx, db.stmts.reads(), areaID)
	if err != nil {
		return 0, err
	}
	if a, err = liveArea(ctx, db.stmts.reads(), a); err != nil {
		return 0, err
	}
	var n int
	err = db.stmts.reads().QueryRowContext(ctx, `WITH RECURSIVE up (id, depth) AS (
			SELECT ?, 0
			UNION ALL
			SELECT areas.parent_id, up.depth + 1 FROM areas JOIN up ON areas.id = up.id
			WHERE areas.parent_id IS NOT NULL AND up.depth < ?
		)
		SELECT count(DISTINCT s.chat_id) FROM subscriptions s
		JOIN chats c ON c.id = s.chat_id
		WHERE s.area_id IN (SELECT id FROM up) AND c.status = 'active'`, a.ID, maxDepth).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count subscribers of area %d: %w", areaID, err)
	}
	return n, nil
}
