package store_test

import (
	"context"
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// MustOpenDB opens a new database in a temporary file, closed when the test ends.
func MustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "loaphuong.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := db.Close(); err != nil {
			tb.Error(err)
		}
	})
	return db
}

// fakeClock returns a clock that starts at start and advances by one
// second at every reading, so that every stored time differs.
func fakeClock(start time.Time) func() time.Time {
	t := start.Add(-time.Second)
	return func() time.Time {
		t = t.Add(time.Second)
		return t
	}
}

// migrationRow is one row of schema_migrations.
type migrationRow struct {
	Version   int
	Name      string
	AppliedAt string
}

// appliedMigrations returns the rows of schema_migrations in order.
func appliedMigrations(tb testing.TB, db *store.DB) []migrationRow {
	tb.Helper()
	rows, err := db.SQL().Query(`SELECT version, name, applied_at FROM schema_migrations ORDER BY version`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var ms []migrationRow
	for rows.Next() {
		var m migrationRow
		if err := rows.Scan(&m.Version, &m.Name, &m.AppliedAt); err != nil {
			tb.Fatal(err)
		}
		ms = append(ms, m)
	}
	if err := rows.Err(); err != nil {
		tb.Fatal(err)
	}
	return ms
}

// tableExists reports whether the database has a table of that name.
func tableExists(tb testing.TB, db *store.DB, name string) bool {
	tb.Helper()
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = ?`, name).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n > 0
}

func TestOpen_Pragmas(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	// One connection, so every pragma is read from the same one; every
	// connection of the pool is opened with the same DSN.
	conn, err := db.SQL().Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	for _, tt := range []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"foreign_keys", "1"},
		{"busy_timeout", "5000"},
		{"synchronous", "1"}, // NORMAL
		{"temp_store", "2"},  // MEMORY
	} {
		var got string
		if err := conn.QueryRowContext(ctx, "PRAGMA "+tt.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", tt.pragma, err)
		}
		if got != tt.want {
			t.Errorf("PRAGMA %s = %q, want %q", tt.pragma, got, tt.want)
		}
	}
}

func TestOpen_AppliesMigrationsOnce(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "loaphuong.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	first := appliedMigrations(t, db)
	if len(first) == 0 || first[0].Version != 1 || first[0].Name != "0001_init.sql" {
		t.Fatalf("schema_migrations = %+v, want 0001_init.sql first", first)
	}
	if err := db.SetState(ctx, "offset", "42"); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// 0001_init.sql creates tables without IF NOT EXISTS: applying it again
	// would fail, and would not keep the state stored above.
	db, err = store.Open(path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer db.Close()
	again := appliedMigrations(t, db)
	if len(again) != len(first) {
		t.Fatalf("after reopen %d migrations recorded, want %d", len(again), len(first))
	}
	for i := range first {
		if again[i] != first[i] {
			t.Errorf("migration row %d changed on reopen: %+v, was %+v", i, again[i], first[i])
		}
	}
	if v, ok, err := db.State(ctx, "offset"); err != nil || !ok || v != "42" {
		t.Errorf("State(offset) = %q, %v, %v after reopen, want 42", v, ok, err)
	}
}

func TestOpen_FailingMigrationLeavesNoChange(t *testing.T) {
	init, err := fs.ReadFile(store.MigrationFS, "migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	broken := fstest.MapFS{
		"migrations/0001_init.sql": {Data: init},
		// The first statement succeeds; the second fails.
		"migrations/0002_broken.sql": {Data: []byte(`
			CREATE TABLE half_done (x INTEGER);
			INSERT INTO no_such_table VALUES (1);`)},
	}
	path := filepath.Join(t.TempDir(), "loaphuong.db")
	if db, err := store.OpenFS(path, broken); err == nil {
		db.Close()
		t.Fatal("Open with a broken migration succeeded")
	}

	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if tableExists(t, db, "half_done") {
		t.Error("table half_done of the failed migration exists")
	}
	for _, m := range appliedMigrations(t, db) {
		if m.Name == "0002_broken.sql" {
			t.Errorf("failed migration recorded: %+v", m)
		}
	}
	// The migration before the broken one committed on its own.
	if !tableExists(t, db, "areas") {
		t.Error("table areas of 0001_init.sql missing")
	}
}

func TestOpen_MigrationsInNumericOrder(t *testing.T) {
	init, err := fs.ReadFile(store.MigrationFS, "migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	// Sorted as text, 10_ comes before 9_ and its INSERT would fail.
	fsys := fstest.MapFS{
		"migrations/0001_init.sql":    {Data: init},
		"migrations/9_create_t.sql":   {Data: []byte(`CREATE TABLE t (x INTEGER);`)},
		"migrations/10_fill_t.sql":    {Data: []byte(`INSERT INTO t VALUES (1);`)},
		"migrations/README.md":        {Data: []byte("not a migration")},
		"migrations/sub/0003_bad.sql": {Data: []byte("not read: not in migrations/")},
	}
	db, err := store.OpenFS(filepath.Join(t.TempDir(), "loaphuong.db"), fsys)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var versions []int
	for _, m := range appliedMigrations(t, db) {
		versions = append(versions, m.Version)
	}
	if len(versions) != 3 || versions[0] != 1 || versions[1] != 9 || versions[2] != 10 {
		t.Errorf("applied versions %v, want [1 9 10]", versions)
	}
}

func TestOpen_BadMigrationNames(t *testing.T) {
	for _, tt := range []struct {
		name string
		fsys fstest.MapFS
	}{
		{"no number", fstest.MapFS{"migrations/init.sql": {Data: []byte(`SELECT 1;`)}}},
		{"same number", fstest.MapFS{
			"migrations/0001_a.sql": {Data: []byte(`SELECT 1;`)},
			"migrations/1_b.sql":    {Data: []byte(`SELECT 1;`)},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db, err := store.OpenFS(filepath.Join(t.TempDir(), "x.db"), tt.fsys)
			if err == nil {
				db.Close()
				t.Fatal("Open succeeded")
			}
		})
	}
}

func TestOpen_BadPath(t *testing.T) {
	for _, path := range []string{"", "file.db?mode=ro"} {
		db, err := store.Open(path)
		if err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded", path)
			continue
		}
		if got := store.ErrorCode(err); got != store.EINVALID {
			t.Errorf("Open(%q): code %q (%v), want %q", path, got, err, store.EINVALID)
		}
	}
}

func TestOpen_Memory(t *testing.T) {
	ctx := context.Background()
	db, err := store.Open(":memory:")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// Every connection to ":memory:" is its own database: this works only
	// if the pool keeps to the one connection that was migrated.
	if err := db.SetState(ctx, "k", "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Subscribe(ctx, 1, 99, store.AllTopics); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("Subscribe to a missing area: %v, want %s", err, store.ENOTFOUND)
	}
	if v, ok, err := db.State(ctx, "k"); err != nil || !ok || v != "v" {
		t.Errorf("State(k) = %q, %v, %v", v, ok, err)
	}
}
