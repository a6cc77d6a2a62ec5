package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the pure-Go "sqlite" driver: no cgo, so CGO_ENABLED=0 builds work
)

// dsnParams are applied by the driver to every connection of the pool.
// WAL lets readers run while one writer writes; busy_timeout makes a writer
// from another process (the CLI next to a running serve) wait instead of
// failing; _txlock=immediate takes the write lock at BEGIN, because a
// transaction that reads first and upgrades later can fail with SQLITE_BUSY
// without ever waiting. temp_store(MEMORY) keeps statement journals and
// sorts in memory: a multi-row INSERT ... SELECT otherwise opens, writes
// and closes a temporary file every time (with it, a cycle of
// BenchmarkPollCycle/changed in scheduler/feed went from 5.5 s to 4.1 s).
const dsnParams = "_pragma=busy_timeout(5000)" +
	"&_pragma=journal_mode(WAL)" +
	"&_pragma=foreign_keys(1)" +
	"&_pragma=synchronous(NORMAL)" +
	"&_pragma=temp_store(MEMORY)" +
	"&_txlock=immediate"

// timeFormat is RFC 3339 in UTC with a fixed nine-digit fraction: unlike
// time.RFC3339Nano it sorts as text, so ORDER BY created_at is chronological.
const timeFormat = "2006-01-02T15:04:05.000000000Z07:00"

// DB is the SQLite database.
type DB struct {
	db *sql.DB

	// writeSem admits one write transaction of this process at a time.
	// SQLite has a single writer anyway; queueing here is fair and cheap,
	// where SQLite's busy handler sleeps and polls and can starve a writer.
	writeSem chan struct{}
	// stmts keeps prepared statements: parsing SQL costs more than running
	// the small queries the bot makes for every update.
	stmts *stmtCache

	// Now returns the current time; it defaults to time.Now, and tests may set it.
	Now func() time.Time
}

// Open opens the SQLite database file at path, creating it if needed, and
// applies the migrations it has not seen yet.
func Open(path string) (*DB, error) {
	return open(path, migrationFS)
}

// open is Open with the migrations given, so tests can run a broken one.
func open(path string, migrations fs.FS) (*DB, error) {
	if path == "" {
		return nil, Errorf(EINVALID, "database path is empty")
	}
	// The driver cuts the DSN at the first '?', so such a path would be misread.
	if strings.Contains(path, "?") {
		return nil, Errorf(EINVALID, "database path %q contains '?'", path)
	}
	sqlDB, err := sql.Open("sqlite", path+"?"+dsnParams)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if path == ":memory:" {
		// Every connection to ":memory:" is a separate, empty database.
		sqlDB.SetMaxOpenConns(1)
	}
	// Keep connections (and the statements prepared on them) instead of
	// closing all but two after each burst, as database/sql does by default.
	sqlDB.SetMaxIdleConns(16)
	db := &DB{db: sqlDB, writeSem: make(chan struct{}, 1), Now: time.Now, stmts: newStmtCache(sqlDB, path == ":memory:")}
	ctx := context.Background()
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	if err := db.migrate(ctx, migrations); err != nil {
		sqlDB.Close()
		return nil, err
	}
	return db, nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.stmts.close()
	return db.db.Close()
}

// SQL returns the underlying handle, for code that adds its own tables
// through migrations in this package.
func (db *DB) SQL() *sql.DB {
	return db.db
}

// now returns the current time in UTC, as everything is stored in UTC.
func (db *DB) now() time.Time {
	if db.Now == nil {
		return time.Now().UTC()
	}
	return db.Now().UTC()
}

// update runs fn in a write transaction and commits it if fn returns nil.
// Everything fn reads and writes must go through tx: on ":memory:" the pool
// has a single connection, which tx holds.
func (db *DB) update(ctx context.Context, fn func(tx querier) error) error {
	select {
	case db.writeSem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	defer func() { <-db.writeSem }()

	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin: %w", err)
	}
	defer tx.Rollback()
	if err := fn(db.stmts.in(tx)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// querier is what *sql.DB and *sql.Tx have in common, so reads can run
// inside or outside a transaction.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// formatTime formats t for storage.
func formatTime(t time.Time) string {
	return t.UTC().Format(timeFormat)
}

// parseTime parses a stored time; RFC3339Nano also accepts the fixed-width fraction.
func parseTime(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored time %q: %w", s, err)
	}
	return t, nil
}
