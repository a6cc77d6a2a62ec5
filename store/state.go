package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// State returns the value the bot stored under key (the update offset, its
// own username, ...), and whether there was one.
func (db *DB) State(ctx context.Context, key string) (string, bool, error) {
	var value string
	err := db.stmts.reads().QueryRowContext(ctx, `SELECT value FROM bot_state WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("state %q: %w", key, err)
	}
	return value, true, nil
}

// SetState stores value under key, replacing what was there.
func (db *DB) SetState(ctx context.Context, key, value string) error {
	if key == "" {
		return Errorf(EINVALID, "state key is empty")
	}
	return db.update(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO bot_state (key, value) VALUES (?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value)
		if err != nil {
			return fmt.Errorf("set state %q: %w", key, err)
		}
		return nil
	})
}
