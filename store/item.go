package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/bits"
	"net/url"
	"slices"
	"strings"
	"time"
)

// Deduplication is decided here and nowhere else. An item of a source is
// new when neither its GUID nor its canonical link has been seen from that
// source before (the items table, kept across restarts). A new item goes
// to a chat only if no broadcast carrying its canonical link was ever
// addressed to that chat (the broadcast_links table joined with the
// deliveries), whichever source carried it: two feeds with the same
// article reach a chat once. Both checks run in the transaction that
// creates the broadcasts, so two processes polling the same source at once
// cannot both relay an item.

// Relay bounds.
const (
	// DigestOver is the most new items a chat gets one message each for:
	// more, and it gets one digest listing them instead.
	DigestOver = 5
	// MaxRelayItems is the most items relayed from one poll; older new
	// items beyond it are marked seen without being relayed, so a feed that
	// suddenly shows its back catalogue does not flood anyone.
	MaxRelayItems = 30
	// itemRetention is how long an item no longer shown by its source is
	// remembered.
	itemRetention = 90 * 24 * time.Hour
)

// Item is one entry of a source: a feed item or a link of a watched page.
type Item struct {
	GUID      string // the feed's id of the item, if it has one
	Link      string // the absolute URL of the article
	Title     string // plain text
	Summary   string // plain text, short
	Published time.Time
}

// ItemKeys returns the keys an item is remembered by: "guid:" and its GUID
// if it has one, and "link:" and its canonical link if it has one.
func ItemKeys(it Item) []string {
	var keys []string
	if g := strings.TrimSpace(it.GUID); g != "" {
		keys = append(keys, "guid:"+truncateRunes(g, 1000))
	}
	if l := CanonicalLink(it.Link); l != "" {
		keys = append(keys, "link:"+l)
	}
	return keys
}

// trackingParams are query parameters that say where a reader came from,
// not which article it is.
var trackingParams = []string{"fbclid", "gclid", "wt_mc", "wt_zmc", "mc_cid", "mc_eid", "cmpid", "ito"}

