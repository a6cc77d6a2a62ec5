package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// events runs "events upcoming|add|list|remove".
func (m *Main) events(ctx context.Context, args []string) error {
	const want = "want \"events upcoming --days N [--area CODE]\", \"events add\", \"events list\" or \"events remove ID\""
	if len(args) == 0 {
		return usagef("events: %s", want)
	}
	switch args[0] {
	case "upcoming":
		return m.eventsUpcoming(ctx, args[1:])
	case "add":
		return m.eventsAdd(ctx, args[1:])
	case "list":
		return m.eventsList(ctx, args[1:])
	case "remove":
		return m.eventsRemove(ctx, args[1:])
	default:
		return usagef("events: unknown command %q: %s", args[0], want)
	}
}

// eventsFor returns the events that reach an area (those of the area and
// of every area above it, and those everywhere), or all of them when area
// is nil.
func eventsFor(ctx context.Context, db *store.DB, area *store.Area) ([]store.Event, error) {
	all, err := db.Events(ctx, false)
	if err != nil || area == nil {
		return all, err
	}
	path, err := db.AreaPath(ctx, area.ID)
	if err != nil {
		return nil, err
	}
	reach := map[int64]bool{0: true}
	for _, a := range path {
		reach[a.ID] = true
	}
	var out []store.Event
	for _, e := range all {
		if reach[e.AreaID] {
			out = append(out, e)
		}
	}
	return out, nil
}

