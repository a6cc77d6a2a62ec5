package store

import (
	"context"
	"fmt"
)

// Backup writes a consistent copy of the database to path with VACUUM INTO:
// a snapshot of every committed transaction, taken while the bot goes on
// writing. path must not exist (SQLite refuses to overwrite a non-empty file).
func (db *DB) Backup(ctx context.Context, path string) error {
	if path == "" {
		return Errorf(EINVALID, "backup path is empty")
	}
	if _, err := db.db.ExecContext(ctx, `VACUUM INTO ?`, path); err != nil {
		return fmt.Errorf("back up to %s: %w", path, err)
	}
	return nil
}

// Check runs SQLite's quick integrity check and returns an error naming the
// first problem it reports.
func (db *DB) Check(ctx context.Context) error {
	var result string
	if err := db.db.QueryRowContext(ctx, `PRAGMA quick_check`).Scan(&result); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if result != "ok" {
		return fmt.Errorf("integrity check: %s", result)
	}
	return nil
}

// Ping says whether the database answers a query.
func (db *DB) Ping(ctx context.Context) error {
	var n int
	if err := db.stmts.reads().QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return fmt.Errorf("database: %w", err)
	}
	return nil
}

// CountPendingDeliveries returns how many deliveries wait to be sent, of
// every broadcast, due or scheduled.
func (db *DB) CountPendingDeliveries(ctx context.Context) (int, error) {
	var n int
	if err := db.stmts.reads().QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE state = 'pending'`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count pending deliveries: %w", err)
	}
	return n, nil
}

// Summary counts the rows a person checks a backup by: areas, chats,
// subscriptions, officials' roles, broadcasts and deliveries.
type Summary struct {
	Areas, Chats, Subscriptions, Roles, Broadcasts, Deliveries int
}

// Summarize counts the rows of the main tables.
func (db *DB) Summarize(ctx context.Context) (Summary, error) {
	var s Summary
	err := db.stmts.reads().QueryRowContext(ctx, `SELECT
		(SELECT count(*) FROM areas), (SELECT count(*) FROM chats), (SELECT count(*) FROM subscriptions),
		(SELECT count(*) FROM roles), (SELECT count(*) FROM broadcasts), (SELECT count(*) FROM deliveries)`).
		Scan(&s.Areas, &s.Chats, &s.Subscriptions, &s.Roles, &s.Broadcasts, &s.Deliveries)
	if err != nil {
		return s, fmt.Errorf("count rows: %w", err)
	}
	return s, nil
}
