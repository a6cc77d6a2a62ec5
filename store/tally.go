package store

import (
	"context"
	"fmt"
	"time"
)

// Residents' subscriptions and departures are counted per area and day
// (subscription_days) as they happen, for stats: growth over a week or a
// month is what residents did, without keeping who did it.

// dayOf is the day in Asia/Ho_Chi_Minh of a stored time.
func dayOf(stored string) string {
	t, err := parseTime(stored)
	if err != nil {
		t = time.Now()
	}
	return t.In(Zone).Format(time.DateOnly)
}

// tallyArea counts one subscription to an area made (joined) or ended.
func tallyArea(ctx context.Context, tx querier, areaID int64, joined bool, now string) error {
	q := `INSERT INTO subscription_days (day, area_id, ended) VALUES (?, ?, 1)
		ON CONFLICT (day, area_id) DO UPDATE SET ended = ended + 1`
	if joined {
		q = `INSERT INTO subscription_days (day, area_id, joined) VALUES (?, ?, 1)
		ON CONFLICT (day, area_id) DO UPDATE SET joined = joined + 1`
	}
	if _, err := tx.ExecContext(ctx, q, dayOf(now), areaID); err != nil {
		return fmt.Errorf("count subscriptions of area %d: %w", areaID, err)
	}
	return nil
}

// tallyChat counts every subscription of a chat as made (joined) or ended:
// the chat came back, or can no longer be reached. Only an active chat's
// end counts, so that nothing is counted twice.
func tallyChat(ctx context.Context, tx querier, chatID int64, joined bool, now string) error {
	// "WHERE true" lets SQLite parse ON CONFLICT after INSERT ... SELECT.
	q := `INSERT INTO subscription_days (day, area_id, ended) SELECT ?1, area_id, 1 FROM subscriptions WHERE chat_id = ?2 AND true
		ON CONFLICT (day, area_id) DO UPDATE SET ended = ended + 1`
	if joined {
		q = `INSERT INTO subscription_days (day, area_id, joined) SELECT ?1, area_id, 1 FROM subscriptions WHERE chat_id = ?2 AND true
		ON CONFLICT (day, area_id) DO UPDATE SET joined = joined + 1`
	}
	if _, err := tx.ExecContext(ctx, q, dayOf(now), chatID); err != nil {
		return fmt.Errorf("count subscriptions of chat %d: %w", chatID, err)
	}
	return nil
}

// chatActive says whether a chat is known and active, inside a transaction.
func chatActive(ctx context.Context, tx querier, chatID int64) (bool, error) {
	var ok bool
	err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM chats WHERE id = ? AND status = 'active')`, chatID).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("chat %d: %w", chatID, err)
	}
	return ok, nil
}
