package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// prune runs "prune --older-than AGE": it deletes finished broadcasts and
// their deliveries, which otherwise grow by one row per chat per broadcast.
func (m *Main) prune(ctx context.Context, args []string) error {
	fs := m.flagSet("prune [--db FILE] [--older-than 180d]",
		"Deletes the broadcasts that finished (delivered or cancelled) longer ago than --older-than,\n"+
			"with their delivery rows. Broadcasts still pending are never touched, and reminders\n"+
			"keep the record that they fired. Take a backup first.")
	dbPath := m.dbFlag(fs)
	age := fs.String("older-than", "180d", "how long ago a broadcast finished to be deleted: days (90d) or a Go duration (2160h); at least 1 day")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("prune: unexpected argument %q", fs.Arg(0))
	}
	d, err := parseAge(*age)
	if err != nil {
		return usagef("prune: --older-than %q: %v", *age, err)
	}
	if !exists(*dbPath) {
		return usagef("prune: no database at %s (set --db or LOAPHUONG_DB)", *dbPath)
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	before := time.Now().Add(-d)
	b, n, err := db.PruneBroadcasts(ctx, before)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "deleted %d broadcasts and %d deliveries that finished before %s\n",
		b, n, before.In(store.Zone).Format("2006-01-02 15:04"))
	return nil
}

// parseAge reads "90d" as 90 days, or a Go duration such as "2160h".
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil {
			return 0, fmt.Errorf("want a number of days such as 90d")
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("want days such as 90d or a duration such as 2160h")
		}
	}
	if d < 24*time.Hour {
		return 0, fmt.Errorf("want at least one day")
	}
	return d, nil
}
