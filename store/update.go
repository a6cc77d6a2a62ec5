package store

import (
	"context"
	"fmt"
	"time"
)

// StoredUpdate is an update Telegram delivered to the webhook, kept in the
// store from before it was acknowledged until it is handled.
type StoredUpdate struct {
	ID   int64
	Body []byte // the Update object as Telegram sent it
}

// handledKept is how long a handled update is remembered, so that Telegram
// sending it again (it did not see our answer) is recognised.
const handledKept = 24 * time.Hour

// SaveUpdate stores an update received by webhook, and says whether it is
// new: an update already stored (handled or not) is not stored again.
func (db *DB) SaveUpdate(ctx context.Context, id int64, body []byte) (bool, error) {
	if id <= 0 {
		return false, Errorf(EINVALID, "update id %d: want a positive number", id)
	}
	var n int64
	err := db.update(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO updates (update_id, body, received_at) VALUES (?, ?, ?)
			ON CONFLICT (update_id) DO NOTHING`, id, string(body), formatTime(db.now()))
		if err != nil {
			return fmt.Errorf("store update %d: %w", id, err)
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}

// UnhandledUpdates returns up to limit stored updates not handled yet,
// oldest (lowest id) first.
func (db *DB) UnhandledUpdates(ctx context.Context, limit int) ([]StoredUpdate, error) {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT update_id, body FROM updates
		WHERE handled_at IS NULL ORDER BY update_id LIMIT ?`, limit)
	if err != nil {
		return nil, fmt.Errorf("read stored updates: %w", err)
	}
	defer rows.Close()
	var out []StoredUpdate
	for rows.Next() {
		var u StoredUpdate
		var body string
		if err := rows.Scan(&u.ID, &body); err != nil {
			return nil, fmt.Errorf("read stored updates: %w", err)
		}
		u.Body = []byte(body)
		out = append(out, u)
	}
	return out, rows.Err()
}

// MarkUpdatesHandled records that updates were handled, and forgets those
// handled more than a day ago.
func (db *DB) MarkUpdatesHandled(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	now := db.now()
	return db.update(ctx, func(tx querier) error {
		for _, id := range ids {
			if _, err := tx.ExecContext(ctx, `UPDATE updates SET handled_at = ? WHERE update_id = ?`, formatTime(now), id); err != nil {
				return fmt.Errorf("mark update %d handled: %w", id, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM updates WHERE handled_at < ?`, formatTime(now.Add(-handledKept))); err != nil {
			return fmt.Errorf("forget handled updates: %w", err)
		}
		return nil
	})
}

// CountUnhandledUpdates returns how many stored updates wait to be handled.
func (db *DB) CountUnhandledUpdates(ctx context.Context) (int, error) {
	var n int
	if err := db.stmts.reads().QueryRowContext(ctx, `SELECT count(*) FROM updates WHERE handled_at IS NULL`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count stored updates: %w", err)
	}
	return n, nil
}
