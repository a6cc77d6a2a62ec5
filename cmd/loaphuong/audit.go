package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/loaphuong/loaphuong/store"
)

// audit runs "audit [--user ID] [--limit N]": the latest entries of the
// audit log, newest first, so an operator can see who did what.
func (m *Main) audit(ctx context.Context, args []string) error {
	fs := m.flagSet("audit [--db FILE] [--user ID] [--limit 50]",
		"Prints the latest entries of the audit log, newest first: every action of the officials\n"+
			"and of the command line, and every refusal.")
	dbPath := m.dbFlag(fs)
	user := fs.Int64("user", 0, "only this Telegram user's actions (0: everyone's; the command line is user 0 in the list)")
	limit := fs.Int("limit", 50, "how many entries, at most")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("audit: unexpected argument %q", fs.Arg(0))
	}
	if *user < 0 || *limit <= 0 {
		return usagef("audit: --user must be a Telegram user id and --limit above 0")
	}
	if !exists(*dbPath) {
		return usagef("audit: no database at %s (set --db or LOAPHUONG_DB)", *dbPath)
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	entries, err := db.AuditLog(ctx, *user, *limit)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		fmt.Fprintln(m.Stdout, "the audit log is empty")
		return nil
	}
	codes := map[int64]string{0: "-"}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TIME\tWHO\tACTION\tAREA\tDETAIL")
	for _, e := range entries {
		code, ok := codes[e.AreaID]
		if !ok {
			code = fmt.Sprintf("#%d", e.AreaID)
			if a, err := db.AreaByID(ctx, e.AreaID); err == nil {
				code = a.Code
			}
			codes[e.AreaID] = code
		}
		who := "cli"
		if e.Actor != 0 {
			who = fmt.Sprintf("user %d", e.Actor)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", e.At.In(store.Zone).Format("2006-01-02 15:04:05"), who, e.Action, code, e.Detail)
	}
	return tw.Flush()
}
