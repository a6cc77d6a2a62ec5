package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// campaigns runs "campaigns add|list|pause|resume|end".
func (m *Main) campaigns(ctx context.Context, args []string) error {
	const want = "want \"campaigns add\", \"campaigns list\", or \"campaigns pause|resume|end ID\""
	if len(args) == 0 {
		return usagef("campaigns: %s", want)
	}
	switch args[0] {
	case "add":
		return m.campaignsAdd(ctx, args[1:])
	case "list":
		return m.campaignsList(ctx, args[1:])
	case "pause":
		return m.campaignStatus(ctx, "pause", store.CampaignPaused, args[1:])
	case "resume":
		return m.campaignStatus(ctx, "resume", store.CampaignActive, args[1:])
	case "end":
		return m.campaignStatus(ctx, "end", store.CampaignEnded, args[1:])
	default:
		return usagef("campaigns: unknown command %q: %s", args[0], want)
	}
}

// openWithCatalogue opens the database and lays the built-in catalogue
// under it, so its entries are there before the first serve.
func openWithCatalogue(ctx context.Context, path string) (*store.DB, error) {
	db, err := store.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", path, err)
	}
	if _, err := scheduler.EnsureCatalogue(ctx, db); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

func (m *Main) campaignsAdd(ctx context.Context, args []string) error {
	fs := m.flagSet("campaigns add --area CODE --title TITLE --text TEXT --schedule SPEC [--from DATE] [--until DATE]",
		"Adds a campaign: a reminder sent to the subscribers of the areas (and of every area below\n"+
			"them) who chose reminders, on a schedule in Asia/Ho_Chi_Minh, between two days.\n"+
			"SPEC is a preset (\""+strings.Join(scheduler.Presets, "\", \"")+"\",\n"+
			"or variants such as \"mỗi tối thứ Bảy 19:30\", \"ngày 15 hằng tháng 8:00\", \"rằm âm lịch\")\n"+
			"or a 5-field cron expression (minute hour day month weekday).\n"+
			"--catalogue KEY turns on a campaign of the built-in catalogue (\"loaphuong catalogue export\")\n"+
			"with its title, text and suggested schedule, each of which the flags may change.")
	dbPath := m.dbFlag(fs)
	areaList := fs.String("area", "", "code of the area, or several separated by commas (see \"loaphuong areas list\")")
	title := fs.String("title", "", "the campaign's title (plain text)")
	text := fs.String("text", "", "the reminder's text (plain text)")
	spec := fs.String("schedule", "", "when to remind: a preset or a cron expression, in Asia/Ho_Chi_Minh")
	from := fs.String("from", "", "first day to remind on, YYYY-MM-DD (default: from now)")
	until := fs.String("until", "", "last day to remind on, YYYY-MM-DD (default: until ended)")
	key := fs.String("catalogue", "", "key of a campaign in the catalogue to turn on for the areas")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("campaigns add: unexpected argument %q", fs.Arg(0))
	}
	var codes []string
	for c := range strings.SplitSeq(*areaList, ",") {
		if c = strings.TrimSpace(c); c != "" {
			codes = append(codes, c)
		}
	}
	if len(codes) == 0 {
		return usagef("campaigns add: --area CODE is required (see \"loaphuong areas list\")")
	}
	c := &store.Campaign{Title: *title, Text: *text}
	var err error
	if c.From, err = scheduler.ParseDay(*from); err != nil {
		return usagef("campaigns add: --from: %v", err)
	}
	if c.Until, err = scheduler.ParseDay(*until); err != nil {
		return usagef("campaigns add: --until: %v", err)
	}
	db, err := openWithCatalogue(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	if *key != "" {
		t, err := db.CampaignTemplate(ctx, *key)
		if store.ErrorCode(err) == store.ENOTFOUND {
			return usagef("campaigns add: no campaign %q in the catalogue; see \"loaphuong catalogue export\"", *key)
		}
		if err != nil {
			return err
		}
		c.CatalogueKey = t.Key
		if c.Title == "" {
			c.Title = t.Title
		}
		if c.Text == "" {
			c.Text = t.Text
		}
		if *spec == "" {
			*spec = t.Schedule
		}
		if c.From.IsZero() {
			c.From = t.From
		}
		if c.Until.IsZero() {
			c.Until = t.Until
		}
	}
	switch {
	case strings.TrimSpace(c.Title) == "":
		return usagef("campaigns add: --title is required")
	case strings.TrimSpace(c.Text) == "":
		return usagef("campaigns add: --text is required")
	case strings.TrimSpace(*spec) == "":
		return usagef("campaigns add: --schedule is required: a preset (%s) or a cron expression", strings.Join(scheduler.Presets, "; "))
	}
	sched, err := scheduler.Parse(*spec)
	if err != nil {
		return usagef("campaigns add: --schedule: %v", err)
	}
	if !c.Until.IsZero() && c.Until.Before(midnightOf(time.Now())) {
		return usagef("campaigns add: --until %s has passed", c.Until.Format("2006-01-02"))
	}
	var areas []*store.Area
	for _, code := range codes {
		a, err := db.AreaByCode(ctx, code)
		if store.ErrorCode(err) == store.ENOTFOUND {
			return usagef("campaigns add: no area with code %q; see \"loaphuong areas list\"", code)
		}
		if err != nil {
			return err
		}
		areas = append(areas, a)
		c.Schedules = append(c.Schedules, store.CampaignSchedule{AreaID: a.ID, Spec: strings.TrimSpace(*spec)})
	}
	if err := db.CreateCampaign(ctx, c); err != nil {
		if code := store.ErrorCode(err); code == store.EINVALID || code == store.ENOTFOUND {
			return usagef("campaigns add: %s; nothing was stored", store.ErrorMessage(err))
		}
		return err
	}
	names := make([]string, len(areas))
	for i, a := range areas {
		names[i] = a.Name
	}
	fmt.Fprintf(m.Stdout, "campaign #%d %q for %s, %s\n", c.ID, c.Title, strings.Join(names, ", "), *spec)
	if next := scheduler.NextWithin(sched, c.From, c.Until, time.Now()); !next.IsZero() {
		fmt.Fprintf(m.Stdout, "first reminder at %s; a running \"loaphuong serve\" on %s sends it\n", formatWhen(next), *dbPath)
	} else {
		fmt.Fprintln(m.Stdout, "it has no reminder left before its last day")
	}
	return nil
}

