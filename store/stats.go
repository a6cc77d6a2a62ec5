package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// AreaStat is how many chats receive what is sent to an area, and how the
// subscriptions in it changed lately.
type AreaStat struct {
	Area  Area
	Depth int // 0 for a root of the tree
	// Subscribers counts the active chats subscribed to the area or to any
	// area inside it, each once: the most a broadcast there reaches.
	Subscribers int
	// Joined and Ended count the subscriptions made and ended in the area
	// and inside it over the last 7 and 30 days, today included.
	Joined7, Ended7, Joined30, Ended30 int
}

// Growth7 is the net change of subscriptions over the last 7 days.
func (s AreaStat) Growth7() int { return s.Joined7 - s.Ended7 }

// Growth30 is the net change of subscriptions over the last 30 days.
func (s AreaStat) Growth30() int { return s.Joined30 - s.Ended30 }

// AreaStats returns the stats of every live area, in the order of
// ListAreas (each parent followed by its children).
func (db *DB) AreaStats(ctx context.Context) ([]AreaStat, error) {
	areas, err := db.ListAreas(ctx)
	if err != nil {
		return nil, err
	}
	stats := make([]AreaStat, len(areas))
	index := make(map[int64]int, len(areas))
	for i, a := range areas {
		stats[i].Area = a
		index[a.ID] = i
		if p, ok := index[a.ParentID]; ok {
			stats[i].Depth = stats[p].Depth + 1
		}
	}
	if err := db.countReach(ctx, stats, index); err != nil {
		return nil, err
	}
	if err := db.countGrowth(ctx, stats, index); err != nil {
		return nil, err
	}
	return stats, nil
}

// countReach fills Subscribers: every active subscription counts for its
// area and each area above it, each chat once per area. The walk up the
// tree is done here rather than in SQL: a recursive query over every
// subscription costs ten times more.
func (db *DB) countReach(ctx context.Context, stats []AreaStat, index map[int64]int) error {
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT s.chat_id, s.area_id FROM subscriptions s
		JOIN chats c ON c.id = s.chat_id WHERE c.status = 'active' ORDER BY s.chat_id`)
	if err != nil {
		return fmt.Errorf("count subscribers: %w", err)
	}
	defer rows.Close()
	counted := map[int]bool{} // the areas the current chat was counted in
	var chat int64
	first := true
	for rows.Next() {
		var c, area int64
		if err := rows.Scan(&c, &area); err != nil {
			return fmt.Errorf("count subscribers: %w", err)
		}
		if first || c != chat {
			chat, first = c, false
			clear(counted)
		}
		i, ok := index[area]
		for depth := 0; ok && depth <= maxDepth && !counted[i]; depth++ {
			counted[i] = true
			stats[i].Subscribers++
			i, ok = index[stats[i].Area.ParentID]
		}
	}
	return rows.Err()
}

// countGrowth fills Joined and Ended from the daily counts: an area's
// counts go to it and every area above it, and a merged area's to the area
// it was merged into.
func (db *DB) countGrowth(ctx context.Context, stats []AreaStat, index map[int64]int) error {
	merged := map[int64]int64{}
	rows, err := db.stmts.reads().QueryContext(ctx, `SELECT id, merged_into FROM areas WHERE merged_into IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("read merged areas: %w", err)
	}
	for rows.Next() {
		var id, into int64
		if err := rows.Scan(&id, &into); err != nil {
			rows.Close()
			return fmt.Errorf("read merged areas: %w", err)
		}
		merged[id] = into
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	today := db.now().In(Zone)
	since7 := today.AddDate(0, 0, -6).Format(time.DateOnly)
	since30 := today.AddDate(0, 0, -29).Format(time.DateOnly)
	rows, err = db.stmts.reads().QueryContext(ctx, `SELECT area_id,
			COALESCE(sum(CASE WHEN day >= ?1 THEN joined END), 0), COALESCE(sum(CASE WHEN day >= ?1 THEN ended END), 0),
			sum(joined), sum(ended)
		FROM subscription_days WHERE day >= ?2 GROUP BY area_id`, since7, since30)
	if err != nil {
		return fmt.Errorf("count subscription changes: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var j7, e7, j30, e30 int
		if err := rows.Scan(&id, &j7, &e7, &j30, &e30); err != nil {
			return fmt.Errorf("count subscription changes: %w", err)
		}
		if into, ok := merged[id]; ok {
			id = into
		}
		i, ok := index[id]
		for depth := 0; ok && depth <= maxDepth; depth++ {
			s := &stats[i]
			s.Joined7, s.Ended7, s.Joined30, s.Ended30 = s.Joined7+j7, s.Ended7+e7, s.Joined30+j30, s.Ended30+e30
			i, ok = index[s.Area.ParentID]
		}
	}
	return rows.Err()
}

// Success is the share of a broadcast's finished deliveries that reached
// their chat (sent, out of sent, blocked and failed); ok is false while
// none has finished.
func (c DeliveryCounts) Success() (share float64, ok bool) {
	done := c.Sent + c.Blocked + c.Failed
	if done == 0 {
		return 0, false
	}
	return float64(c.Sent) / float64(done), true
}

// BroadcastsIn returns the latest broadcasts to the given areas or any area
// inside them (nil: every broadcast), newest first, with their delivery counts.
func (db *DB) BroadcastsIn(ctx context.Context, areaIDs []int64, limit int) ([]Broadcast, error) {
	if areaIDs == nil {
		return db.Broadcasts(ctx, 0, limit)
	}
	if len(areaIDs) == 0 {
		return nil, nil
	}
	ids, err := json.Marshal(areaIDs)
	if err != nil {
		return nil, err
	}
	rows, err := db.stmts.reads().QueryContext(ctx, `WITH RECURSIVE subtree (id) AS (
			SELECT value FROM json_each(?1)
			UNION
			SELECT areas.id FROM areas JOIN subtree ON areas.parent_id = subtree.id
		)
		SELECT `+broadcastColumns+` FROM broadcasts b JOIN areas a ON a.id = b.area_id
		WHERE b.area_id IN (SELECT id FROM subtree) ORDER BY b.id DESC LIMIT ?2`, string(ids), limit)
	if err != nil {
		return nil, fmt.Errorf("read broadcasts: %w", err)
	}
	var out []Broadcast
	for rows.Next() {
		b, err := scanBroadcast(rows)
		if err != nil {
			rows.Close()
			return nil, fmt.Errorf("read broadcasts: %w", err)
		}
		out = append(out, b)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Counts, err = db.DeliveryCounts(ctx, out[i].ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