func (m *Main) eventsUpcoming(ctx context.Context, args []string) error {
	fs := m.flagSet("events upcoming --days N [--area CODE]",
		"Prints the days of events coming in the next N days, one line each, soonest first:\n"+
			"the national and lunar days of the catalogue and the events added for areas.\n"+
			"With --area, only those that reach the area (its own, those of the areas above it,\n"+
			"and those everywhere).")
	dbPath := m.dbFlag(fs)
	days := fs.Int("days", 30, "how many days ahead to look")
	code := fs.String("area", "", "code of an area (see \"loaphuong areas list\")")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("events upcoming: unexpected argument %q", fs.Arg(0))
	}
	if *days < 0 || *days > 3660 {
		return usagef("events upcoming: --days %d: want 0 to 3660", *days)
	}
	db, err := openWithCatalogue(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	var area *store.Area
	if c := strings.TrimSpace(*code); c != "" {
		if area, err = db.AreaByCode(ctx, c); store.ErrorCode(err) == store.ENOTFOUND {
			return usagef("events upcoming: no area with code %q; see \"loaphuong areas list\"", c)
		} else if err != nil {
			return err
		}
	}
	events, err := eventsFor(ctx, db, area)
	if err != nil {
		return err
	}
	now := time.Now()
	list := scheduler.Upcoming(events, now, *days)
	if len(list) == 0 {
		fmt.Fprintf(m.Stdout, "no events in the next %d days\n", *days)
		return nil
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "DATE\tIN\tEVENT\tAREA\tREMINDERS (days before)")
	for _, o := range list {
		when := o.Date.Format("2006-01-02")
		if o.Event.Calendar == store.Lunar {
			when += fmt.Sprintf(" (%d/%d âm lịch)", o.Lunar.Day, o.Lunar.Month)
		}
		in := fmt.Sprintf("%d days", scheduler.DaysUntil(o, now))
		switch scheduler.DaysUntil(o, now) {
		case 0:
			in = "today"
		case 1:
			in = "tomorrow"
		}
		where := "everywhere"
		if o.Event.AreaID != 0 {
			where = o.Event.AreaCode
		}
		reminders := store.FormatMilestones(o.Event.Milestones)
		if reminders == "" {
			reminders = "none"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", when, in, o.Name(), where, reminders)
	}
	return tw.Flush()
}

func (m *Main) eventsAdd(ctx context.Context, args []string) error {
	fs := m.flagSet("events add --title TITLE --date D/M[/YYYY] [--lunar] [--area CODE] [--since YEAR] [--milestones LIST] [--at HH:MM] [--text TEXT]",
		"Adds an event: a day, once (D/M/YYYY) or every year (D/M), in the solar calendar or with\n"+
			"--lunar the Vietnamese lunar one, with countdown reminders to its area (everywhere\n"+
			"without --area) the given days before it (0 is the day itself). With --since, its\n"+
			"reminders name the anniversary: \"kỷ niệm 52 năm\" on 30/4/2027 for --since 1975.")
	dbPath := m.dbFlag(fs)
	title := fs.String("title", "", "the event's name (plain text)")
	date := fs.String("date", "", "D/M for every year, D/M/YYYY for one year")
	isLunar := fs.Bool("lunar", false, "the date is in the lunar calendar (âm lịch)")
	code := fs.String("area", "", "code of the area it belongs to (default: everywhere)")
	since := fs.Int("since", 0, "the year it commemorates, for the anniversary number")
	milestones := fs.String("milestones", store.FormatMilestones(store.DefaultMilestones), "days before it to remind on, comma-separated; \"\" for none")
	at := fs.String("at", scheduler.FormatClock(store.DefaultRemindAt), "time of day of the reminders, HH:MM in Asia/Ho_Chi_Minh")
	text := fs.String("text", "", "text added to its reminders (plain text)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("events add: unexpected argument %q", fs.Arg(0))
	}
	e := &store.Event{Title: *title, Text: *text, Calendar: store.Solar, Since: *since}
	if *isLunar {
		e.Calendar = store.Lunar
	}
	var err error
	if e.Day, e.Month, e.Year, err = scheduler.ParseDayMonth(*date); err != nil {
		return usagef("events add: --date: %v", err)
	}
	if e.Milestones, err = store.ParseMilestones(*milestones); err != nil {
		return usagef("events add: --milestones: %s", store.ErrorMessage(err))
	}
	if e.RemindAt, err = scheduler.ParseClock(*at); err != nil {
		return usagef("events add: --at: %v", err)
	}
	db, err := openWithCatalogue(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	where := "everywhere"
	if c := strings.TrimSpace(*code); c != "" {
		a, err := db.AreaByCode(ctx, c)
		if store.ErrorCode(err) == store.ENOTFOUND {
			return usagef("events add: no area with code %q; see \"loaphuong areas list\"", c)
		}
		if err != nil {
			return err
		}
		e.AreaID, where = a.ID, a.Name
	}
	if err := db.CreateEvent(ctx, e); err != nil {
		if c := store.ErrorCode(err); c == store.EINVALID || c == store.ENOTFOUND {
			return usagef("events add: %s; nothing was stored", store.ErrorMessage(err))
		}
		return err
	}
	fmt.Fprintf(m.Stdout, "event #%d %q (%s), %s\n", e.ID, e.Title, where, describeDate(*e))
	if o, ok := scheduler.NextOccurrence(*e, time.Now()); ok {
		fmt.Fprintf(m.Stdout, "next on %s: %s\n", o.Date.Format("2006-01-02"), o.Name())
	} else {
		fmt.Fprintln(m.Stdout, "its day has passed: it will not occur")
	}
	return nil
}

// describeDate says when an event is, for the command line.
func describeDate(e store.Event) string {
	s := fmt.Sprintf("%d/%d", e.Day, e.Month)
	if e.Year != 0 {
		s += fmt.Sprintf("/%d", e.Year)
	} else {
		s += " every year"
	}
	if e.Calendar == store.Lunar {
		s += " (lunar)"
	}
	return s
}

func (m *Main) eventsList(ctx context.Context, args []string) error {
	fs := m.flagSet("events list", "Lists the events, those of the catalogue included, with their dates and reminders.")
	dbPath := m.dbFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	db, err := openWithCatalogue(ctx, *dbPath)
	if err != nil {
		return err
	}
	defer db.Close()
	events, err := db.Events(ctx, true)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(m.Stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tKEY\tDATE\tSINCE\tREMINDERS\tAT\tAREA\tTITLE")
	for _, e := range events {
		key, since, area, reminders := e.CatalogueKey, "-", "everywhere", store.FormatMilestones(e.Milestones)
		if key == "" {
			key = "-"
		}
		if e.Since != 0 {
			since = strconv.Itoa(e.Since)
		}
		if e.AreaID != 0 {
			area = e.AreaCode
		}
		if e.Off {
			reminders = "off"
		} else if reminders == "" {
			reminders = "none"
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.ID, key, describeDate(e), since, reminders, scheduler.FormatClock(e.RemindAt), area, e.Title)
	}
	return tw.Flush()
}

func (m *Main) eventsRemove(ctx context.Context, args []string) error {
	fs := m.flagSet("events remove ID", "Removes an event. Events of the catalogue are switched off in the catalogue instead.")
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
		return usagef("events remove: want the event's number, as \"loaphuong events list\" shows it")
	}
	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()
	e, err := db.EventByID(ctx, id)
	if store.ErrorCode(err) == store.ENOTFOUND {
		return usagef("events remove: no event #%d", id)
	}
	if err != nil {
		return err
	}
	if e.CatalogueKey != "" {
		return usagef("events remove: #%d is the catalogue's %q: set off to 1 on its line and run \"loaphuong catalogue import\"", id, e.CatalogueKey)
	}
	if err := db.DeleteEvent(ctx, id, 0); err != nil {
		return err
	}
	fmt.Fprintf(m.Stdout, "event #%d removed\n", id)
	return nil
}
