package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
)

// BroadcastStatus is where a broadcast is in its life.
type BroadcastStatus string

// The statuses of a broadcast.
const (
	BroadcastPending   BroadcastStatus = "pending"   // waiting for its time, or being delivered
	BroadcastDone      BroadcastStatus = "done"      // every delivery has an outcome
	BroadcastCancelled BroadcastStatus = "cancelled" // stopped by its author; the rest was skipped
)

// Broadcast is one message addressed to the subscribers of an area, and of
// every area below it, who chose its topic.
type Broadcast struct {
	ID       int64
	AreaID   int64
	AreaCode string // read only
	AreaName string // read only
	Topic    Topic  // exactly one topic
	// Text is the HTML residents see: everything user-supplied in it is
	// escaped by whoever made it. With a photo it is the caption.
	Text   string
	Photo  string // a Telegram file_id, or ""
	Urgent bool   // sent before everything else, even in quiet hours
	// Author says who or what made it: "user:ID", "cli", "campaign:ID", ...
	Author     string
	AuthorUser int64 // the official's Telegram user id, 0 if none
	// ReportChat is where progress and the final report go (0: nowhere);
	// ReportMessage is the progress message there, once sent.
	ReportChat    int64
	ReportMessage int
	SendAt        time.Time // the zero time means now
	Status        BroadcastStatus
	CreatedAt     time.Time
	FinishedAt    time.Time
	Counts        DeliveryCounts // filled by the reads that say so
}

// DeliveryState is the outcome of one delivery.
type DeliveryState string

// The states of a delivery.
const (
	DeliveryPending DeliveryState = "pending"
	DeliverySent    DeliveryState = "sent"
	DeliveryBlocked DeliveryState = "blocked" // the chat cannot be reached: blocked the bot, removed it, is gone
	DeliveryFailed  DeliveryState = "failed"  // Telegram refused this message; Reason says why
	DeliverySkipped DeliveryState = "skipped" // never sent: cancelled, or the chat became unreachable first
)

// DeliveryCounts counts a broadcast's deliveries by state.
type DeliveryCounts struct {
	Pending, Sent, Blocked, Failed, Skipped int
}

// Total is the number of chats the broadcast was addressed to.
func (c DeliveryCounts) Total() int { return c.Pending + c.Sent + c.Blocked + c.Failed + c.Skipped }

// Delivery is one broadcast's message to one chat.
type Delivery struct {
	BroadcastID int64
	ChatID      int64
	State       DeliveryState
	MessageID   int
	Reason      string
	Attempts    int
	QuietHours  string // the chat's own setting, read with pending deliveries
}

// validTopic reports whether t is exactly one known topic.
func validTopic(t Topic) bool { return validTopics(t) && t&(t-1) == 0 }

// subtree is a recursive CTE of an area and every area below it; its
// first parameter is the area id.
const subtree = `WITH RECURSIVE subtree (id) AS (
		SELECT ?1
		UNION ALL
		SELECT areas.id FROM areas JOIN subtree ON areas.parent_id = subtree.id
	)`

// audience selects the active chats subscribed, for topic ?2, to area ?1 or
// any area below it, each once.
const audience = subtree + `
	SELECT DISTINCT s.chat_id FROM subscriptions s JOIN chats c ON c.id = s.chat_id
	WHERE s.area_id IN (SELECT id FROM subtree) AND s.topics & ?2 != 0 AND c.status = 'active'`

// CountAudience returns how many chats a broadcast to an area and topic
// would reach now.
func (db *DB) CountAudience(ctx context.Context, areaID int64, topic Topic) (int, error) {
	var n int
	err := db.stmts.reads().QueryRowContext(ctx, `SELECT count(*) FROM (`+audience+`)`, areaID, topic).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count audience of area %d: %w", areaID, err)
	}
	return n, nil
}

