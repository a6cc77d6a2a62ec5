package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// The kinds of catalogue entry.
const (
	EntryCampaign = "campaign" // a template, off until an official turns it on for an area
	EntryEvent    = "event"    // a national or lunar day: an event everywhere
)

// CatalogueEntry is one entry of the built-in catalogue, which an operator
// may export, edit and import: a campaign template, or an event.
type CatalogueEntry struct {
	Kind  string // EntryCampaign or EntryEvent
	Key   string // stable, like an area code: [A-Za-z0-9_-]{1,64}
	Title string
	Text  string
	Off   bool // a template not offered, an event neither shown nor reminded

	// An event's date and countdown, as in Event.
	Calendar   Calendar
	Year       int
	Month, Day int
	Since      int
	Milestones []int
	RemindAt   int

	// A campaign's suggested schedule and days, as in Campaign.
	Schedule    string
	From, Until time.Time
}

// event is the event an entry of kind EntryEvent stands for.
func (c CatalogueEntry) event() Event {
	return Event{CatalogueKey: c.Key, Title: c.Title, Text: c.Text, Calendar: c.Calendar, Year: c.Year, Month: c.Month, Day: c.Day,
		Since: c.Since, Milestones: c.Milestones, RemindAt: c.RemindAt, Off: c.Off}
}

// checkEntry trims an entry and says what is wrong with it.
func checkEntry(c *CatalogueEntry) error {
	c.Key = strings.TrimSpace(c.Key)
	if !codePattern.MatchString(c.Key) {
		return Errorf(EINVALID, "key %q is not 1 to 64 letters, digits, '-' or '_'", c.Key)
	}
	switch c.Kind {
	case EntryEvent:
		e := c.event()
		if err := checkEvent(&e); err != nil {
			return Errorf(EINVALID, "%s: %s", c.Key, ErrorMessage(err))
		}
		c.Title, c.Text, c.Milestones = e.Title, e.Text, e.Milestones
	case EntryCampaign:
		var err error
		if c.Title, err = checkText("title", c.Title, MaxCampaignTitle); err != nil {
			return Errorf(EINVALID, "%s: %s", c.Key, ErrorMessage(err))
		}
		if c.Text, err = checkText("text", c.Text, MaxCampaignText); err != nil {
			return Errorf(EINVALID, "%s: %s", c.Key, ErrorMessage(err))
		}
		c.Schedule = strings.TrimSpace(c.Schedule)
	default:
		return Errorf(EINVALID, "%s: kind %q: want campaign or event", c.Key, c.Kind)
	}
	return nil
}

