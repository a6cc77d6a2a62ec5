package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/loaphuong/loaphuong/store"
)

// renderTitles renders items as their titles, one a line: enough to see
// which items a message carries.
func renderTitles(items []store.Item) string {
	var titles []string
	for _, it := range items {
		titles = append(titles, it.Title)
	}
	return strings.Join(titles, "\n")
}

// article is a feed item numbered n on example.vn.
func article(n int) store.Item {
	return store.Item{GUID: fmt.Sprintf("tag:example.vn,2026:%d", n), Link: fmt.Sprintf("https://example.vn/bai-%d.html", n), Title: fmt.Sprintf("Bài %d", n)}
}

// articles returns article(from) to article(to).
func articles(from, to int) []store.Item {
	var out []store.Item
	for n := from; n <= to; n++ {
		out = append(out, article(n))
	}
	return out
}

// received returns, per chat, the texts of the deliveries addressed to it,
// oldest broadcast first.
func received(tb testing.TB, db *store.DB) map[int64][]string {
	tb.Helper()
	rows, err := db.SQL().Query(`SELECT d.chat_id, b.text FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id ORDER BY b.id`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	got := map[int64][]string{}
	for rows.Next() {
		var chat int64
		var text string
		if err := rows.Scan(&chat, &text); err != nil {
			tb.Fatal(err)
		}
		got[chat] = append(got[chat], text)
	}
	return got
}

func mustPoll(tb testing.TB, db *store.DB, id int64, items ...store.Item) store.Relay {
	tb.Helper()
	r, err := db.RecordPoll(context.Background(), id, store.Poll{Items: items, ETag: `"x"`}, renderTitles)
	if err != nil {
		tb.Fatal(err)
	}
	return r
}

func TestRecordPoll_NewItemsOnceAcrossRestarts(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loaphuong.db")
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	areas := mustImportTanPhu(t, db)
	mustSubscribe(t, db, 1, areas["pth-kp3"], store.TopicNews)          // inside the ward: reached
	mustSubscribe(t, db, 2, areas["phu-tho-hoa"], store.AllTopics)      // the ward itself
	mustSubscribe(t, db, 3, areas["phu-tho-hoa"], store.TopicReminders) // not news
	mustSubscribe(t, db, 4, areas["tay-thanh"], store.AllTopics)        // another ward
	// The back catalogue is seen when the source is added.
	s := mustSource(t, db, "https://example.vn/rss", articles(1, 3), areas["phu-tho-hoa"])
	if r := mustPoll(t, db, s.ID, articles(1, 3)...); r.New != 0 || r.Broadcasts != 0 {
		t.Fatalf("the back catalogue was relayed: %+v", r)
	}
	r := mustPoll(t, db, s.ID, articles(1, 5)...)
	if r.New != 2 || r.Relayed != 2 || r.Broadcasts != 2 || r.Deliveries != 4 {
		t.Fatalf("two new items: %+v", r)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	// After a restart the same items are not new; the next one is.
	db, err = store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if r := mustPoll(t, db, s.ID, articles(1, 5)...); r.New != 0 || r.Broadcasts != 0 {
		t.Fatalf("after a restart: %+v", r)
	}
	// The same article again under a new GUID, or a new link with the same
	// GUID, is not new either.
	again := article(5)
	again.GUID = "https://example.vn/?p=5"
	moved := article(4)
	moved.Link = "https://example.vn/bai-4-cap-nhat.html"
	if r := mustPoll(t, db, s.ID, again, moved); r.New != 0 {
		t.Fatalf("the same articles under other keys: %+v", r)
	}
	mustPoll(t, db, s.ID, articles(1, 6)...)
	got := received(t, db)
	for _, chat := range []int64{1, 2} {
		if want := []string{"Bài 4", "Bài 5", "Bài 6"}; strings.Join(got[chat], "|") != strings.Join(want, "|") {
			t.Errorf("chat %d got %q, want %q", chat, got[chat], want)
		}
	}
	for _, chat := range []int64{3, 4} {
		if len(got[chat]) != 0 {
			t.Errorf("chat %d got %q", chat, got[chat])
		}
	}
	var author string
	if err := db.SQL().QueryRow(`SELECT author FROM broadcasts LIMIT 1`).Scan(&author); err != nil || author != fmt.Sprintf("source:%d", s.ID) {
		t.Errorf("author = %q (%v)", author, err)
	}
}

func TestRecordPoll_TwoSourcesOneArticle(t *testing.T) {
	db := MustOpenDB(t)
	areas := mustImportTanPhu(t, db)
	mustSubscribe(t, db, 1, areas["pth-kp3"], store.TopicNews)     // reached by both sources
	mustSubscribe(t, db, 2, areas["phu-tho-hoa"], store.TopicNews) // only by the ward's
	ward := mustSource(t, db, "https://example.vn/rss/thoi-su.rss", nil, areas["phu-tho-hoa"])
	kp := mustSource(t, db, "https://example.vn/rss/tin-moi.rss", nil, areas["pth-kp3"])

	first := store.Item{GUID: "thoi-su-881", Link: "https://example.vn/bai-9.html?utm_source=thoi-su", Title: "Bài 9"}
	if r := mustPoll(t, db, ward.ID, first); r.Deliveries != 2 {
		t.Fatalf("the ward's source: %+v", r)
	}
	// The other feed carries the same article with its own GUID and
	// tracking: chat 1 already has it.
	second := store.Item{GUID: "tin-moi-17", Link: "http://EXAMPLE.vn/bai-9.html#top", Title: "Bài 9 (bản khác)"}
	if r := mustPoll(t, db, kp.ID, second, article(10)); r.New != 2 || r.Relayed != 1 || r.Deliveries != 1 {
		t.Fatalf("the khu phố's source: %+v", r)
	}
	got := received(t, db)
	if strings.Join(got[1], "|") != "Bài 9|Bài 10" || strings.Join(got[2], "|") != "Bài 9" {
		t.Fatalf("received %v", got)
	}
}

func TestRecordPoll_Digest(t *testing.T) {
	db := MustOpenDB(t)
	areas := mustImportTanPhu(t, db)
	for chat := int64(1); chat <= 3; chat++ {
		mustSubscribe(t, db, chat, areas["phu-tho-hoa"], store.TopicNews)
	}
	mustSubscribe(t, db, 4, areas["pth-kp3"], store.TopicNews)
	mustSubscribe(t, db, 5, areas["tay-thanh"], store.TopicNews)
	ward := mustSource(t, db, "https://example.vn/rss", nil, areas["phu-tho-hoa"])
	other := mustSource(t, db, "https://other.vn/rss", nil, areas["pth-kp3"], areas["tay-thanh"])

	// Chat 4 and 5 get two of the articles from another source first.
	if r := mustPoll(t, db, other.ID, article(1), article(2)); r.Deliveries != 4 {
		t.Fatalf("%+v", r)
	}
	// Then seven at once: chats 1-3 lack all seven and get one digest;
	// chat 4 lacks five and gets five messages; chat 5 is not in the ward.
	r := mustPoll(t, db, ward.ID, articles(1, 7)...)
	if r.New != 7 || r.Relayed != 7 || r.Broadcasts != 6 || r.Deliveries != 3+5 {
		t.Fatalf("seven new items: %+v", r)
	}
	got := received(t, db)
	digest := renderTitles(articles(1, 7))
	for chat := int64(1); chat <= 3; chat++ {
		if len(got[chat]) != 1 || got[chat][0] != digest {
			t.Errorf("chat %d got %q, want one digest", chat, got[chat])
		}
	}
	if want := "Bài 1|Bài 2|Bài 3|Bài 4|Bài 5|Bài 6|Bài 7"; strings.Join(got[4], "|") != want {
		t.Errorf("chat 4 got %q, want %q", got[4], want)
	}
	if len(got[5]) != 2 {
		t.Errorf("chat 5 got %q", got[5])
	}

	// More than MaxRelayItems new items: the newest are relayed, in one digest.
	r = mustPoll(t, db, ward.ID, articles(1, 7+store.MaxRelayItems+10)...)
	if r.New != store.MaxRelayItems+10 || r.Relayed != store.MaxRelayItems || r.Broadcasts != 1 {
		t.Fatalf("a flood: %+v", r)
	}
	got = received(t, db)
	if last := got[1][len(got[1])-1]; !strings.HasPrefix(last, "Bài 18\n") || !strings.HasSuffix(last, "\nBài 47") {
		t.Fatalf("the flood's digest = %q", last)
	}
}

func TestRecordPoll_KeywordsNotModifiedPaused(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	areas := mustImportTanPhu(t, db)
	mustSubscribe(t, db, 1, areas["phu-tho-hoa"], store.TopicAnnouncements)
	s := &store.Source{URL: "https://ubnd.vn/thong-bao", Kind: store.SourceHTML, Selector: "h3 a", Topic: store.TopicAnnouncements,
		Areas: []store.Area{areas["phu-tho-hoa"]}, Keywords: []string{"Phú Thọ Hòa"}, ETag: `"v0"`}
	if err := db.CreateSource(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	items := []store.Item{
		{Link: "https://ubnd.vn/1", Title: "Lịch tiếp dân phường PHU THO HOA tháng 4"},
		{Link: "https://ubnd.vn/2", Title: "Thông báo của phường Tây Thạnh"},
	}
	if r := mustPoll(t, db, s.ID, items...); r.New != 2 || r.Relayed != 1 {
		t.Fatalf("keywords: %+v", r)
	}
	// 304 keeps the validators of the last full answer.
	if _, err := db.RecordPoll(ctx, s.ID, store.Poll{NotModified: true, ETag: `"ignored"`}, renderTitles); err != nil {
		t.Fatal(err)
	}
	if got, _ := db.SourceByID(ctx, s.ID); got.ETag != `"x"` {
		t.Fatalf("ETag after 304 = %q", got.ETag)
	}
	// A paused source records nothing.
	if err := db.SetSourcePaused(ctx, s.ID, true, 0); err != nil {
		t.Fatal(err)
	}
	if r := mustPoll(t, db, s.ID, store.Item{Link: "https://ubnd.vn/3", Title: "Phú Thọ Hòa"}); r.New != 0 {
		t.Fatalf("a paused source: %+v", r)
	}
	if err := db.SetSourcePaused(ctx, s.ID, false, 0); err != nil {
		t.Fatal(err)
	}
	if r := mustPoll(t, db, s.ID, store.Item{Link: "https://ubnd.vn/3", Title: "Phú Thọ Hòa"}); r.New != 1 || r.Relayed != 1 {
		t.Fatalf("resumed: %+v", r)
	}
	// Items without a link or a GUID are never new; no subscriber, no broadcast.
	if r := mustPoll(t, db, s.ID, store.Item{Title: "Phú Thọ Hòa"}); r.New != 0 {
		t.Fatalf("an item without keys: %+v", r)
	}
	if _, err := db.Unsubscribe(ctx, 1, areas["phu-tho-hoa"].ID); err != nil {
		t.Fatal(err)
	}
	if r := mustPoll(t, db, s.ID, store.Item{Link: "https://ubnd.vn/4", Title: "Phú Thọ Hòa"}); r.New != 1 || r.Relayed != 0 || r.Broadcasts != 0 {
		t.Fatalf("without subscribers: %+v", r)
	}
	var n int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM relay_chats`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("relay_chats keeps %d rows (%v)", n, err)
	}
}

// TestRecordPoll_TwoProcesses polls the same source from two handles on
// one file at once, as serve and "sources poll" do: each item goes out once.
func TestRecordPoll_TwoProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "loaphuong.db")
	a, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	areas := mustImportTanPhu(t, a)
	for chat := int64(1); chat <= 50; chat++ {
		mustSubscribe(t, a, chat, areas["phu-tho-hoa"], store.TopicNews)
	}
	s := mustSource(t, a, "https://example.vn/rss", nil, areas["phu-tho-hoa"])
	b, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	var wg sync.WaitGroup
	for i := range 8 {
		db := a
		if i%2 == 1 {
			db = b
		}
		wg.Go(func() {
			if _, err := db.RecordPoll(context.Background(), s.ID, store.Poll{Items: articles(1, 3)}, renderTitles); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got := received(t, a)
	for chat := int64(1); chat <= 50; chat++ {
		if len(got[chat]) != 3 {
			t.Fatalf("chat %d got %d messages, want 3", chat, len(got[chat]))
		}
	}
}

func TestItemKeys(t *testing.T) {
	got := store.ItemKeys(store.Item{GUID: " 42 ", Link: "https://Example.vn/a?utm_campaign=x"})
	if strings.Join(got, " ") != "guid:42 link:example.vn/a" {
		t.Fatalf("keys = %q", got)
	}
	if got := store.ItemKeys(store.Item{Link: "https://example.vn/a"}); strings.Join(got, " ") != "link:example.vn/a" {
		t.Fatalf("keys without GUID = %q", got)
	}
	if got := store.ItemKeys(store.Item{Title: "x"}); len(got) != 0 {
		t.Fatalf("keys of an item without link or GUID = %q", got)
	}
}
