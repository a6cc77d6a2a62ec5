package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// CampaignStatus is where a campaign is in its life.
type CampaignStatus string

// The statuses of a campaign.
const (
	CampaignActive CampaignStatus = "active" // reminding on its schedules
	CampaignPaused CampaignStatus = "paused" // silent until resumed; what falls in the pause is not caught up
	CampaignEnded  CampaignStatus = "ended"  // silent for good
)

// Limits on what a campaign holds, in characters.
const (
	MaxCampaignTitle = 200
	MaxCampaignText  = 3000
)

// Campaign is a movement or drive (phong trào, cuộc vận động) that reminds
// the subscribers of its areas on a schedule, between two days.
type Campaign struct {
	ID           int64
	Title        string // plain text
	Text         string // the reminder, plain text as the official wrote it
	CatalogueKey string // the catalogue entry it was turned on from, or ""
	// From and Until bound the days it reminds on, in Zone, Until included;
	// the zero time is no bound.
	From, Until time.Time
	Status      CampaignStatus
	// ActiveSince is when it was created or last resumed: occurrences
	// before it are never caught up.
	ActiveSince time.Time
	CreatedBy   int64 // Telegram user id, 0 for the command line
	CreatedAt   time.Time
	UpdatedAt   time.Time
	Schedules   []CampaignSchedule
}

// CampaignSchedule is when a campaign reminds one of its areas.
type CampaignSchedule struct {
	ID         int64
	CampaignID int64
	AreaID     int64
	AreaCode   string // read only
	AreaName   string // read only
	// Spec is a 5-field cron expression in Zone or a preset name; the
	// scheduler parses it, and callers check it before storing it.
	Spec      string
	CreatedAt time.Time
}

// dayFormat is how days (campaign bounds) are stored and typed.
const dayFormat = "2006-01-02"

// formatDay formats a day in Zone for storage, "" for the zero time.
func formatDay(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format(dayFormat)
}

// parseDay parses a stored day, "" as the zero time.
func parseDay(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(dayFormat, s, Zone)
	if err != nil {
		return time.Time{}, fmt.Errorf("parse stored day %q: %w", s, err)
	}
	return t, nil
}

// scheduleVersionKey is the bot_state counter bumped by every change to
// what the scheduler fires, so a scheduler in another process notices.
const scheduleVersionKey = "scheduler.version"

// bumpSchedules counts a change to campaigns, their schedules or events.
func bumpSchedules(ctx context.Context, tx querier) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO bot_state (key, value) VALUES (?, '1')
		ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`, scheduleVersionKey)
	if err != nil {
		return fmt.Errorf("count schedule change: %w", err)
	}
	return nil
}

// ScheduleVersion returns a number that changes whenever a campaign, one of
// its schedules or an event changes, in this process or another.
func (db *DB) ScheduleVersion(ctx context.Context) (int64, error) {
	v, ok, err := db.State(ctx, scheduleVersionKey)
	if err != nil || !ok {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// checkText trims a title or text and says what is wrong with it.
func checkText(what, s string, limit int) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case !utf8.ValidString(s):
		return "", Errorf(EINVALID, "the %s is not valid UTF-8", what)
	case s == "":
		return "", Errorf(EINVALID, "the %s is empty", what)
	case utf8.RuneCountInString(s) > limit:
		return "", Errorf(EINVALID, "the %s is longer than %d characters", what, limit)
	}
	return s, nil
}

// CreateCampaign stores a campaign with its schedules, one per area, in one
// transaction, and records it in the audit log. Every area must be live and
// every spec already checked by the caller. It sets c.ID.
func (db *DB) CreateCampaign(ctx context.Context, c *Campaign) error {
	var err error
	if c.Title, err = checkText("title", c.Title, MaxCampaignTitle); err != nil {
		return err
	}
	if c.Text, err = checkText("text", c.Text, MaxCampaignText); err != nil {
		return err
	}
	if len(c.Schedules) == 0 {
		return Errorf(EINVALID, "the campaign has no area")
	}
	if !c.From.IsZero() && !c.Until.IsZero() && c.Until.Before(c.From) {
		return Errorf(EINVALID, "the campaign ends (%s) before it starts (%s)", formatDay(c.Until), formatDay(c.From))
	}
	now := db.now()
	return db.update(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO campaigns (title, text, catalogue_key, starts_on, ends_on, status, active_since, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, 'active', ?, ?, ?, ?)`,
			c.Title, c.Text, c.CatalogueKey, formatDay(c.From), formatDay(c.Until), formatTime(now), c.CreatedBy, formatTime(now), formatTime(now))
		if err != nil {
			return fmt.Errorf("create campaign: %w", err)
		}
		if c.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		var codes []string
		for i := range c.Schedules {
			s := &c.Schedules[i]
			if strings.TrimSpace(s.Spec) == "" {
				return Errorf(EINVALID, "the campaign has no schedule")
			}
			a, err := liveAreaByID(ctx, tx, s.AreaID)
			if err != nil {
				return err
			}
			res, err := tx.ExecContext(ctx, `INSERT INTO campaign_schedules (campaign_id, area_id, spec, created_at) VALUES (?, ?, ?, ?)`,
				c.ID, s.AreaID, strings.TrimSpace(s.Spec), formatTime(now))
			if err != nil {
				if strings.Contains(err.Error(), "UNIQUE") {
					return Errorf(EINVALID, "area %q is listed twice", a.Code)
				}
				return fmt.Errorf("create campaign schedule: %w", err)
			}
			if s.ID, err = res.LastInsertId(); err != nil {
				return err
			}
			s.CampaignID, s.AreaCode, s.AreaName, s.CreatedAt = c.ID, a.Code, a.Name, now
			codes = append(codes, a.Code)
		}
		c.Status, c.ActiveSince, c.CreatedAt, c.UpdatedAt = CampaignActive, now, now, now
		if err := audit(ctx, tx, AuditEntry{Actor: c.CreatedBy, Action: "campaign_create", AreaID: c.Schedules[0].AreaID,
			Detail: fmt.Sprintf("#%d %q in %s", c.ID, c.Title, strings.Join(codes, ","))}, now); err != nil {
			return err
		}
		return bumpSchedules(ctx, tx)
	})
}