// ImportCatalogue stores catalogue entries in one transaction: any error
// imports nothing. Entries whose key is new are added; with overwrite the
// others are updated from the file, without it they are left as they are
// (so the built-in catalogue can be laid under an operator's edits on every
// start). Nothing is deleted: an entry is switched off with Off. It returns
// how many entries were added and updated.
func (db *DB) ImportCatalogue(ctx context.Context, entries []CatalogueEntry, overwrite bool) (added, updated int, err error) {
	seen := map[string]bool{}
	for i := range entries {
		if err := checkEntry(&entries[i]); err != nil {
			return 0, 0, err
		}
		if seen[entries[i].Key] {
			return 0, 0, Errorf(EINVALID, "key %q is listed twice", entries[i].Key)
		}
		seen[entries[i].Key] = true
	}
	now := db.now()
	err = db.update(ctx, func(tx querier) error {
		added, updated = 0, 0
		var pos int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(max(position), 0) FROM campaign_templates`).Scan(&pos); err != nil {
			return fmt.Errorf("read catalogue: %w", err)
		}
		for _, c := range entries {
			var isNew bool
			var err error
			switch c.Kind {
			case EntryCampaign:
				pos++
				isNew, err = putTemplate(ctx, tx, c, pos, overwrite, now)
			default:
				isNew, err = putCatalogueEvent(ctx, tx, c, overwrite, now)
			}
			if err != nil {
				return err
			}
			switch {
			case isNew:
				added++
			case overwrite:
				updated++
			}
		}
		if added+updated == 0 {
			return nil
		}
		return bumpSchedules(ctx, tx)
	})
	if err != nil {
		return 0, 0, err
	}
	return added, updated, nil
}

// putTemplate adds or (with overwrite) updates a campaign template.
func putTemplate(ctx context.Context, tx querier, c CatalogueEntry, pos int, overwrite bool, now time.Time) (bool, error) {
	var exists bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM campaign_templates WHERE key = ?)`, c.Key).Scan(&exists); err != nil {
		return false, fmt.Errorf("read catalogue: %w", err)
	}
	if exists && !overwrite {
		return false, nil
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO campaign_templates (key, title, text, schedule, starts_on, ends_on, off, position, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (key) DO UPDATE SET title = excluded.title, text = excluded.text, schedule = excluded.schedule,
			starts_on = excluded.starts_on, ends_on = excluded.ends_on, off = excluded.off, updated_at = excluded.updated_at`,
		c.Key, c.Title, c.Text, c.Schedule, formatDay(c.From), formatDay(c.Until), c.Off, pos, formatTime(now))
	if err != nil {
		return false, fmt.Errorf("store catalogue entry %s: %w", c.Key, err)
	}
	return !exists, nil
}

// putCatalogueEvent adds or (with overwrite) updates the event of an entry.
func putCatalogueEvent(ctx context.Context, tx querier, c CatalogueEntry, overwrite bool, now time.Time) (bool, error) {
	var id int64
	err := tx.QueryRowContext(ctx, `SELECT id FROM events WHERE catalogue_key = ?`, c.Key).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		e := c.event()
		return true, insertEvent(ctx, tx, &e, now)
	}
	if err != nil {
		return false, fmt.Errorf("read catalogue: %w", err)
	}
	if !overwrite {
		return false, nil
	}
	_, err = tx.ExecContext(ctx, `UPDATE events SET title = ?, text = ?, calendar = ?, year = ?, month = ?, day = ?, since = ?,
			milestones = ?, remind_at = ?, off = ?, updated_at = ? WHERE id = ?`,
		c.Title, c.Text, c.Calendar, c.Year, c.Month, c.Day, c.Since, FormatMilestones(c.Milestones), c.RemindAt, c.Off, formatTime(now), id)
	if err != nil {
		return false, fmt.Errorf("update catalogue entry %s: %w", c.Key, err)
	}
	return false, nil
}

// Catalogue returns the catalogue as it is stored: the campaign templates
// in the order they were imported, then the events that have a key.
func (db *DB) Catalogue(ctx context.Context) ([]CatalogueEntry, error) {
	out, err := db.templates(ctx, `ORDER BY position, key`)
	if err != nil {
		return nil, err
	}
	events, err := db.queryEvents(ctx, `WHERE e.catalogue_key IS NOT NULL ORDER BY e.id`)
	if err != nil {
		return nil, err
	}
	for _, e := range events {
		out = append(out, CatalogueEntry{Kind: EntryEvent, Key: e.CatalogueKey, Title: e.Title, Text: e.Text, Off: e.Off,
			Calendar: e.Calendar, Year: e.Year, Month: e.Month, Day: e.Day, Since: e.Since, Milestones: e.Milestones, RemindAt: e.RemindAt})
	}
	return out, nil
}

// CampaignTemplates returns the campaign templates that are offered, in
// the order of the catalogue.
func (db *DB) CampaignTemplates(ctx context.Context) ([]CatalogueEntry, error) {
	return db.templates(ctx, `WHERE off = 0 ORDER BY position, key`)
}

// CampaignTemplate returns the campaign template with a key.
func (db *DB) CampaignTemplate(ctx context.Context, key string) (*CatalogueEntry, error) {
	ts, err := db.templates(ctx, `WHERE key = ?`, key)
	if err != nil {
		return nil, err
	}
	if len(ts) == 0 {
		return nil, Errorf(ENOTFOUND, "no campaign %q in the catalogue", key)
	}
	return &ts[0], nil
}

func (db *DB) templates(ctx context.Context, where string, args ...any) ([]CatalogueEntry, error) {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT key, title, text, schedule, starts_on, ends_on, off FROM campaign_templates `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read catalogue: %w", err)
	}
	defer rows.Close()
	var out []CatalogueEntry
	for rows.Next() {
		c := CatalogueEntry{Kind: EntryCampaign}
		var from, until string
		if err := rows.Scan(&c.Key, &c.Title, &c.Text, &c.Schedule, &from, &until, &c.Off); err != nil {
			return nil, fmt.Errorf("read catalogue: %w", err)
		}
		if c.From, err = parseDay(from); err != nil {
			return nil, err
		}
		if c.Until, err = parseDay(until); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
