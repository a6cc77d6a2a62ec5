package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/loaphuong/loaphuong/store"
)

// backup runs "backup FILE": a consistent copy of the database, taken
// while serve goes on running, checked, then put in place.
func (m *Main) backup(ctx context.Context, args []string) error {
	fs := m.flagSet("backup [--db FILE] [--force] BACKUP.db",
		"Writes a consistent copy of the database to BACKUP.db (SQLite's VACUUM INTO), safe while\n"+
			"serve runs: it holds every transaction committed before it began. The copy is checked\n"+
			"before it is put in place. An existing BACKUP.db is kept unless --force is given.")
	dbPath := m.dbFlag(fs)
	force := fs.Bool("force", false, "replace BACKUP.db if it exists")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("backup: want exactly one file to write, such as loaphuong-$(date +%%F).db")
	}
	target := fs.Arg(0)
	if exists(target) && !*force {
		return usagef("backup: %s exists; choose another name, or pass --force to replace it", target)
	}
	if !exists(*dbPath) {
		return usagef("backup: no database at %s (set --db or LOAPHUONG_DB)", *dbPath)
	}
	if abs(target) == abs(*dbPath) {
		return usagef("backup: %s is the database itself", target)
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()

	// Written next to the target under another name, checked, then moved:
	// a failed backup never leaves a half-written file under the target's name.
	var suffix [6]byte
	if _, err := rand.Read(suffix[:]); err != nil {
		return err
	}
	tmp := filepath.Join(filepath.Dir(target), "."+filepath.Base(target)+".tmp-"+hex.EncodeToString(suffix[:]))
	defer removeDB(tmp)
	if err := db.Backup(ctx, tmp); err != nil {
		return err
	}
	sum, err := checkCopy(ctx, tmp)
	if err != nil {
		return fmt.Errorf("backup: the copy failed its check, nothing written to %s: %w", target, err)
	}
	if err := place(tmp, target, *force); err != nil {
		return err
	}
	info, err := os.Stat(target)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "backup of %s written to %s (%s), integrity ok\n", *dbPath, target, size(info.Size()))
	fmt.Fprintf(m.Stdout, "it holds %d areas, %d chats, %d subscriptions, %d officials' roles, %d broadcasts, %d deliveries\n",
		sum.Areas, sum.Chats, sum.Subscriptions, sum.Roles, sum.Broadcasts, sum.Deliveries)
	return nil
}

// checkCopy opens a copy, runs the integrity check and counts its rows.
func checkCopy(ctx context.Context, path string) (store.Summary, error) {
	c, err := store.Open(path)
	if err != nil {
		return store.Summary{}, err
	}
	defer c.Close()
	if err := c.Check(ctx); err != nil {
		return store.Summary{}, err
	}
	return c.Summarize(ctx)
}

// place moves the checked copy to target: as a new file, failing if one
// appeared meanwhile, unless force allows replacing it.
func place(tmp, target string, force bool) error {
	if force {
		return os.Rename(tmp, target)
	}
	if err := os.Link(tmp, target); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return usagef("backup: %s appeared meanwhile; nothing replaced", target)
		}
		// A file system without hard links: checked above that it does not exist.
		return os.Rename(tmp, target)
	}
	return nil
}

// removeDB removes a database file and its WAL companions, if they exist.
func removeDB(path string) {
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		_ = os.Remove(p)
	}
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func abs(path string) string {
	if p, err := filepath.Abs(path); err == nil {
		return p
	}
	return path
}

// size shows a file size as a person reads it.
func size(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f kB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d bytes", n)
}