// SetCampaignStatus pauses, resumes or ends a campaign, and records it in
// the audit log with the actor. Resuming starts the campaign afresh: what
// fell in the pause is not caught up. An ended campaign stays ended
// (ECONFLICT), and so does a change to the status it has.
func (db *DB) SetCampaignStatus(ctx context.Context, id int64, status CampaignStatus, actor int64) error {
	switch status {
	case CampaignActive, CampaignPaused, CampaignEnded:
	default:
		return Errorf(EINVALID, "campaign status %q", status)
	}
	now := db.now()
	return db.update(ctx, func(tx querier) error {
		var old CampaignStatus
		var areaID int64
		err := tx.QueryRowContext(ctx, `SELECT c.status, COALESCE((SELECT area_id FROM campaign_schedules WHERE campaign_id = c.id ORDER BY id LIMIT 1), 0)
			FROM campaigns c WHERE c.id = ?`, id).Scan(&old, &areaID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "campaign %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("campaign %d: %w", id, err)
		}
		if old == CampaignEnded {
			return Errorf(ECONFLICT, "campaign %d has ended", id)
		}
		if old == status {
			return Errorf(ECONFLICT, "campaign %d is already %s", id, status)
		}
		q := `UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ?`
		if status == CampaignActive {
			q = `UPDATE campaigns SET status = ?1, updated_at = ?2, active_since = ?2 WHERE id = ?3`
		}
		if _, err := tx.ExecContext(ctx, q, status, formatTime(now), id); err != nil {
			return fmt.Errorf("set status of campaign %d: %w", id, err)
		}
		action := map[CampaignStatus]string{CampaignActive: "campaign_resume", CampaignPaused: "campaign_pause", CampaignEnded: "campaign_end"}[status]
		if err := audit(ctx, tx, AuditEntry{Actor: actor, Action: action, AreaID: areaID, Detail: fmt.Sprintf("#%d", id)}, now); err != nil {
			return err
		}
		return bumpSchedules(ctx, tx)
	})
}

// campaignColumns are the columns scanCampaign reads.
const campaignColumns = `id, title, text, catalogue_key, starts_on, ends_on, status, active_since, created_by, created_at, updated_at`

func scanCampaign(s scanner) (Campaign, error) {
	var c Campaign
	var from, until, since, created, updated string
	if err := s.Scan(&c.ID, &c.Title, &c.Text, &c.CatalogueKey, &from, &until, &c.Status, &since, &c.CreatedBy, &created, &updated); err != nil {
		return c, err
	}
	var err error
	if c.From, err = parseDay(from); err != nil {
		return c, err
	}
	if c.Until, err = parseDay(until); err != nil {
		return c, err
	}
	for _, p := range []struct {
		s string
		t *time.Time
	}{{since, &c.ActiveSince}, {created, &c.CreatedAt}, {updated, &c.UpdatedAt}} {
		if *p.t, err = parseTime(p.s); err != nil {
			return c, err
		}
	}
	return c, nil
}