// midnightOf is the start of t's day in Asia/Ho_Chi_Minh.
func midnightOf(t time.Time) time.Time {
	t = t.In(vietnam)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, vietnam)
}

func (m *Main) campaignsList(ctx context.Context, args []string) error {
	fs := m.flagSet("campaigns list [--all]", "Lists the campaigns with their areas, schedules and next reminder.")
	dbPath := m.dbFlag(fs)
	all := fs.Bool("all", false, "also list the campaigns that have ended")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("campaigns list: unexpected argument %q", fs.Arg(0))
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	cs, err := db.Campaigns(ctx, *all)
	if err != nil {
		return err
	}
	if len(cs) == 0 {
		fmt.Fprintln(m.Stdout, "no campaigns yet: add one with \"loaphuong campaigns add\"")
		return nil
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATUS\tTITLE\tAREA\tSCHEDULE\tDAYS\tNEXT")
	now := time.Now()
	for _, c := range cs {
		days := dayRange(c.From, c.Until)
		for i, s := range c.Schedules {
			next := "-"
			if sched, err := scheduler.Parse(s.Spec); err == nil && c.Status == store.CampaignActive {
				if t := scheduler.NextWithin(sched, c.From, c.Until, now); !t.IsZero() {
					next = t.In(vietnam).Format("2006-01-02 15:04")
				}
			}
			id, status, title := fmt.Sprint(c.ID), string(c.Status), truncateRunes(c.Title, 50)
			if i > 0 {
				id, status, title, days = "", "", "", ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", id, status, title, s.AreaCode, s.Spec, days, next)
		}
	}
	return tw.Flush()
}

// dayRange shows a campaign's days.
func dayRange(from, until time.Time) string {
	f, u := "…", "…"
	if !from.IsZero() {
		f = from.Format("2006-01-02")
	}
	if !until.IsZero() {
		u = until.Format("2006-01-02")
	}
	if from.IsZero() && until.IsZero() {
		return "always"
	}
	return f + " to " + u
}

// truncateRunes cuts s to n characters, marking the cut.
func truncateRunes(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// campaignStatus runs "campaigns pause|resume|end ID".
func (m *Main) campaignStatus(ctx context.Context, verb string, status store.CampaignStatus, args []string) error {
	fs := m.flagSet("campaigns "+verb+" ID", map[string]string{
		"pause":  "Pauses a campaign: no reminder until it is resumed, and none is caught up for the pause.",
		"resume": "Resumes a paused campaign from now on.",
		"end":    "Ends a campaign for good.",
	}[verb])
	dbPath := m.dbFlag(fs)
	var idArg string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		idArg, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if idArg == "" && fs.NArg() > 0 {
		idArg = fs.Arg(0)
	}
	id, err := strconv.ParseInt(strings.TrimPrefix(idArg, "#"), 10, 64)
	if err != nil || id <= 0 {
		return usagef("campaigns %s: want the campaign's number, as \"loaphuong campaigns list\" shows it", verb)
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	if err := db.SetCampaignStatus(ctx, id, status, 0); err != nil {
		var e *store.Error
		if errors.As(err, &e) && e.Code != store.EINTERNAL {
			return usagef("campaigns %s: %s", verb, e.Message)
		}
		return err
	}
	fmt.Fprintf(m.Stdout, "campaign #%d %s\n", id, map[string]string{"pause": "paused", "resume": "resumed", "end": "ended"}[verb])
	return nil
}
