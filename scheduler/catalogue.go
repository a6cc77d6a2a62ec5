package scheduler

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// catalogueCSV is the built-in catalogue: the movements and campaigns of
// the city (off until an official turns one on for an area) and the
// national and lunar days (events everywhere).
//
//go:embed catalogue.csv
var catalogueCSV []byte

// catalogueHeader is the header of a catalogue file, in this order.
var catalogueHeader = []string{"kind", "key", "title", "calendar", "date", "since", "milestones", "time", "schedule", "from", "until", "off", "text"}

// BuiltinCatalogue returns the catalogue shipped with the program.
func BuiltinCatalogue() []store.CatalogueEntry {
	entries, err := ReadCatalogue(bytes.NewReader(catalogueCSV))
	if err != nil {
		panic("scheduler: the built-in catalogue is broken: " + err.Error())
	}
	return entries
}

// EnsureCatalogue adds the entries of the built-in catalogue that the
// database does not have yet, leaving an operator's edits alone, and
// returns how many it added.
func EnsureCatalogue(ctx context.Context, db *store.DB) (int, error) {
	added, _, err := db.ImportCatalogue(ctx, BuiltinCatalogue(), false)
	return added, err
}

// ReadCatalogue reads a catalogue file (CSV, with the header of
// WriteCatalogue). Dates are D/M for every year or D/M/YYYY for one year,
// in the solar or lunar calendar; time is HH:MM; from and until are
// YYYY-MM-DD; off is 1, true or yes. An error names the line.
func ReadCatalogue(r io.Reader) ([]store.CatalogueEntry, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("the catalogue is empty: want the header %s", strings.Join(catalogueHeader, ","))
	}
	if err != nil {
		return nil, fmt.Errorf("catalogue: %w", err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))] = i
	}
	for _, h := range []string{"kind", "key", "title"} {
		if _, ok := col[h]; !ok {
			return nil, fmt.Errorf("catalogue line 1: no column %q: want the header %s", h, strings.Join(catalogueHeader, ","))
		}
	}
	var out []store.CatalogueEntry
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			return nil, fmt.Errorf("catalogue: %w", err)
		}
		get := func(name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.Join(rec, "") == "" {
			continue
		}
		e, err := readEntry(get)
		if err != nil {
			return nil, fmt.Errorf("catalogue line %d (%s): %w", line, get("key"), err)
		}
		out = append(out, e)
	}
}

// readEntry reads one line of a catalogue.
func readEntry(get func(string) string) (store.CatalogueEntry, error) {
	e := store.CatalogueEntry{Kind: strings.ToLower(get("kind")), Key: get("key"), Title: get("title"), Text: get("text")}
	switch strings.ToLower(get("off")) {
	case "", "0", "false", "no":
	case "1", "true", "yes", "off":
		e.Off = true
	default:
		return e, fmt.Errorf("off %q: want 1 or nothing", get("off"))
	}
	var err error
	switch e.Kind {
	case store.EntryEvent:
		switch strings.ToLower(get("calendar")) {
		case "solar", "duong", "dương lịch", "":
			e.Calendar = store.Solar
		case "lunar", "am", "âm lịch":
			e.Calendar = store.Lunar
		default:
			return e, fmt.Errorf("calendar %q: want solar or lunar", get("calendar"))
		}
		if e.Day, e.Month, e.Year, err = ParseDayMonth(get("date")); err != nil {
			return e, err
		}
		if s := get("since"); s != "" {
			if e.Since, err = strconv.Atoi(s); err != nil {
				return e, fmt.Errorf("since %q: want a year", s)
			}
		}
		if e.Milestones, err = store.ParseMilestones(get("milestones")); err != nil {
			return e, errors.New(store.ErrorMessage(err))
		}
		e.RemindAt = store.DefaultRemindAt
		if s := get("time"); s != "" {
			if e.RemindAt, err = ParseClock(s); err != nil {
				return e, err
			}
		}
	case store.EntryCampaign:
		e.Schedule = get("schedule")
		if e.Schedule != "" {
			if _, err := Parse(e.Schedule); err != nil {
				return e, err
			}
		}
		if e.From, err = ParseDay(get("from")); err != nil {
			return e, err
		}
		if e.Until, err = ParseDay(get("until")); err != nil {
			return e, err
		}
	default:
		return e, fmt.Errorf("kind %q: want campaign or event", get("kind"))
	}
	return e, nil
}

// WriteCatalogue writes entries as a catalogue file that ReadCatalogue reads back.
func WriteCatalogue(w io.Writer, entries []store.CatalogueEntry) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(catalogueHeader); err != nil {
		return err
	}
	for _, e := range entries {
		off := ""
		if e.Off {
			off = "1"
		}
		rec := []string{e.Kind, e.Key, e.Title, "", "", "", "", "", e.Schedule, formatDay(e.From), formatDay(e.Until), off, e.Text}
		if e.Kind == store.EntryEvent {
			rec[3] = string(e.Calendar)
			rec[4] = fmt.Sprintf("%d/%d", e.Day, e.Month)
			if e.Year != 0 {
				rec[4] += fmt.Sprintf("/%d", e.Year)
			}
			if e.Since != 0 {
				rec[5] = strconv.Itoa(e.Since)
			}
			rec[6] = store.FormatMilestones(e.Milestones)
			rec[7] = FormatClock(e.RemindAt)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ParseDayMonth reads "30/4" (every year) or "30/4/2025" (one year).
func ParseDayMonth(s string) (day, month, year int, err error) {
	parts := strings.Split(strings.TrimSpace(s), "/")
	if len(parts) < 2 || len(parts) > 3 {
		return 0, 0, 0, fmt.Errorf("date %q: want D/M or D/M/YYYY", s)
	}
	nums := make([]int, len(parts))
	for i, p := range parts {
		if nums[i], err = strconv.Atoi(strings.TrimSpace(p)); err != nil {
			return 0, 0, 0, fmt.Errorf("date %q: want D/M or D/M/YYYY", s)
		}
	}
	if len(nums) == 3 {
		year = nums[2]
	}
	return nums[0], nums[1], year, nil
}

// ParseClock reads a time of day, "7:00" or "19:30", as minutes after midnight.
func ParseClock(s string) (int, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, fmt.Errorf("time %q: want HH:MM", s)
	}
	return t.Hour()*60 + t.Minute(), nil
}

// FormatClock writes minutes after midnight as "07:00".
func FormatClock(minutes int) string { return fmt.Sprintf("%02d:%02d", minutes/60, minutes%60) }

// ParseDay reads a day, YYYY-MM-DD, in Zone; "" is the zero time.
func ParseDay(s string) (time.Time, error) {
	if s = strings.TrimSpace(s); s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation("2006-01-02", s, store.Zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("day %q: want YYYY-MM-DD", s)
	}
	return t, nil
}

// formatDay writes a day as YYYY-MM-DD, the zero time as "".
func formatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(store.Zone).Format("2006-01-02")
}
