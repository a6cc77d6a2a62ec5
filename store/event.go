package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Calendar says how an event's date is counted.
type Calendar string

// The calendars of an event's date.
const (
	Solar Calendar = "solar" // dương lịch
	Lunar Calendar = "lunar" // âm lịch, the Vietnamese lunar calendar
)

// DefaultMilestones are the days before an event its countdown reminders go
// out on: 100, 30, 7, 1 days before and on the day.
var DefaultMilestones = []int{100, 30, 7, 1, 0}

// DefaultRemindAt is when an event's reminders go out, in minutes after
// midnight in Zone: 7:00.
const DefaultRemindAt = 7 * 60

// maxMilestone bounds how far ahead a countdown may start.
const maxMilestone = 1000

// Event is a dated occasion with countdown reminders: once, or every year
// by the solar or the lunar calendar (Giỗ Tổ Hùng Vương is 10/3 âm lịch).
type Event struct {
	ID           int64
	CatalogueKey string // set for an entry of the catalogue
	Title        string // plain text
	Text         string // plain text added to its reminders, may be ""
	AreaID       int64  // 0: everywhere
	AreaCode     string // read only
	AreaName     string // read only
	Calendar     Calendar
	Year         int // 0: every year; otherwise the one year (lunar year for a lunar date)
	Month, Day   int
	// Since is the year it commemorates (1975 for 30/4), 0 if none: the
	// occurrence of 2027 is its 52nd anniversary, "kỷ niệm 52 năm".
	Since int
	// Milestones are the days before it that remind, 0 being the day
	// itself, from the furthest; none: shown in lists, never reminded.
	Milestones []int
	RemindAt   int  // minutes after midnight in Zone
	Off        bool // neither shown nor reminded
	CreatedBy  int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// FormatMilestones writes milestones as they are stored and typed: "100,30,7,1,0".
func FormatMilestones(ms []int) string {
	parts := make([]string, len(ms))
	for i, m := range ms {
		parts[i] = strconv.Itoa(m)
	}
	return strings.Join(parts, ",")
}

// ParseMilestones reads "100,30,7,1,0" (any order, spaces allowed) into
// days before, from the furthest; "" is none.
func ParseMilestones(s string) ([]int, error) {
	var ms []int
	for _, p := range strings.Split(s, ",") {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		n, err := strconv.Atoi(p)
		if err != nil || n < 0 || n > maxMilestone {
			return nil, Errorf(EINVALID, "milestone %q: want a number of days before, 0 to %d", p, maxMilestone)
		}
		if !slices.Contains(ms, n) {
			ms = append(ms, n)
		}
	}
	slices.Sort(ms)
	slices.Reverse(ms)
	return ms, nil
}

// checkEvent trims e and says what is wrong with it.
func checkEvent(e *Event) error {
	var err error
	if e.Title, err = checkText("title", e.Title, MaxCampaignTitle); err != nil {
		return err
	}
	if e.Text = strings.TrimSpace(e.Text); len([]rune(e.Text)) > MaxCampaignText {
		return Errorf(EINVALID, "the text is longer than %d characters", MaxCampaignText)
	}
	if e.Year != 0 && (e.Year < 1900 || e.Year > 2100) {
		return Errorf(EINVALID, "year %d: want 1900 to 2100, or none for every year", e.Year)
	}
	if e.Month < 1 || e.Month > 12 {
		return Errorf(EINVALID, "month %d: want 1 to 12", e.Month)
	}
	switch e.Calendar {
	case Solar:
		year := e.Year
		if year == 0 {
			year = 2024 // a leap year: 29/2 is a yearly date, in leap years
		}
		if e.Day < 1 || time.Date(year, time.Month(e.Month), e.Day, 0, 0, 0, 0, time.UTC).Day() != e.Day {
			return Errorf(EINVALID, "%d/%d is not a date", e.Day, e.Month)
		}
	case Lunar:
		if e.Day < 1 || e.Day > 30 {
			return Errorf(EINVALID, "lunar day %d: want 1 to 30", e.Day)
		}
	default:
		return Errorf(EINVALID, "calendar %q: want solar or lunar", e.Calendar)
	}
	if e.Since != 0 && (e.Since < 1 || (e.Year != 0 && e.Since > e.Year)) {
		return Errorf(EINVALID, "since %d: want the year it commemorates", e.Since)
	}
	for _, m := range e.Milestones {
		if m < 0 || m > maxMilestone {
			return Errorf(EINVALID, "milestone %d: want 0 to %d days before", m, maxMilestone)
		}
	}
	if e.Milestones, err = ParseMilestones(FormatMilestones(e.Milestones)); err != nil {
		return err
	}
	if e.RemindAt < 0 || e.RemindAt >= 24*60 {
		return Errorf(EINVALID, "reminder time %d: want minutes after midnight", e.RemindAt)
	}
	return nil
}

// CreateEvent stores an event and records it in the audit log. It sets e.ID.
func (db *DB) CreateEvent(ctx context.Context, e *Event) error {
	if err := checkEvent(e); err != nil {
		return err
	}
	now := db.now()
	return db.update(ctx, func(tx querier) error {
		if e.AreaID != 0 {
			a, err := liveAreaByID(ctx, tx, e.AreaID)
			if err != nil {
				return err
			}
			e.AreaCode, e.AreaName = a.Code, a.Name
		}
		if err := insertEvent(ctx, tx, e, now); err != nil {
			return err
		}
		if err := audit(ctx, tx, AuditEntry{Actor: e.CreatedBy, Action: "event_create", AreaID: e.AreaID,
			Detail: fmt.Sprintf("#%d %q", e.ID, e.Title)}, now); err != nil {
			return err
		}
		return bumpSchedules(ctx, tx)
	})
}

// insertEvent inserts a checked event and sets its id and times.
func insertEvent(ctx context.Context, tx querier, e *Event, now time.Time) error {
	var key any
	if e.CatalogueKey != "" {
		key = e.CatalogueKey
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO events (catalogue_key, title, text, area_id, calendar, year, month, day, since,
			milestones, remind_at, off, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		key, e.Title, e.Text, nullID(e.AreaID), e.Calendar, e.Year, e.Month, e.Day, e.Since,
		FormatMilestones(e.Milestones), e.RemindAt, e.Off, e.CreatedBy, formatTime(now), formatTime(now))
	if err != nil {
		return fmt.Errorf("create event: %w", err)
	}
	if e.ID, err = res.LastInsertId(); err != nil {
		return err
	}
	e.CreatedAt, e.UpdatedAt = now, now
	return nil
}

// DeleteEvent removes an event, and records it in the audit log with the actor.
func (db *DB) DeleteEvent(ctx context.Context, id, actor int64) error {
	now := db.now()
	return db.update(ctx, func(tx querier) error {
		var title string
		var areaID int64
		err := tx.QueryRowContext(ctx, `SELECT title, COALESCE(area_id, 0) FROM events WHERE id = ?`, id).Scan(&title, &areaID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "event %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("event %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM events WHERE id = ?`, id); err != nil {
			return fmt.Errorf("delete event %d: %w", id, err)
		}
		if err := audit(ctx, tx, AuditEntry{Actor: actor, Action: "event_delete", AreaID: areaID, Detail: fmt.Sprintf("#%d %q", id, title)}, now); err != nil {
			return err
		}
		return bumpSchedules(ctx, tx)
	})
}

// eventColumns are the columns scanEvent reads, from events e LEFT JOIN areas a.
const eventColumns = `e.id, COALESCE(e.catalogue_key, ''), e.title, e.text, COALESCE(e.area_id, 0), COALESCE(a.code, ''), COALESCE(a.name, ''),
	e.calendar, e.year, e.month, e.day, e.since, e.milestones, e.remind_at, e.off, e.created_by, e.created_at, e.updated_at`

func scanEvent(s scanner) (Event, error) {
	var e Event
	var ms, created, updated string
	err := s.Scan(&e.ID, &e.CatalogueKey, &e.Title, &e.Text, &e.AreaID, &e.AreaCode, &e.AreaName,
		&e.Calendar, &e.Year, &e.Month, &e.Day, &e.Since, &ms, &e.RemindAt, &e.Off, &e.CreatedBy, &created, &updated)
	if err != nil {
		return e, err
	}
	if e.Milestones, err = ParseMilestones(ms); err != nil {
		return e, err
	}
	if e.CreatedAt, err = parseTime(created); err != nil {
		return e, err
	}
	if e.UpdatedAt, err = parseTime(updated); err != nil {
		return e, err
	}
	return e, nil
}

// Events returns the events, the ones switched off only when asked, in
// the order they were made.
func (db *DB) Events(ctx context.Context, withOff bool) ([]Event, error) {
	return db.queryEvents(ctx, `WHERE ?1 OR e.off = 0 ORDER BY e.id`, withOff)
}

// EventByID returns an event.
func (db *DB) EventByID(ctx context.Context, id int64) (*Event, error) {
	es, err := db.queryEvents(ctx, `WHERE e.id = ?1`, id)
	if err != nil {
		return nil, err
	}
	if len(es) == 0 {
		return nil, Errorf(ENOTFOUND, "event %d not found", id)
	}
	return &es[0], nil
}

func (db *DB) queryEvents(ctx context.Context, where string, args ...any) ([]Event, error) {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT `+eventColumns+` FROM events e LEFT JOIN areas a ON a.id = e.area_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read events: %w", err)
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		e, err := scanEvent(rows)
		if err != nil {
			return nil, fmt.Errorf("read events: %w", err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
