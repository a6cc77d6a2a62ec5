package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

func statsByCode(tb testing.TB, db *store.DB) map[string]store.AreaStat {
	tb.Helper()
	stats, err := db.AreaStats(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	m := map[string]store.AreaStat{}
	for _, s := range stats {
		m[s.Area.Code] = s
	}
	return m
}

func TestAreaStats(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	areas := mustImportTanPhu(t, db)
	ward, kp1, kp3, building := areas["phu-tho-hoa"], areas["pth-kp1"], areas["pth-kp3"], areas["pth-kp3-cc-ht"]

	now := time.Date(2026, 4, 30, 10, 0, 0, 0, store.Zone)
	at := func(t time.Time) { db.Now = func() time.Time { return t } }

	at(now.AddDate(0, 0, -40)) // long ago
	mustSubscribe(t, db, 1, ward, store.AllTopics)
	at(now.AddDate(0, 0, -20)) // this month
	mustSubscribe(t, db, 2, kp1, store.AllTopics)
	mustSubscribe(t, db, 3, kp3, store.AllTopics)
	at(now.AddDate(0, 0, -2)) // this week
	mustSubscribe(t, db, 4, building, store.AllTopics)
	mustSubscribe(t, db, 1, kp3, store.AllTopics) // chat 1 twice in the ward: counted once
	mustSubscribe(t, db, 5, kp1, store.AllTopics)
	if _, err := db.Unsubscribe(ctx, 2, kp1.ID); err != nil { // one leaves
		t.Fatal(err)
	}
	if err := db.SetChatStatus(ctx, 3, store.ChatBlocked); err != nil { // one blocks the bot
		t.Fatal(err)
	}
	if err := db.SetChatStatus(ctx, 3, store.ChatBlocked); err != nil { // said twice, counted once
		t.Fatal(err)
	}
	at(now)

	s := statsByCode(t, db)
	type want struct{ subs, g7, g30, j7, e7 int }
	for code, w := range map[string]want{
		"phu-tho-hoa":   {subs: 3, g7: 3 - 2, g30: 5 - 2, j7: 3, e7: 2}, // chats 1, 4, 5
		"pth-kp1":       {subs: 1, g7: 0, g30: 1, j7: 1, e7: 1},
		"pth-kp3":       {subs: 2, g7: 2 - 1, g30: 3 - 1, j7: 2, e7: 1}, // chats 1 and 4
		"pth-kp3-cc-ht": {subs: 1, g7: 1, g30: 1, j7: 1},
		"hcm":           {subs: 3, g7: 1, g30: 3, j7: 3, e7: 2},
		"tan-son-nhi":   {},
	} {
		got := s[code]
		if got.Subscribers != w.subs || got.Growth7() != w.g7 || got.Growth30() != w.g30 || got.Joined7 != w.j7 || got.Ended7 != w.e7 {
			t.Errorf("%s: %+v, want %+v", code, got, w)
		}
	}
	if s["hcm"].Depth != 0 || s["phu-tho-hoa"].Depth != 1 || s["pth-kp3-cc-ht"].Depth != 3 {
		t.Errorf("depths: %d %d %d", s["hcm"].Depth, s["phu-tho-hoa"].Depth, s["pth-kp3-cc-ht"].Depth)
	}

	// The chat comes back: its subscriptions count again.
	if _, err := db.Subscribe(ctx, 3, kp1.ID, store.AllTopics); err != nil {
		t.Fatal(err)
	}
	if got := statsByCode(t, db)["phu-tho-hoa"]; got.Subscribers != 4 || got.Joined7 != 5 {
		t.Errorf("after chat 3 came back: %+v", got)
	}

	// A merge moves subscriptions: it is neither a join nor an end, and the
	// merged area's past counts go to the area it went into.
	before := statsByCode(t, db)["hcm"]
	if err := db.MergeArea(ctx, "pth-kp1", "pth-kp3"); err != nil {
		t.Fatal(err)
	}
	after := statsByCode(t, db)
	if after["hcm"].Joined30 != before.Joined30 || after["hcm"].Ended30 != before.Ended30 {
		t.Errorf("merge changed the counts: %+v -> %+v", before, after["hcm"])
	}
	if got := after["pth-kp3"]; got.Joined30 != 4+3 { // its own 4 (chat 3 came back) and kp1's 3
		t.Errorf("kp3 after the merge: %+v", got)
	}
}

func TestBroadcastsIn(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	areas := mustImportTanPhu(t, db)
	mustSubscribe(t, db, 1, areas["pth-kp3"], store.AllTopics)
	mustSubscribe(t, db, 2, areas["pth-kp3"], store.AllTopics)
	inside, _ := mustBroadcast(t, db, areas["pth-kp3"], store.TopicAnnouncements)
	ward, _ := mustBroadcast(t, db, areas["phu-tho-hoa"], store.TopicAnnouncements)
	other, _ := mustBroadcast(t, db, areas["tan-son-nhi"], store.TopicAnnouncements)
	if err := db.RecordOutcomes(ctx, []store.Delivery{
		{BroadcastID: inside.ID, ChatID: 1, State: store.DeliverySent, MessageID: 5},
		{BroadcastID: inside.ID, ChatID: 2, State: store.DeliveryBlocked},
	}); err != nil {
		t.Fatal(err)
	}

	bs, err := db.BroadcastsIn(ctx, []int64{areas["pth-kp3"].ID}, 10)
	if err != nil || len(bs) != 1 || bs[0].ID != inside.ID {
		t.Fatalf("in kp3: %+v, %v", bs, err)
	}
	if share, ok := bs[0].Counts.Success(); !ok || share != 0.5 {
		t.Errorf("success = %v, %v; want 0.5", share, ok)
	}
	bs, err = db.BroadcastsIn(ctx, []int64{areas["phu-tho-hoa"].ID}, 10)
	if err != nil || len(bs) != 2 || bs[0].ID != ward.ID || bs[1].ID != inside.ID {
		t.Fatalf("in the ward: %+v, %v", bs, err)
	}
	if bs, err := db.BroadcastsIn(ctx, nil, 2); err != nil || len(bs) != 2 || bs[0].ID != other.ID {
		t.Fatalf("everything, 2: %+v, %v", bs, err)
	}
	if bs, err := db.BroadcastsIn(ctx, []int64{}, 10); err != nil || len(bs) != 0 {
		t.Fatalf("nothing in scope: %+v, %v", bs, err)
	}
	if _, ok := (store.DeliveryCounts{Pending: 3}).Success(); ok {
		t.Error("success of nothing finished")
	}
}