// CampaignByID returns a campaign with its schedules.
func (db *DB) CampaignByID(ctx context.Context, id int64) (*Campaign, error) {
	cs, err := db.queryCampaigns(ctx, `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(cs) == 0 {
		return nil, Errorf(ENOTFOUND, "campaign %d not found", id)
	}
	return &cs[0], nil
}

// Campaigns returns every campaign with its schedules, the active ones
// first, then the newest; ended ones only when asked.
func (db *DB) Campaigns(ctx context.Context, withEnded bool) ([]Campaign, error) {
	return db.queryCampaigns(ctx, `WHERE ?1 OR status != 'ended' ORDER BY status = 'ended', status != 'active', id DESC`, withEnded)
}

// queryCampaigns reads campaigns and fills their schedules.
func (db *DB) queryCampaigns(ctx context.Context, where string, args ...any) ([]Campaign, error) {
	q := db.stmts.reads()
	rows, err := q.QueryContext(ctx, `SELECT `+campaignColumns+` FROM campaigns `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read campaigns: %w", err)
	}
	defer rows.Close()
	var out []Campaign
	index := map[int64]int{}
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, fmt.Errorf("read campaigns: %w", err)
		}
		index[c.ID] = len(out)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read campaigns: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	ids := make([]int64, len(out))
	for i, c := range out {
		ids[i] = c.ID
	}
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	srows, err := q.QueryContext(ctx, `SELECT s.id, s.campaign_id, s.area_id, a.code, a.name, s.spec, s.created_at
		FROM campaign_schedules s JOIN areas a ON a.id = s.area_id
		WHERE s.campaign_id IN (SELECT value FROM json_each(?)) ORDER BY s.campaign_id, s.id`, string(idsJSON))
	if err != nil {
		return nil, fmt.Errorf("read campaign schedules: %w", err)
	}
	defer srows.Close()
	for srows.Next() {
		var s CampaignSchedule
		var created string
		if err := srows.Scan(&s.ID, &s.CampaignID, &s.AreaID, &s.AreaCode, &s.AreaName, &s.Spec, &created); err != nil {
			return nil, fmt.Errorf("read campaign schedules: %w", err)
		}
		i, ok := index[s.CampaignID]
		if !ok {
			continue
		}
		if s.CreatedAt, err = parseTime(created); err != nil {
			return nil, err
		}
		out[i].Schedules = append(out[i].Schedules, s)
	}
	return out, srows.Err()
}

// DueSchedule is one schedule of an active campaign, with what the
// scheduler needs to compute its firings and nothing more.
type DueSchedule struct {
	ID         int64
	CampaignID int64
	AreaID     int64
	Spec       string
	// Since is when the schedule began to count: created, or its campaign
	// created or resumed, whichever is later.
	Since       time.Time
	From, Until time.Time // the campaign's days, as in Campaign
}

// ActiveSchedules returns the schedules of every active campaign that has
// not passed its last day as of today.
func (db *DB) ActiveSchedules(ctx context.Context, today time.Time) ([]DueSchedule, error) {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT s.id, s.campaign_id, s.area_id, s.spec,
			max(s.created_at, c.active_since), c.starts_on, c.ends_on
		FROM campaign_schedules s JOIN campaigns c ON c.id = s.campaign_id
		WHERE c.status = 'active' AND (c.ends_on = '' OR c.ends_on >= ?) ORDER BY s.id`, formatDay(today))
	if err != nil {
		return nil, fmt.Errorf("read active schedules: %w", err)
	}
	defer rows.Close()
	var out []DueSchedule
	for rows.Next() {
		var s DueSchedule
		var since, from, until string
		if err := rows.Scan(&s.ID, &s.CampaignID, &s.AreaID, &s.Spec, &since, &from, &until); err != nil {
			return nil, fmt.Errorf("read active schedules: %w", err)
		}
		if s.Since, err = parseTime(since); err != nil {
			return nil, err
		}
		if s.From, err = parseDay(from); err != nil {
			return nil, err
		}
		if s.Until, err = parseDay(until); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
