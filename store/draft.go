package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Draft is a broadcast an official is composing in Telegram, one step at a
// time. Each user has at most one.
type Draft struct {
	UserID    int64
	ChatID    int64
	Step      string // what the bot is waiting for; the bot names the steps
	AreaID    int64
	Topic     Topic
	Text      string // as the official wrote it, not escaped
	Photo     string // a Telegram file_id
	Urgent    bool
	SendAt    time.Time // zero: at once
	MessageID int       // the message that shows the draft
	UpdatedAt time.Time
}

// SaveDraft stores a user's draft, replacing the one before.
func (db *DB) SaveDraft(ctx context.Context, d Draft) error {
	if d.UserID <= 0 || d.ChatID == 0 {
		return Errorf(EINVALID, "draft of user %d in chat %d", d.UserID, d.ChatID)
	}
	sendAt := ""
	if !d.SendAt.IsZero() {
		sendAt = formatTime(d.SendAt)
	}
	return db.update(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO drafts (user_id, chat_id, step, area_id, topic, text, photo, urgent, send_at, message_id, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id, step = excluded.step, area_id = excluded.area_id,
				topic = excluded.topic, text = excluded.text, photo = excluded.photo, urgent = excluded.urgent,
				send_at = excluded.send_at, message_id = excluded.message_id, updated_at = excluded.updated_at`,
			d.UserID, d.ChatID, d.Step, nullID(d.AreaID), d.Topic, d.Text, d.Photo, d.Urgent, sendAt, d.MessageID, formatTime(db.now()))
		if err != nil {
			return fmt.Errorf("save draft of %d: %w", d.UserID, err)
		}
		return nil
	})
}

// DraftOf returns a user's draft, or ENOTFOUND.
func (db *DB) DraftOf(ctx context.Context, userID int64) (*Draft, error) {
	d := Draft{UserID: userID}
	var sendAt, updated string
	err := db.stmts.reads().QueryRowContext(ctx, `SELECT chat_id, step, COALESCE(area_id, 0), topic, text, photo, urgent, send_at, message_id, updated_at
		FROM drafts WHERE user_id = ?`, userID).
		Scan(&d.ChatID, &d.Step, &d.AreaID, &d.Topic, &d.Text, &d.Photo, &d.Urgent, &sendAt, &d.MessageID, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "user %d has no draft", userID)
	}
	if err != nil {
		return nil, fmt.Errorf("read draft of %d: %w", userID, err)
	}
	if sendAt != "" {
		if d.SendAt, err = parseTime(sendAt); err != nil {
			return nil, err
		}
	}
	if d.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &d, nil
}

// DeleteDraft forgets a user's draft; there may be none.
func (db *DB) DeleteDraft(ctx context.Context, userID int64) error {
	return db.update(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM drafts WHERE user_id = ?`, userID)
		return err
	})
}