// CanonicalLink returns the form of an article's URL that two sources
// linking to the same article share: without scheme, user, fragment,
// default port or tracking parameters (utm_*, fbclid, wt_mc, ...), with the
// host in lower case, the path escaped one way and the query sorted. It is
// "" for anything but an absolute http(s) URL.
func CanonicalLink(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	if p := u.Port(); p != "" && !(scheme == "http" && p == "80") && !(scheme == "https" && p == "443") {
		host += ":" + p
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	q := u.Query()
	for k := range q {
		if lk := strings.ToLower(k); strings.HasPrefix(lk, "utm_") || slices.Contains(trackingParams, lk) {
			q.Del(k)
		}
	}
	out := host + path
	if len(q) > 0 {
		out += "?" + q.Encode()
	}
	return truncateRunes(out, maxSourceURLLen)
}

// markSeen remembers an item of a source and says whether it is new: none
// of its keys was seen before. An item without a key is never new.
func markSeen(ctx context.Context, tx querier, sourceID int64, it Item, now time.Time) (bool, error) {
	keys := ItemKeys(it)
	if len(keys) == 0 {
		return false, nil
	}
	inserted := 0
	for _, k := range keys {
		res, err := tx.ExecContext(ctx, `INSERT INTO items (source_id, key, link, title, seen_at) VALUES (?, ?, ?, ?, ?)
			ON CONFLICT (source_id, key) DO NOTHING`, sourceID, k, truncateRunes(it.Link, maxSourceURLLen), truncateRunes(it.Title, 300), formatTime(now))
		if err != nil {
			return false, fmt.Errorf("mark item of source %d seen: %w", sourceID, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, err
		}
		inserted += int(n)
	}
	return inserted == len(keys), nil
}

// Poll is what one successful poll of a source found.
type Poll struct {
	NotModified bool // the source answered 304: nothing changed
	// ETag and LastModified are the validators of this answer.
	ETag, LastModified string
	// Items are what the source shows, oldest first: the order in which
	// new ones are relayed.
	Items []Item
}

// Relay says what RecordPoll did with a poll.
type Relay struct {
	New        int // items not seen before
	Relayed    int // new items addressed to at least one chat
	Broadcasts int // messages created: one per item, or a digest
	Deliveries int
	// Recovered is set when the source had been failing long enough for its
	// owner to be told, and now answered again.
	Recovered bool
}

// RecordPoll records a successful poll of a source and relays what is new
// in it, all in one transaction: the source's failures are forgotten and
// its next poll set; every item is remembered; the new ones that pass its
// keywords are broadcast to its areas for its topic, each chat getting
// only the articles it has not been sent yet: one message per article, or
// one digest when that is more than DigestOver. render makes the HTML of
// a message from one item, or of a digest from several. A paused source
// records nothing and relays nothing.
func (db *DB) RecordPoll(ctx context.Context, sourceID int64, p Poll, render func([]Item) string) (Relay, error) {
	var r Relay
	now := db.now()
	err := db.update(ctx, func(tx querier) error {
		r = Relay{}
		ss, err := querySources(ctx, tx, `WHERE id = ?`, sourceID)
		if err != nil {
			return err
		}
		if len(ss) == 0 {
			return Errorf(ENOTFOUND, "source %d not found", sourceID)
		}
		s := ss[0]
		if s.Paused {
			return nil
		}
		r.Recovered = s.FailingNotified
		etag, lm := s.ETag, s.LastModified
		if !p.NotModified {
			etag, lm = truncateRunes(p.ETag, 500), truncateRunes(p.LastModified, 100)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE sources SET failures = 0, last_error = '', backoff_until = '', failing_notified = 0,
				next_poll_at = ?, last_polled_at = ?, etag = ?, last_modified = ?, updated_at = ? WHERE id = ?`,
			formatTime(now.Add(s.Interval)), formatTime(now), etag, lm, formatTime(now), sourceID); err != nil {
			return fmt.Errorf("record poll of source %d: %w", sourceID, err)
		}
		if p.NotModified {
			return nil
		}
		var fresh []Item
		for _, it := range p.Items {
			isNew, err := markSeen(ctx, tx, sourceID, it, now)
			if err != nil {
				return err
			}
			if isNew {
				r.New++
				if s.Wants(it) {
					fresh = append(fresh, it)
				}
			}
		}
		if err := forgetItems(ctx, tx, sourceID, p.Items, now); err != nil {
			return err
		}
		if len(fresh) > MaxRelayItems {
			fresh = fresh[len(fresh)-MaxRelayItems:]
		}
		return db.relay(ctx, tx, s, fresh, render, now, &r)
	})
	if err != nil {
		return Relay{}, err
	}
	return r, nil
}

// forgetItems forgets the items of a source seen more than itemRetention
// ago that it no longer shows.
func forgetItems(ctx context.Context, tx querier, sourceID int64, shown []Item, now time.Time) error {
	keys := []string{}
	for _, it := range shown {
		keys = append(keys, ItemKeys(it)...)
	}
	list, err := json.Marshal(keys)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM items WHERE source_id = ? AND seen_at < ? AND key NOT IN (SELECT value FROM json_each(?))`,
		sourceID, formatTime(now.Add(-itemRetention)), string(list))
	if err != nil {
		return fmt.Errorf("forget old items of source %d: %w", sourceID, err)
	}
	return nil
}

// sourceAudience selects, as audience (chat_id), every active chat
// subscribed for the source's topic (?3) to one of the areas of the source
// (?2) or to an area inside one, each once.
const sourceAudience = `WITH RECURSIVE subtree (id) AS (
		SELECT area_id FROM source_areas WHERE source_id = ?2
		UNION
		SELECT areas.id FROM areas JOIN subtree ON areas.parent_id = subtree.id
	),
	audience (chat_id) AS (
		SELECT DISTINCT s.chat_id FROM subscriptions s JOIN chats c ON c.id = s.chat_id
		WHERE s.area_id IN (SELECT id FROM subtree) AND s.topics & ?3 != 0 AND c.status = 'active'
	)`

// relayAudience fills relay_chats with the source's audience, each chat
// with the bit set of the links (?1, a JSON array) it was never addressed
// a broadcast carrying; chats that have them all are left out.
const relayAudience = `INSERT INTO relay_chats (chat_id, mask) ` + sourceAudience + `
	SELECT a.chat_id, sum(1 << n.key) FROM audience a, json_each(?1) n
	WHERE NOT EXISTS (SELECT 1 FROM broadcast_links bl JOIN deliveries d ON d.broadcast_id = bl.broadcast_id
		WHERE bl.link = n.value AND d.chat_id = a.chat_id)
	GROUP BY a.chat_id`

// Addressing a broadcast (?1): to the whole audience of a source (?2, ?3),
// or to the chats of relay_chats that lack every item of the bit set ?2
// and lack exactly one of the bit sets ?3 (a JSON array).
const (
	addressAudience = `INSERT INTO deliveries (broadcast_id, chat_id) ` + sourceAudience + ` SELECT ?1, chat_id FROM audience ORDER BY chat_id`
	addressMasks    = `INSERT INTO deliveries (broadcast_id, chat_id) SELECT ?1, chat_id FROM relay_chats
		WHERE mask & ?2 = ?2 AND mask IN (SELECT value FROM json_each(?3)) ORDER BY chat_id`
)

// relay broadcasts new items to the chats of a source that have not been
// sent them: one message per item, or one digest when a chat lacks more
// than DigestOver of them.
func (db *DB) relay(ctx context.Context, tx querier, s Source, items []Item, render func([]Item) string, now time.Time, r *Relay) error {
	// One item per canonical link: the same article under two GUIDs is one.
	var links []string
	var uniq []Item
	for _, it := range items {
		l := CanonicalLink(it.Link)
		if l == "" || slices.Contains(links, l) {
			continue
		}
		links, uniq = append(links, l), append(uniq, it)
	}
	if len(uniq) == 0 || len(s.Areas) == 0 {
		return nil
	}
	list, err := json.Marshal(links)
	if err != nil {
		return err
	}
	relayed := make([]bool, len(uniq))
	// send creates one broadcast of the items idx, addressed by the
	// statement address with the arguments given after the broadcast's id,
	// if it reaches any chat.
	send := func(idx []int, address string, args ...any) error {
		picked := make([]Item, len(idx))
		for i, j := range idx {
			picked[i] = uniq[j]
		}
		text := render(picked)
		if strings.TrimSpace(text) == "" {
			return Errorf(EINVALID, "source %d: an empty message", s.ID)
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO broadcasts (area_id, topic, text, author, send_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			s.Areas[0].ID, s.Topic, text, fmt.Sprintf("source:%d", s.ID), formatTime(now), formatTime(now))
		if err != nil {
			return fmt.Errorf("relay source %d: %w", s.ID, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return err
		}
		res, err = tx.ExecContext(ctx, address, append([]any{id}, args...)...)
		if err != nil {
			return fmt.Errorf("relay source %d: address: %w", s.ID, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		if n == 0 { // no chat lacks it: nothing to send
			_, err := tx.ExecContext(ctx, `DELETE FROM broadcasts WHERE id = ?`, id)
			return err
		}
		for _, j := range idx {
			if _, err := tx.ExecContext(ctx, `INSERT INTO broadcast_links (link, broadcast_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, links[j], id); err != nil {
				return fmt.Errorf("relay source %d: %w", s.ID, err)
			}
			relayed[j] = true
		}
		r.Broadcasts++
		r.Deliveries += int(n)
		return nil
	}
	// Usually none of the articles was ever sent: every chat lacks them
	// all, and the audience is addressed as it is.
	var sentBefore bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM broadcast_links WHERE link IN (SELECT value FROM json_each(?)))`,
		string(list)).Scan(&sentBefore); err != nil {
		return fmt.Errorf("relay source %d: %w", s.ID, err)
	}
	switch {
	case sentBefore:
		if err := db.relayByMasks(ctx, tx, s, string(list), uniq, send); err != nil {
			return err
		}
	case len(uniq) > DigestOver:
		all := make([]int, len(uniq))
		for j := range all {
			all[j] = j
		}
		if err := send(all, addressAudience, s.ID, s.Topic); err != nil {
			return err
		}
	default:
		for j := range uniq {
			if err := send([]int{j}, addressAudience, s.ID, s.Topic); err != nil {
				return err
			}
		}
	}
	for _, ok := range relayed {
		if ok {
			r.Relayed++
		}
	}
	return nil
}

// relayByMasks addresses new items when some chats already have some of
// them: the chats are grouped by which of the items (links, a JSON array)
// they lack; a group lacking at most DigestOver gets one message per item
// (each item's message shared by every such group), a group lacking more
// gets a digest of what it lacks.
func (db *DB) relayByMasks(ctx context.Context, tx querier, s Source, links string, items []Item, send func([]int, string, ...any) error) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM relay_chats`); err != nil {
		return fmt.Errorf("relay: %w", err)
	}
	if _, err := tx.ExecContext(ctx, relayAudience, links, s.ID, s.Topic); err != nil {
		return fmt.Errorf("relay source %d: address: %w", s.ID, err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT mask FROM relay_chats ORDER BY mask`)
	if err != nil {
		return fmt.Errorf("relay source %d: %w", s.ID, err)
	}
	var small, big []int64
	for rows.Next() {
		var m int64
		if err := rows.Scan(&m); err != nil {
			rows.Close()
			return err
		}
		if bits.OnesCount64(uint64(m)) > DigestOver {
			big = append(big, m)
		} else {
			small = append(small, m)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	smallList, err := json.Marshal(small)
	if err != nil {
		return err
	}
	if len(small) > 0 {
		for j := range items {
			if err := send([]int{j}, addressMasks, int64(1)<<j, string(smallList)); err != nil {
				return err
			}
		}
	}
	for _, m := range big {
		var idx []int
		for j := range items {
			if m&(1<<j) != 0 {
				idx = append(idx, j)
			}
		}
		if err := send(idx, addressMasks, m, fmt.Sprintf("[%d]", m)); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `DELETE FROM relay_chats`)
	return err
}
