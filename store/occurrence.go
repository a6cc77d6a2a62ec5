package store

import (
	"context"
	"fmt"
	"time"
)

// The outcomes of an occurrence.
const (
	OccurrenceFired   = "fired"   // its broadcast was created
	OccurrenceSkipped = "skipped" // missed for longer than the catch-up window, or its area is gone
)

// Occurrence is one firing of a schedule the scheduler handled.
type Occurrence struct {
	Key         string // what fired: "schedule:ID", "event:ID:AREA"
	At          time.Time
	Outcome     string
	BroadcastID int64
	Reason      string
	RecordedAt  time.Time
}

// Firing is an occurrence to record with the broadcast it makes.
type Firing struct {
	Key       string
	At        time.Time
	Broadcast Broadcast

	// Set by FireOccurrences:
	Fired      bool  // recorded now; false when it was recorded before, or Err is set
	Deliveries int   // of the broadcast made
	Err        error // why it could not be fired (an EINVALID or ENOTFOUND): it is recorded as skipped
}

// FireOccurrences records each occurrence and creates its broadcast, all in
// one transaction, the record first: an occurrence already recorded (by a
// run before a restart, or by another process) is left alone and makes no
// broadcast, so none is ever fired twice. A firing whose broadcast cannot
// be made (its area was merged away, its text is empty) is recorded as
// skipped, with the reason in Err. Only other errors are returned, and then
// nothing is recorded.
func (db *DB) FireOccurrences(ctx context.Context, fs []Firing) error {
	if len(fs) == 0 {
		return nil
	}
	now := db.now()
	return db.update(ctx, func(tx querier) error {
		for i := range fs {
			f := &fs[i]
			f.Fired, f.Deliveries, f.Err = false, 0, nil
			res, err := tx.ExecContext(ctx, `INSERT INTO occurrences (key, at, outcome, recorded_at) VALUES (?, ?, 'fired', ?)
				ON CONFLICT (key, at) DO NOTHING`, f.Key, formatTime(f.At), formatTime(now))
			if err != nil {
				return fmt.Errorf("record occurrence %s at %s: %w", f.Key, formatTime(f.At), err)
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				continue // recorded before
			}
			b := &f.Broadcast
			if b.SendAt.IsZero() {
				b.SendAt = f.At
			}
			err = checkBroadcast(b)
			if err == nil {
				f.Deliveries, err = createBroadcast(ctx, tx, b, now)
			}
			if code := ErrorCode(err); code == EINVALID || code == ENOTFOUND {
				f.Err = err
				if _, err := tx.ExecContext(ctx, `UPDATE occurrences SET outcome = 'skipped', reason = ? WHERE key = ? AND at = ?`,
					truncateRunes(ErrorMessage(err), 500), f.Key, formatTime(f.At)); err != nil {
					return fmt.Errorf("record occurrence %s: %w", f.Key, err)
				}
				continue
			}
			if err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `UPDATE occurrences SET broadcast_id = ? WHERE key = ? AND at = ?`, b.ID, f.Key, formatTime(f.At)); err != nil {
				return fmt.Errorf("record occurrence %s: %w", f.Key, err)
			}
			f.Fired = true
		}
		return nil
	})
}

// SkipOccurrences records occurrences that will not fire, with the reason,
// in one transaction, and returns how many were not recorded before.
func (db *DB) SkipOccurrences(ctx context.Context, key string, ats []time.Time, reason string) (int, error) {
	if len(ats) == 0 {
		return 0, nil
	}
	now := formatTime(db.now())
	var n int
	err := db.update(ctx, func(tx querier) error {
		n = 0
		for _, at := range ats {
			res, err := tx.ExecContext(ctx, `INSERT INTO occurrences (key, at, outcome, reason, recorded_at) VALUES (?, ?, 'skipped', ?, ?)
				ON CONFLICT (key, at) DO NOTHING`, key, formatTime(at), truncateRunes(reason, 500), now)
			if err != nil {
				return fmt.Errorf("record skipped occurrence %s: %w", key, err)
			}
			added, err := res.RowsAffected()
			if err != nil {
				return err
			}
			n += int(added)
		}
		return nil
	})
	return n, err
}

// Occurrences returns the recorded occurrences of a key, oldest first.
func (db *DB) Occurrences(ctx context.Context, key string) ([]Occurrence, error) {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT key, at, outcome, COALESCE(broadcast_id, 0), reason, recorded_at
		FROM occurrences WHERE key = ? ORDER BY at`, key)
	if err != nil {
		return nil, fmt.Errorf("read occurrences of %s: %w", key, err)
	}
	defer rows.Close()
	var out []Occurrence
	for rows.Next() {
		var o Occurrence
		var at, recorded string
		if err := rows.Scan(&o.Key, &at, &o.Outcome, &o.BroadcastID, &o.Reason, &recorded); err != nil {
			return nil, fmt.Errorf("read occurrences of %s: %w", key, err)
		}
		if o.At, err = parseTime(at); err != nil {
			return nil, err
		}
		if o.RecordedAt, err = parseTime(recorded); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}
