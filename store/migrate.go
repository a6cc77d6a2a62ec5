package store

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
)

// migrationFS holds the schema, one numbered file per change. Files are
// never edited once shipped: a change to the schema is a new file.
//
//go:embed migrations/*.sql
var migrationFS embed.FS

// migrationName is the form of a migration file name: its number, then what it does.
var migrationName = regexp.MustCompile(`^([0-9]+)_[A-Za-z0-9_-]+\.sql$`)

// migration is one file of the schema.
type migration struct {
	version int
	name    string
	sql     string
}

// migrate applies, in numeric order, the migrations not yet recorded in
// schema_migrations. Each runs in its own transaction together with its
// record, so a failing one leaves neither its changes nor its record, and
// two processes opening the same file at once cannot both apply it.
func (db *DB) migrate(ctx context.Context, fsys fs.FS) error {
	migrations, err := readMigrations(fsys)
	if err != nil {
		return err
	}
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY,
		name TEXT NOT NULL,
		applied_at TEXT NOT NULL
	)`); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	for _, m := range migrations {
		err := db.update(ctx, func(tx querier) error {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.ExecContext(ctx, m.sql); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, formatTime(db.now()))
			return err
		})
		if err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	return nil
}

// readMigrations reads migrations/*.sql from fsys, sorted by number.
func readMigrations(fsys fs.FS) ([]migration, error) {
	names, err := fs.Glob(fsys, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("list migrations: %w", err)
	}
	var ms []migration
	seen := map[int]string{}
	for _, p := range names {
		name := path.Base(p)
		match := migrationName.FindStringSubmatch(name)
		if match == nil {
			return nil, fmt.Errorf("migration file %q: want a name like 0002_add_roles.sql", name)
		}
		version, err := strconv.Atoi(match[1])
		if err != nil || version <= 0 {
			return nil, fmt.Errorf("migration file %q: bad number", name)
		}
		if other, ok := seen[version]; ok {
			return nil, fmt.Errorf("migration files %q and %q have the same number", other, name)
		}
		seen[version] = name
		text, err := fs.ReadFile(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: version, name: name, sql: string(text)})
	}
	// Numeric, not lexical, order: 10000_x.sql comes after 9999_y.sql.
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}