// CreateBroadcast stores a broadcast and one pending delivery for every
// chat it reaches, in one transaction, and records it in the audit log.
// It sets b.ID and returns the number of deliveries.
func (db *DB) CreateBroadcast(ctx context.Context, b *Broadcast) (int, error) {
	if err := checkBroadcast(b); err != nil {
		return 0, err
	}
	now := db.now()
	if b.SendAt.IsZero() {
		b.SendAt = now
	}
	var n int
	err := db.update(ctx, func(tx querier) (err error) {
		n, err = createBroadcast(ctx, tx, b, now)
		return err
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// checkBroadcast says what is wrong with a broadcast before it is stored.
func checkBroadcast(b *Broadcast) error {
	if strings.TrimSpace(b.Text) == "" && b.Photo == "" {
		return Errorf(EINVALID, "the broadcast has no text")
	}
	if !validTopic(b.Topic) {
		return Errorf(EINVALID, "topic %d: want exactly one topic", b.Topic)
	}
	if b.Author == "" {
		return Errorf(EINVALID, "the broadcast has no author")
	}
	return nil
}

// createBroadcast is the transaction of CreateBroadcast, for callers that
// write more in the same one.
func createBroadcast(ctx context.Context, tx querier, b *Broadcast, now time.Time) (int, error) {
	a, err := liveAreaByID(ctx, tx, b.AreaID)
	if err != nil {
		return 0, err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO broadcasts (area_id, topic, text, photo, urgent, author, author_user, report_chat, send_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		b.AreaID, b.Topic, b.Text, b.Photo, b.Urgent, b.Author, b.AuthorUser, b.ReportChat, formatTime(b.SendAt), formatTime(now))
	if err != nil {
		return 0, fmt.Errorf("create broadcast: %w", err)
	}
	if b.ID, err = res.LastInsertId(); err != nil {
		return 0, err
	}
	// One statement addresses everyone: ?3 is the new broadcast.
	res, err = tx.ExecContext(ctx, `INSERT INTO deliveries (broadcast_id, chat_id) SELECT ?3, chat_id FROM (`+audience+`) ORDER BY chat_id`,
		b.AreaID, b.Topic, b.ID)
	if err != nil {
		return 0, fmt.Errorf("address broadcast %d: %w", b.ID, err)
	}
	rows, err := res.RowsAffected()
	if err != nil {
		return 0, err
	}
	n := int(rows)
	b.AreaCode, b.AreaName, b.Status, b.CreatedAt = a.Code, a.Name, BroadcastPending, now
	return n, audit(ctx, tx, AuditEntry{Actor: b.AuthorUser, Action: "broadcast", AreaID: b.AreaID,
		Detail: fmt.Sprintf("#%d by %s to %d chats", b.ID, b.Author, n)}, now)
}

// broadcastColumns are the columns scanBroadcast reads.
const broadcastColumns = `b.id, b.area_id, a.code, a.name, b.topic, b.text, b.photo, b.urgent, b.author, b.author_user,
	b.report_chat, b.report_message, b.send_at, b.status, b.created_at, COALESCE(b.finished_at, '')`

func scanBroadcast(rows interface{ Scan(...any) error }) (Broadcast, error) {
	var b Broadcast
	var sendAt, created, finished string
	err := rows.Scan(&b.ID, &b.AreaID, &b.AreaCode, &b.AreaName, &b.Topic, &b.Text, &b.Photo, &b.Urgent, &b.Author, &b.AuthorUser,
		&b.ReportChat, &b.ReportMessage, &sendAt, &b.Status, &created, &finished)
	if err != nil {
		return b, err
	}
	if b.SendAt, err = parseTime(sendAt); err != nil {
		return b, err
	}
	if b.CreatedAt, err = parseTime(created); err != nil {
		return b, err
	}
	if finished != "" {
		if b.FinishedAt, err = parseTime(finished); err != nil {
			return b, err
		}
	}
	return b, nil
}

// queryBroadcasts reads broadcasts; where may use ?1 and ?2.
func (db *DB) queryBroadcasts(ctx context.Context, where string, args ...any) ([]Broadcast, error) {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT `+broadcastColumns+` FROM broadcasts b JOIN areas a ON a.id = b.area_id `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read broadcasts: %w", err)
	}
	defer rows.Close()
	var out []Broadcast
	for rows.Next() {
		b, err := scanBroadcast(rows)
		if err != nil {
			return nil, fmt.Errorf("read broadcasts: %w", err)
		}
		out = append(out, b)
	}
	return out, rows.Err()
}

// BroadcastByID returns a broadcast with its delivery counts.
func (db *DB) BroadcastByID(ctx context.Context, id int64) (*Broadcast, error) {
	bs, err := db.queryBroadcasts(ctx, `WHERE b.id = ?1`, id)
	if err != nil {
		return nil, err
	}
	if len(bs) == 0 {
		return nil, Errorf(ENOTFOUND, "broadcast %d not found", id)
	}
	if bs[0].Counts, err = db.DeliveryCounts(ctx, id); err != nil {
		return nil, err
	}
	return &bs[0], nil
}

// Broadcasts returns the latest broadcasts of an official (authorUser 0:
// of everyone), newest first, with their delivery counts.
func (db *DB) Broadcasts(ctx context.Context, authorUser int64, limit int) ([]Broadcast, error) {
	bs, err := db.queryBroadcasts(ctx, `WHERE ?1 = 0 OR b.author_user = ?1 ORDER BY b.id DESC LIMIT ?2`, authorUser, limit)
	if err != nil {
		return nil, err
	}
	for i := range bs {
		if bs[i].Counts, err = db.DeliveryCounts(ctx, bs[i].ID); err != nil {
			return nil, err
		}
	}
	return bs, nil
}

// DueBroadcasts returns the broadcasts whose time has come and which still
// have deliveries to make: urgent ones first, then the oldest.
func (db *DB) DueBroadcasts(ctx context.Context) ([]Broadcast, error) {
	return db.queryBroadcasts(ctx, `WHERE b.status = 'pending' AND b.send_at <= ?1 ORDER BY b.urgent DESC, b.id`, formatTime(db.now()))
}

// DeliveryCounts counts a broadcast's deliveries by state.
func (db *DB) DeliveryCounts(ctx context.Context, broadcastID int64) (DeliveryCounts, error) {
	var c DeliveryCounts
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT state, count(*) FROM deliveries WHERE broadcast_id = ? GROUP BY state`, broadcastID)
	if err != nil {
		return c, fmt.Errorf("count deliveries of %d: %w", broadcastID, err)
	}
	defer rows.Close()
	for rows.Next() {
		var state DeliveryState
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			return c, err
		}
		switch state {
		case DeliveryPending:
			c.Pending = n
		case DeliverySent:
			c.Sent = n
		case DeliveryBlocked:
			c.Blocked = n
		case DeliveryFailed:
			c.Failed = n
		case DeliverySkipped:
			c.Skipped = n
		}
	}
	return c, rows.Err()
}

// PendingDeliveries returns up to limit pending deliveries of a broadcast
// to chats with ids above afterChat, in chat id order: a cursor, so the
// dispatcher reads each row once however many are in flight. Each comes
// with its chat's quiet hours.
func (db *DB) PendingDeliveries(ctx context.Context, broadcastID, afterChat int64, limit int) ([]Delivery, error) {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT d.chat_id, d.attempts, COALESCE(c.quiet_hours, '') FROM deliveries d
		LEFT JOIN chats c ON c.id = d.chat_id
		WHERE d.broadcast_id = ? AND d.chat_id > ? AND d.state = 'pending' ORDER BY d.chat_id LIMIT ?`, broadcastID, afterChat, limit)
	if err != nil {
		return nil, fmt.Errorf("read pending deliveries of %d: %w", broadcastID, err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d := Delivery{BroadcastID: broadcastID, State: DeliveryPending}
		if err := rows.Scan(&d.ChatID, &d.Attempts, &d.QuietHours); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Deliveries returns every delivery of a broadcast, in chat id order.
func (db *DB) Deliveries(ctx context.Context, broadcastID int64) ([]Delivery, error) {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT chat_id, state, message_id, reason, attempts FROM deliveries
		WHERE broadcast_id = ? ORDER BY chat_id`, broadcastID)
	if err != nil {
		return nil, fmt.Errorf("read deliveries of %d: %w", broadcastID, err)
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		d := Delivery{BroadcastID: broadcastID}
		if err := rows.Scan(&d.ChatID, &d.State, &d.MessageID, &d.Reason, &d.Attempts); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// RecordOutcomes stores what happened to deliveries, in one transaction.
// A pending outcome is a failed attempt to try again: it counts the attempt
// and keeps the reason. A blocked outcome also marks the chat blocked and
// skips its other pending deliveries.
func (db *DB) RecordOutcomes(ctx context.Context, outcomes []Delivery) error {
	if len(outcomes) == 0 {
		return nil
	}
	now := formatTime(db.now())
	return db.update(ctx, func(tx querier) error {
		for _, o := range outcomes {
			var err error
			switch o.State {
			case DeliveryPending:
				_, err = tx.ExecContext(ctx, `UPDATE deliveries SET attempts = attempts + 1, reason = ?
					WHERE broadcast_id = ? AND chat_id = ? AND state = 'pending'`, truncateRunes(o.Reason, 500), o.BroadcastID, o.ChatID)
			case DeliverySent, DeliveryFailed, DeliveryBlocked, DeliverySkipped:
				_, err = tx.ExecContext(ctx, `UPDATE deliveries SET state = ?, message_id = ?, reason = ?, attempts = attempts + 1
					WHERE broadcast_id = ? AND chat_id = ?`, o.State, o.MessageID, truncateRunes(o.Reason, 500), o.BroadcastID, o.ChatID)
				if err == nil && o.State == DeliveryBlocked {
					err = setChatStatus(ctx, tx, o.ChatID, ChatBlocked, now)
				}
			default:
				err = Errorf(EINVALID, "delivery state %q", o.State)
			}
			if err != nil {
				return fmt.Errorf("record delivery of %d to %d: %w", o.BroadcastID, o.ChatID, err)
			}
		}
		return nil
	})
}

// FinishBroadcast marks a pending broadcast done once none of its
// deliveries is pending, and says whether it did: true exactly once per
// broadcast, so the final report is sent once.
func (db *DB) FinishBroadcast(ctx context.Context, id int64) (bool, error) {
	var done bool
	err := db.update(ctx, func(tx querier) error {
		res, err := tx.ExecContext(ctx, `UPDATE broadcasts SET status = 'done', finished_at = ? WHERE id = ? AND status = 'pending'
			AND NOT EXISTS (SELECT 1 FROM deliveries WHERE broadcast_id = ? AND state = 'pending')`, formatTime(db.now()), id, id)
		if err != nil {
			return fmt.Errorf("finish broadcast %d: %w", id, err)
		}
		n, err := res.RowsAffected()
		done = n == 1
		return err
	})
	return done, err
}

// CancelBroadcast stops a pending broadcast: its pending deliveries are
// skipped. It returns how many were. The actor is written to the audit log.
func (db *DB) CancelBroadcast(ctx context.Context, id, actor int64) (int, error) {
	var n int64
	err := db.update(ctx, func(tx querier) error {
		var status BroadcastStatus
		var areaID int64
		err := tx.QueryRowContext(ctx, `SELECT status, area_id FROM broadcasts WHERE id = ?`, id).Scan(&status, &areaID)
		if errors.Is(err, sql.ErrNoRows) {
			return Errorf(ENOTFOUND, "broadcast %d not found", id)
		}
		if err != nil {
			return fmt.Errorf("cancel broadcast %d: %w", id, err)
		}
		if status != BroadcastPending {
			return Errorf(ECONFLICT, "broadcast %d is already %s", id, status)
		}
		now := db.now()
		if _, err := tx.ExecContext(ctx, `UPDATE broadcasts SET status = 'cancelled', finished_at = ? WHERE id = ?`, formatTime(now), id); err != nil {
			return fmt.Errorf("cancel broadcast %d: %w", id, err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE deliveries SET state = 'skipped', reason = 'cancelled' WHERE broadcast_id = ? AND state = 'pending'`, id)
		if err != nil {
			return fmt.Errorf("cancel broadcast %d: %w", id, err)
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		return audit(ctx, tx, AuditEntry{Actor: actor, Action: "cancel", AreaID: areaID, Detail: fmt.Sprintf("#%d, %d skipped", id, n)}, now)
	})
	return int(n), err
}

// SetReportMessage remembers the progress message of a broadcast, so a
// restart edits it instead of sending another.
func (db *DB) SetReportMessage(ctx context.Context, id int64, messageID int) error {
	return db.update(ctx, func(tx querier) error {
		_, err := tx.ExecContext(ctx, `UPDATE broadcasts SET report_message = ? WHERE id = ?`, messageID, id)
		return err
	})
}

// PruneBroadcasts deletes the broadcasts that finished (done or cancelled)
// before a time, with their deliveries, and returns how many of each went.
// Occurrences that created them keep their record, without the link, so a
// reminder still never fires twice. The audit log notes the pruning.
func (db *DB) PruneBroadcasts(ctx context.Context, before time.Time) (broadcasts, deliveries int, err error) {
	const old = `SELECT id FROM broadcasts WHERE status != 'pending' AND finished_at < ?`
	cutoff := formatTime(before)
	err = db.update(ctx, func(tx querier) error {
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE broadcast_id IN (`+old+`)`, cutoff).Scan(&deliveries); err != nil {
			return fmt.Errorf("prune broadcasts: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE occurrences SET broadcast_id = NULL WHERE broadcast_id IN (`+old+`)`, cutoff); err != nil {
			return fmt.Errorf("prune broadcasts: %w", err)
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM broadcasts WHERE id IN (`+old+`)`, cutoff)
		if err != nil {
			return fmt.Errorf("prune broadcasts: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		broadcasts = int(n)
		return audit(ctx, tx, AuditEntry{Action: "prune",
			Detail: fmt.Sprintf("%d broadcasts and %d deliveries finished before %s", broadcasts, deliveries, before.UTC().Format(time.DateOnly))}, db.now())
	})
	if err != nil {
		return 0, 0, err
	}
	return broadcasts, deliveries, nil
}

// DeliveryOf returns one delivery, or ENOTFOUND.
func (db *DB) DeliveryOf(ctx context.Context, broadcastID, chatID int64) (*Delivery, error) {
	d := Delivery{BroadcastID: broadcastID, ChatID: chatID}
	err := db.stmts.reads().QueryRowContext(ctx, `SELECT state, message_id, reason, attempts FROM deliveries
		WHERE broadcast_id = ? AND chat_id = ?`, broadcastID, chatID).Scan(&d.State, &d.MessageID, &d.Reason, &d.Attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, Errorf(ENOTFOUND, "no delivery of broadcast %d to chat %d", broadcastID, chatID)
	}
	if err != nil {
		return nil, fmt.Errorf("read delivery of %d to %d: %w", broadcastID, chatID, err)
	}
	return &d, nil
}
