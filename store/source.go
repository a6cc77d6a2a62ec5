package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// SourceKind is how a source is read.
type SourceKind string

// The kinds of source.
const (
	SourceRSS  SourceKind = "rss"  // an RSS or Atom feed
	SourceHTML SourceKind = "html" // an HTML list page, read with a CSS selector for the article links
)

// Bounds on a source's settings.
const (
	DefaultSourceInterval = 10 * time.Minute
	MinSourceInterval     = time.Minute
	MaxSourceInterval     = 24 * time.Hour
	maxSourceURLLen       = 2048
	maxSelectorLen        = 500
	maxKeywords           = 20
	maxKeywordLen         = 100
)

// Source is a feed or a watched page whose new items are relayed to the
// subscribers of its areas, for its topic.
type Source struct {
	ID       int64
	URL      string
	Kind     SourceKind
	Selector string // SourceHTML: the CSS selector of the article links
	Name     string // the feed's or page's title, shown to residents
	// Areas are the areas it feeds: at least one. Writes read only their
	// ID; reads fill ID, Code and Name.
	Areas []Area
	Topic Topic // TopicNews or TopicAnnouncements
	// Interval is the time between two polls (0: DefaultSourceInterval).
	Interval time.Duration
	// Keywords filter what is relayed: an item is relayed when its title
	// or summary contains one of them, compared without accents (Fold).
	// None relays everything.
	Keywords []string
	// ETag and LastModified are the HTTP validators of the last full
	// answer, sent back so that an unchanged source answers 304.
	ETag, LastModified string

	Failures        int       // failed polls in a row
	LastError       string    // why the last poll failed
	BackoffUntil    time.Time // while failing: no poll before it
	NextPollAt      time.Time
	LastPolledAt    time.Time
	Owner           int64 // the official who added it; 0: the command line
	Paused          bool
	FailingNotified bool // the owner was told it keeps failing
	CreatedAt       time.Time
}

// AreaIDs returns the ids of the source's areas.
func (s Source) AreaIDs() []int64 {
	ids := make([]int64, len(s.Areas))
	for i, a := range s.Areas {
		ids[i] = a.ID
	}
	return ids
}

// Wants says whether an item passes the source's keyword filter: its title
// or summary contains one of the keywords as whole words, without accents,
// so "tan phu" matches "Quận Tân Phú,". A source without keywords wants all.
func (s Source) Wants(it Item) bool {
	if len(s.Keywords) == 0 {
		return true
	}
	text := " " + Fold(it.Title+" "+it.Summary) + " "
	for _, k := range s.Keywords {
		if f := Fold(k); f != "" && strings.Contains(text, " "+f+" ") {
			return true
		}
	}
	return false
}

// CheckSourceURL returns raw trimmed if it is an absolute http or https URL
// with a host and without a user name or password, or why not (EINVALID).
func CheckSourceURL(raw string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", Errorf(EINVALID, "the URL is empty")
	}
	if len(raw) > maxSourceURLLen {
		return "", Errorf(EINVALID, "the URL is longer than %d bytes", maxSourceURLLen)
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.Opaque != "" {
		return "", Errorf(EINVALID, "%q is not an absolute URL", raw)
	}
	if s := strings.ToLower(u.Scheme); s != "http" && s != "https" {
		return "", Errorf(EINVALID, "%q: only http and https URLs can be watched", raw)
	}
	if u.User != nil {
		return "", Errorf(EINVALID, "%q: a URL with a user name or password cannot be watched", raw)
	}
	return raw, nil
}

// ParseKeywords splits comma-separated keywords, trimmed, without empty
// ones or repeats (compared folded).
func ParseKeywords(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, k := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ';' || r == '\n' }) {
		k = norm.NFC.String(strings.Join(strings.Fields(k), " "))
		if f := Fold(k); f != "" && !seen[f] {
			seen[f] = true
			out = append(out, k)
		}
	}
	return out
}

