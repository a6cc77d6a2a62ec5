package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// CampaignDraft is a campaign an official is composing in Telegram, one
// step at a time. Each user has at most one.
type CampaignDraft struct {
	UserID       int64
	ChatID       int64
	Step         string // what the bot is waiting for; the bot names the steps
	CatalogueKey string
	Title        string // as the official wrote it, not escaped
	Text         string
	Areas        []int64
	From, Until  time.Time // days in Zone; zero: no bound
	Spec         string
	MessageID    int // the message whose buttons are live
	UpdatedAt    time.Time
}

// SaveCampaignDraft stores a user's campaign draft, replacing the one before.
func (db *DB) SaveCampaignDraft(ctx context.Context, d CampaignDraft) error {
	if d.UserID <= 0 || d.ChatID == 0 {
		return Errorf(EINVALID, "campaign draft of user %d in chat %d", d.UserID, d.ChatID)
	}
	areas := make([]string, len(d.Areas))
	for i, id := range d.Areas {
		areas[i] = strconv.FormatInt(id, 10)
	}
	return db.update(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO campaign_drafts (user_id, chat_id, step, catalogue_key, title, text, areas, starts_on, ends_on, spec, message_id, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (user_id) DO UPDATE SET chat_id = excluded.chat_id, step = excluded.step, catalogue_key = excluded.catalogue_key,
				title = excluded.title, text = excluded.text, areas = excluded.areas, starts_on = excluded.starts_on,
				ends_on = excluded.ends_on, spec = excluded.spec, message_id = excluded.message_id, updated_at = excluded.updated_at`,
			d.UserID, d.ChatID, d.Step, d.CatalogueKey, d.Title, d.Text, strings.Join(areas, ","), formatDay(d.From), formatDay(d.Until),
			d.Spec, d.MessageID, formatTime(db.now()))
		if err != nil {
			return fmt.Errorf("save campaign draft of %d: %w", d.UserID, err)
		}
		return nil
	})
}

// CampaignDraftOf returns a user's campaign draft, or ENOTFOUND.
func (db *DB) CampaignDraftOf(ctx context.Context, userID int64) (*CampaignDraft, error) {
	d := CampaignDraft{UserID: userID}
	var areas, from, until, updated string
	err := db.stmts.reads().QueryRowContext(ctx, `SELECT chat_id, step, catalogue_key, title, text, areas, starts_on, ends_on, spec, message_id, updated_at
		FROM campaign_drafts WHERE user_id = ?`, userID).
		Scan(&d.ChatID, &d.Step, &d.CatalogueKey, &d.Title, &d.Text, &areas, &from, &until, &d.Spec, &d.MessageID, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "user %d has no campaign draft", userID)
	}
	if err != nil {
		return nil, fmt.Errorf("read campaign draft of %d: %w", userID, err)
	}
	for _, s := range strings.Split(areas, ",") {
		if s == "" {
			continue
		}
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("campaign draft of %d: area %q: %w", userID, s, err)
		}
		d.Areas = append(d.Areas, id)
	}
	if d.From, err = parseDay(from); err != nil {
		return nil, err
	}
	if d.Until, err = parseDay(until); err != nil {
		return nil, err
	}
	if d.UpdatedAt, err = parseTime(updated); err != nil {
		return nil, err
	}
	return &d, nil
}

// DeleteCampaignDraft forgets a user's campaign draft; there may be none.
func (db *DB) DeleteCampaignDraft(ctx context.Context, userID int64) error {
	return db.update(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM campaign_drafts WHERE user_id = ?`, userID)
		return err
	})
}
