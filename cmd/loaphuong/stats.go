package main

import (
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/loaphuong/loaphuong/store"
)

// stats runs "stats": subscribers per area with their growth, and how the
// latest broadcasts were delivered.
func (m *Main) stats(ctx context.Context, args []string) error {
	fs := m.flagSet("stats [--db FILE] [--area CODE] [--broadcasts N]",
		"Shows, for every area (or one area and those inside it), how many chats receive what is\n"+
			"sent there and how subscriptions changed over the last 7 and 30 days; then the\n"+
			"delivery of the latest broadcasts.")
	dbPath := m.dbFlag(fs)
	code := fs.String("area", "", "only this area and the areas inside it")
	recent := fs.Int("broadcasts", 10, "how many of the latest broadcasts to show")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("stats: unexpected argument %q", fs.Arg(0))
	}
	if *recent < 0 {
		return usagef("stats: --broadcasts %d: want 0 or more", *recent)
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	all, err := db.AreaStats(ctx)
	if err != nil {
		return err
	}
	var scope []int64 // nil: everything
	if c := strings.TrimSpace(*code); c != "" {
		a, err := db.AreaByCode(ctx, c)
		if store.ErrorCode(err) == store.ENOTFOUND {
			return usagef("stats: no area with code %q; see \"loaphuong areas list\"", c)
		}
		if err != nil {
			return err
		}
		all = subtreeStats(all, a.ID)
		scope = []int64{a.ID}
	}
	if len(all) == 0 {
		fmt.Fprintln(m.Stdout, "no areas yet: import some with \"loaphuong areas import FILE.csv\"")
		return nil
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "AREA\tCODE\tSUBSCRIBERS\t7 DAYS\t30 DAYS")
	top := all[0].Depth
	for _, s := range all {
		fmt.Fprintf(tw, "%s%s\t%s\t%d\t%s\t%s\n", strings.Repeat("  ", s.Depth-top), s.Area.Name, s.Area.Code,
			s.Subscribers, growth(s.Joined7, s.Ended7), growth(s.Joined30, s.Ended30))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "\nSUBSCRIBERS: chats that receive what is sent to the area (subscribed to it or to an area inside it).")
	fmt.Fprintln(m.Stdout, "7 DAYS, 30 DAYS: subscriptions made minus subscriptions ended (unsubscribed, /stop, blocked the bot),")
	fmt.Fprintln(m.Stdout, "in the area and inside it, today included; made and ended in parentheses.")
	if *recent == 0 {
		return nil
	}
	bs, err := db.BroadcastsIn(ctx, scope, *recent)
	if err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout)
	if len(bs) == 0 {
		fmt.Fprintln(m.Stdout, "no broadcasts yet")
		return nil
	}
	fmt.Fprintf(m.Stdout, "LATEST %d BROADCASTS\n", len(bs))
	tw = tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tAT (Asia/Ho_Chi_Minh)\tAREA\tTOPIC\tSTATUS\tSENT\tBLOCKED\tFAILED\tPENDING\tSUCCESS")
	for _, b := range bs {
		c := b.Counts
		success := "-"
		if share, ok := c.Success(); ok {
			success = fmt.Sprintf("%.0f%%", share*100)
		}
		fmt.Fprintf(tw, "#%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", b.ID, b.SendAt.In(vietnam).Format("2006-01-02 15:04"),
			b.AreaName, topicEnglish(b.Topic), b.Status, c.Sent, c.Blocked, c.Failed, c.Pending, success)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, "\nSUCCESS: sent, out of sent, blocked and failed.")
	return nil
}

// subtreeStats returns the stats of an area and of the areas inside it:
// in tree order, those that follow it deeper than it.
func subtreeStats(all []store.AreaStat, id int64) []store.AreaStat {
	for i, s := range all {
		if s.Area.ID != id {
			continue
		}
		j := i + 1
		for j < len(all) && all[j].Depth > s.Depth {
			j++
		}
		return all[i:j]
	}
	return nil
}

// growth shows a net change with what made it: "+3 (5/-2)", or "0".
func growth(joined, ended int) string {
	net := joined - ended
	switch {
	case joined == 0 && ended == 0:
		return "0"
	case ended == 0:
		return fmt.Sprintf("%+d", net)
	}
	return fmt.Sprintf("%+d (%d/-%d)", net, joined, ended)
}