// normalizeSource checks a source before it is stored and fills defaults.
func normalizeSource(s *Source) error {
	u, err := CheckSourceURL(s.URL)
	if err != nil {
		return err
	}
	s.URL = u
	switch s.Kind {
	case SourceRSS:
		s.Selector = ""
	case SourceHTML:
		s.Selector = strings.TrimSpace(s.Selector)
		if s.Selector == "" {
			return Errorf(EINVALID, "an HTML source needs a CSS selector for its article links")
		}
		if len(s.Selector) > maxSelectorLen || !utf8.ValidString(s.Selector) {
			return Errorf(EINVALID, "the CSS selector is longer than %d bytes", maxSelectorLen)
		}
	default:
		return Errorf(EINVALID, "source kind %q: want rss or html", s.Kind)
	}
	if s.Topic != TopicNews && s.Topic != TopicAnnouncements {
		return Errorf(EINVALID, "topic %d: a source feeds news or announcements", s.Topic)
	}
	if s.Interval == 0 {
		s.Interval = DefaultSourceInterval
	}
	if s.Interval < MinSourceInterval || s.Interval > MaxSourceInterval {
		return Errorf(EINVALID, "interval %v: want between %v and %v", s.Interval, MinSourceInterval, MaxSourceInterval)
	}
	s.Interval = s.Interval.Truncate(time.Second)
	if len(s.Keywords) > maxKeywords {
		return Errorf(EINVALID, "%d keywords: at most %d", len(s.Keywords), maxKeywords)
	}
	for _, k := range s.Keywords {
		if Fold(k) == "" || utf8.RuneCountInString(k) > maxKeywordLen || strings.ContainsRune(k, ',') {
			return Errorf(EINVALID, "keyword %q: want a word or words without commas, at most %d characters", k, maxKeywordLen)
		}
	}
	s.Name = strings.Join(strings.FieldsFunc(strings.ToValidUTF8(s.Name, ""), unicode.IsSpace), " ")
	if s.Name == "" {
		u, _ := url.Parse(s.URL)
		s.Name = u.Hostname()
	}
	s.Name = truncateRunes(s.Name, maxNameLen)
	if len(s.Areas) == 0 {
		return Errorf(EINVALID, "a source needs at least one area")
	}
	if s.Owner < 0 {
		return Errorf(EINVALID, "owner %d: want a Telegram user id or 0", s.Owner)
	}
	return nil
}

// CreateSource stores a new source with its areas, and marks the items it
// shows now as seen, so that it relays only what appears after; it is
// recorded in the audit log as the owner's. It sets s.ID and the times.
func (db *DB) CreateSource(ctx context.Context, s *Source, seen []Item) error {
	if err := normalizeSource(s); err != nil {
		return err
	}
	now := db.now()
	return db.update(ctx, func(tx querier) error {
		var areaIDs []int64
		for _, a := range s.Areas {
			if slices.Contains(areaIDs, a.ID) {
				continue
			}
			if _, err := liveAreaByID(ctx, tx, a.ID); err != nil {
				return err
			}
			areaIDs = append(areaIDs, a.ID)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO sources (url, kind, selector, name, topic, interval_s, keywords, etag, last_modified,
				next_poll_at, owner, paused, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			s.URL, s.Kind, s.Selector, s.Name, s.Topic, int64(s.Interval/time.Second), strings.Join(s.Keywords, ", "),
			s.ETag, s.LastModified, formatTime(now.Add(s.Interval)), s.Owner, s.Paused, formatTime(now), formatTime(now))
		if err != nil {
			return fmt.Errorf("create source: %w", err)
		}
		if s.ID, err = res.LastInsertId(); err != nil {
			return err
		}
		for _, id := range areaIDs {
			if _, err := tx.ExecContext(ctx, `INSERT INTO source_areas (source_id, area_id) VALUES (?, ?)`, s.ID, id); err != nil {
				return fmt.Errorf("areas of source %d: %w", s.ID, err)
			}
		}
		for _, it := range seen {
			if _, err := markSeen(ctx, tx, s.ID, it, now); err != nil {
				return err
			}
		}
		s.CreatedAt, s.NextPollAt = now, now.Add(s.Interval)
		return audit(ctx, tx, AuditEntry{Actor: s.Owner, Action: "source_add", AreaID: areaIDs[0],
			Detail: fmt.Sprintf("#%d %s %s, %d items seen", s.ID, s.Kind, s.URL, len(seen))}, now)
	})
}

// sourceColumns are the columns scanSource reads.
const sourceColumns = `id, url, kind, selector, name, topic, interval_s, keywords, etag, last_modified, failures, last_error,
	backoff_until, next_poll_at, last_polled_at, owner, paused, failing_notified, created_at`

func scanSource(row scanner) (Source, error) {
	var s Source
	var interval int64
	var keywords, backoff, next, polled, created string
	err := row.Scan(&s.ID, &s.URL, &s.Kind, &s.Selector, &s.Name, &s.Topic, &interval, &keywords, &s.ETag, &s.LastModified,
		&s.Failures, &s.LastError, &backoff, &next, &polled, &s.Owner, &s.Paused, &s.FailingNotified, &created)
	if err != nil {
		return s, err
	}
	s.Interval = time.Duration(interval) * time.Second
	s.Keywords = ParseKeywords(keywords)
	for _, t := range []struct {
		text string
		dst  *time.Time
	}{{backoff, &s.BackoffUntil}, {next, &s.NextPollAt}, {polled, &s.LastPolledAt}, {created, &s.CreatedAt}} {
		if t.text == "" {
			continue
		}
		if *t.dst, err = parseTime(t.text); err != nil {
			return s, err
		}
	}
	return s, nil
}

// querySources reads sources with their areas; where follows FROM sources.
func querySources(ctx context.Context, q querier, where string, args ...any) ([]Source, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	defer rows.Close()
	var out []Source
	for rows.Next() {
		s, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("read sources: %w", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sources: %w", err)
	}
	rows.Close()
	if len(out) == 0 {
		return out, nil
	}
	// The areas of every source read, in one query.
	ids := make([]int64, len(out))
	index := make(map[int64]int, len(out))
	for i, s := range out {
		ids[i], index[s.ID] = s.ID, i
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT sa.source_id, a.id, a.code, a.name, a.kind, COALESCE(a.parent_id, 0), COALESCE(a.merged_into, 0)
		FROM source_areas sa JOIN areas a ON a.id = sa.area_id
		WHERE sa.source_id IN (SELECT value FROM json_each(?)) ORDER BY sa.source_id, a.id`, string(list))
	if err != nil {
		return nil, fmt.Errorf("areas of sources: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var a Area
		if err := rows.Scan(&id, &a.ID, &a.Code, &a.Name, &a.Kind, &a.ParentID, &a.MergedInto); err != nil {
			return nil, fmt.Errorf("areas of sources: %w", err)
		}
		out[index[id]].Areas = append(out[index[id]].Areas, a)
	}
	return out, rows.Err()
}

// SourceByID returns a source, or ENOTFOUND.
func (db *DB) SourceByID(ctx context.Context, id int64) (*Source, error) {
	ss, err := querySources(ctx, db.stmts.reads(), `WHERE id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(ss) == 0 {
		return nil, Errorf(ENOTFOUND, "source %d not found", id)
	}
	return &ss[0], nil
}

// Sources returns every source, oldest first.
func (db *DB) Sources(ctx context.Context) ([]Source, error) {
	return querySources(ctx, db.stmts.reads(), `ORDER BY id`)
}

// DueSources returns up to limit sources that are not paused and are due
// by the time until, the most overdue first.
func (db *DB) DueSources(ctx context.Context, until time.Time, limit int) ([]Source, error) {
	return querySources(ctx, db.stmts.reads(), `WHERE paused = 0 AND next_poll_at <= ? ORDER BY next_poll_at, id LIMIT ?`,
		formatTime(until), limit)
}

// SetSourcePaused pauses a source or resumes it; a resumed source is due at
// once. The actor is written to the audit log.
func (db *DB) SetSourcePaused(ctx context.Context, id int64, paused bool, actor int64) error {
	now := db.now()
	return db.update(ctx, func(tx querier) error {
		area, err := firstSourceArea(ctx, tx, id)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET paused = ?, next_poll_at = CASE WHEN ? THEN next_poll_at ELSE ? END,
				updated_at = ? WHERE id = ?`, paused, paused, formatTime(now), formatTime(now), id); err != nil {
			return fmt.Errorf("pause source %d: %w", id, err)
		}
		action := "source_resume"
		if paused {
			action = "source_pause"
		}
		return audit(ctx, tx, AuditEntry{Actor: actor, Action: action, AreaID: area, Detail: fmt.Sprintf("#%d", id)}, now)
	})
}

// DeleteSource removes a source and the items it has seen. What it already
// broadcast stays, and so does the record of which chats got which
// article. The actor is written to the audit log.
func (db *DB) DeleteSource(ctx context.Context, id, actor int64) error {
	now := db.now()
	return db.update(ctx, func(tx querier) error {
		area, err := firstSourceArea(ctx, tx, id)
		if err != nil {
			return err
		}
		var u string
		if err := tx.QueryRowContext(ctx, `SELECT url FROM sources WHERE id = ?`, id).Scan(&u); err != nil {
			return fmt.Errorf("remove source %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE id = ?`, id); err != nil {
			return fmt.Errorf("remove source %d: %w", id, err)
		}
		return audit(ctx, tx, AuditEntry{Actor: actor, Action: "source_remove", AreaID: area, Detail: fmt.Sprintf("#%d %s", id, u)}, now)
	})
}

// firstSourceArea returns the lowest area id of a source, or ENOTFOUND
// when there is no such source.
func firstSourceArea(ctx context.Context, tx querier, id int64) (int64, error) {
	var area sql.NullInt64
	err := tx.QueryRowContext(ctx, `SELECT (SELECT min(area_id) FROM source_areas WHERE source_id = s.id) FROM sources s WHERE s.id = ?`, id).Scan(&area)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, Errorf(ENOTFOUND, "source %d not found", id)
	}
	if err != nil {
		return 0, fmt.Errorf("source %d: %w", id, err)
	}
	return area.Int64, nil
}

// RecordFailure records a failed poll: one more failure in a row, the
// reason, and no poll again before wait has passed. It returns the source
// as it is now.
func (db *DB) RecordFailure(ctx context.Context, id int64, reason string, wait time.Duration) (*Source, error) {
	now := db.now()
	until := formatTime(now.Add(wait))
	err := db.update(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, `UPDATE sources SET failures = failures + 1, last_error = ?, backoff_until = ?, next_poll_at = ?,
				last_polled_at = ?, updated_at = ? WHERE id = ?`,
			truncateRunes(strings.ToValidUTF8(reason, "?"), 500), until, until, formatTime(now), formatTime(now), id)
		if err != nil {
			return fmt.Errorf("record failure of source %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return Errorf(ENOTFOUND, "source %d not found", id)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return db.SourceByID(ctx, id)
}

// SetFailingNotified records whether the owner of a source has been told
// that it keeps failing, and says whether that changed anything: of two
// processes claiming the telling, only one gets true.
func (db *DB) SetFailingNotified(ctx context.Context, id int64, notified bool) (bool, error) {
	var changed bool
	err := db.update(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, `UPDATE sources SET failing_notified = ? WHERE id = ? AND failing_notified != ?`, notified, id, notified)
		if err != nil {
			return fmt.Errorf("source %d: %w", id, err)
		}
		n, err := res.RowsAffected()
		changed = n == 1
		return err
	})
	return changed, err
}

// CountSourceAudience returns how many chats a source feeding these areas
// for this topic would reach now, each counted once.
func (db *DB) CountSourceAudience(ctx context.Context, areaIDs []int64, topic Topic) (int, error) {
	ids, err := json.Marshal(areaIDs)
	if err != nil {
		return 0, err
	}
	var n int
	err = db.stmts.reads().QueryRowContext(ctx, `WITH RECURSIVE subtree (id) AS (
			SELECT value FROM json_each(?1)
			UNION
			SELECT areas.id FROM areas JOIN subtree ON areas.parent_id = subtree.id
		)
		SELECT count(DISTINCT s.chat_id) FROM subscriptions s JOIN chats c ON c.id = s.chat_id
		WHERE s.area_id IN (SELECT id FROM subtree) AND s.topics & ?2 != 0 AND c.status = 'active'`, string(ids), topic).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count audience: %w", err)
	}
	return n, nil
}
