package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// mustSubscribe subscribes a chat, creating it.
func mustSubscribe(tb testing.TB, db *store.DB, chatID int64, a store.Area, topics store.Topic) {
	tb.Helper()
	if _, err := db.Subscribe(context.Background(), chatID, a.ID, topics); err != nil {
		tb.Fatal(err)
	}
}

// mustBroadcast creates a broadcast and returns it with its delivery count.
func mustBroadcast(tb testing.TB, db *store.DB, a store.Area, topic store.Topic) (*store.Broadcast, int) {
	tb.Helper()
	b := &store.Broadcast{AreaID: a.ID, Topic: topic, Text: "Họp tổ dân phố lúc 19:00", Author: "user:7", AuthorUser: 7}
	n, err := db.CreateBroadcast(context.Background(), b)
	if err != nil {
		tb.Fatal(err)
	}
	return b, n
}

func deliveryStates(tb testing.TB, db *store.DB, id int64) map[int64]store.DeliveryState {
	tb.Helper()
	ds, err := db.Deliveries(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	m := map[int64]store.DeliveryState{}
	for _, d := range ds {
		m[d.ChatID] = d.State
	}
	return m
}

func TestCreateBroadcast_Audience(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	areas := mustImportTanPhu(t, db)
	ward, kp3, building, other := areas["phu-tho-hoa"], areas["pth-kp3"], areas["pth-kp3-cc-ht"], areas["tan-son-nhi"]

	mustSubscribe(t, db, 1, ward, store.AllTopics)              // the ward itself
	mustSubscribe(t, db, 2, kp3, store.AllTopics)               // a khu phố inside
	mustSubscribe(t, db, 3, building, store.AllTopics)          // a building inside that
	mustSubscribe(t, db, 4, other, store.AllTopics)             // another ward
	mustSubscribe(t, db, 5, kp3, store.TopicNews)               // the wrong topic
	mustSubscribe(t, db, 6, ward, store.AllTopics)              // subscribed twice inside
	mustSubscribe(t, db, 6, building, store.TopicAnnouncements) //   gets it once
	mustSubscribe(t, db, -100, kp3, store.TopicAnnouncements)   // a group
	mustSubscribe(t, db, 8, kp3, store.AllTopics)               // blocked the bot
	if err := db.SetChatStatus(ctx, 8, store.ChatBlocked); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		area store.Area
		want []int64
	}{
		{ward, []int64{-100, 1, 2, 3, 6}},
		{kp3, []int64{-100, 2, 3, 6}}, // not 1: aimed lower than its subscription
		{building, []int64{3, 6}},
		{other, []int64{4}},
	}
	for _, tt := range tests {
		t.Run(tt.area.Code, func(t *testing.T) {
			count, err := db.CountAudience(ctx, tt.area.ID, store.TopicAnnouncements)
			if err != nil {
				t.Fatal(err)
			}
			b, n := mustBroadcast(t, db, tt.area, store.TopicAnnouncements)
			if n != len(tt.want) || count != n {
				t.Fatalf("addressed %d chats, counted %d, want %d", n, count, len(tt.want))
			}
			got := deliveryStates(t, db, b.ID)
			for _, id := range tt.want {
				if got[id] != store.DeliveryPending {
					t.Errorf("chat %d: %q, want pending", id, got[id])
				}
			}
		})
	}
}

func TestCreateBroadcast_Invalid(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	areas := mustImportTanPhu(t, db)
	ward := areas["phu-tho-hoa"]
	tests := []struct {
		name string
		b    store.Broadcast
		code string
	}{
		{"empty text", store.Broadcast{AreaID: ward.ID, Topic: store.TopicAnnouncements, Text: "  \n", Author: "cli"}, store.EINVALID},
		{"two topics", store.Broadcast{AreaID: ward.ID, Topic: store.AllTopics, Text: "x", Author: "cli"}, store.EINVALID},
		{"no author", store.Broadcast{AreaID: ward.ID, Topic: store.TopicNews, Text: "x"}, store.EINVALID},
		{"no area", store.Broadcast{AreaID: 9999, Topic: store.TopicNews, Text: "x", Author: "cli"}, store.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.CreateBroadcast(ctx, &tt.b)
			if store.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
		})
	}
	if bs, _ := db.Broadcasts(ctx, 0, 10); len(bs) != 0 {
		t.Fatalf("%d broadcasts stored after refusals", len(bs))
	}
}

func TestBroadcastLifecycle(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	areas := mustImportTanPhu(t, db)
	ward := areas["phu-tho-hoa"]
	for id := int64(1); id <= 6; id++ {
		mustSubscribe(t, db, id, ward, store.AllTopics)
	}
	b, _ := mustBroadcast(t, db, ward, store.TopicAnnouncements)
	other, _ := mustBroadcast(t, db, ward, store.TopicAnnouncements)

	due, err := db.DueBroadcasts(ctx)
	if err != nil || len(due) != 2 || due[0].ID != b.ID {
		t.Fatalf("DueBroadcasts = %v, %v", due, err)
	}
	page, err := db.PendingDeliveries(ctx, b.ID, 2, 2)
	if err != nil || len(page) != 2 || page[0].ChatID != 3 || page[1].ChatID != 4 {
		t.Fatalf("PendingDeliveries after 2 = %+v, %v", page, err)
	}

	err = db.RecordOutcomes(ctx, []store.Delivery{
		{BroadcastID: b.ID, ChatID: 1, State: store.DeliverySent, MessageID: 11},
		{BroadcastID: b.ID, ChatID: 2, State: store.DeliveryBlocked, Reason: "Forbidden: bot was blocked by the user"},
		{BroadcastID: b.ID, ChatID: 3, State: store.DeliveryFailed, Reason: "Bad Request: message is too long"},
		{BroadcastID: b.ID, ChatID: 4, State: store.DeliveryPending, Reason: "Internal Server Error"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if done, err := db.FinishBroadcast(ctx, b.ID); err != nil || done {
		t.Fatalf("FinishBroadcast with pending rows = %v, %v", done, err)
	}
	c, err := db.DeliveryCounts(ctx, b.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (store.DeliveryCounts{Pending: 3, Sent: 1, Blocked: 1, Failed: 1}); c != want {
		t.Fatalf("counts = %+v, want %+v", c, want)
	}
	// The blocked chat is marked, and its delivery of the other broadcast skipped.
	if ch, _ := db.ChatByID(ctx, 2); ch.Status != store.ChatBlocked {
		t.Errorf("chat 2 is %s, want blocked", ch.Status)
	}
	if got := deliveryStates(t, db, other.ID)[2]; got != store.DeliverySkipped {
		t.Errorf("other broadcast to blocked chat: %s, want skipped", got)
	}
	ds, _ := db.Deliveries(ctx, b.ID)
	if ds[3].Attempts != 1 || ds[3].Reason != "Internal Server Error" || ds[3].State != store.DeliveryPending {
		t.Errorf("retried delivery = %+v", ds[3])
	}

	// A group that moves takes its pending deliveries along.
	if err := db.MigrateChat(ctx, 5, -1005); err != nil {
		t.Fatal(err)
	}
	if got := deliveryStates(t, db, b.ID); got[-1005] != store.DeliveryPending || got[5] != "" {
		t.Errorf("after migration: %v", got)
	}

	n, err := db.CancelBroadcast(ctx, b.ID, 7)
	if err != nil || n != 3 {
		t.Fatalf("CancelBroadcast = %d, %v; want 3 skipped", n, err)
	}
	if _, err := db.CancelBroadcast(ctx, b.ID, 7); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("second cancel: %v, want ECONFLICT", err)
	}
	got, err := db.BroadcastByID(ctx, b.ID)
	if err != nil || got.Status != store.BroadcastCancelled || got.Counts.Skipped != 3 || got.FinishedAt.IsZero() {
		t.Fatalf("after cancel: %+v, %v", got, err)
	}

	for _, id := range []int64{1, 3, 4, -1005} {
		if err := db.RecordOutcomes(ctx, []store.Delivery{{BroadcastID: other.ID, ChatID: id, State: store.DeliverySent}}); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.RecordOutcomes(ctx, []store.Delivery{{BroadcastID: other.ID, ChatID: 6, State: store.DeliverySent}}); err != nil {
		t.Fatal(err)
	}
	for i, want := range []bool{true, false} {
		if done, err := db.FinishBroadcast(ctx, other.ID); err != nil || done != want {
			t.Fatalf("FinishBroadcast #%d = %v, %v; want %v", i+1, done, err, want)
		}
	}
	audit, err := db.AuditLog(ctx, 7, 10)
	if err != nil || len(audit) != 3 || audit[0].Action != "cancel" {
		t.Fatalf("audit = %+v, %v", audit, err)
	}
}

func TestDueBroadcasts_UrgentFirstAndScheduled(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := time.Date(2026, 4, 15, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	ward := mustImportTanPhu(t, db)["phu-tho-hoa"]
	mk := func(urgent bool, at time.Time) int64 {
		b := &store.Broadcast{AreaID: ward.ID, Topic: store.TopicAnnouncements, Text: "x", Author: "cli", Urgent: urgent, SendAt: at}
		if _, err := db.CreateBroadcast(ctx, b); err != nil {
			t.Fatal(err)
		}
		return b.ID
	}
	plain := mk(false, time.Time{})
	later := mk(true, now.Add(time.Hour))
	urgent := mk(true, time.Time{})
	due, err := db.DueBroadcasts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, b := range due {
		ids = append(ids, b.ID)
	}
	if fmt.Sprint(ids) != fmt.Sprint([]int64{urgent, plain}) {
		t.Fatalf("due = %v, want urgent %d then %d (not %d, later)", ids, urgent, plain, later)
	}
	now = now.Add(2 * time.Hour)
	if due, _ = db.DueBroadcasts(ctx); len(due) != 3 || due[0].ID != later || due[1].ID != urgent || due[2].ID != plain {
		t.Fatalf("due later = %+v", due)
	}
}

func TestRolesAndInvites(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	areas := mustImportTanPhu(t, db)
	ward, kp3, building, other := areas["phu-tho-hoa"], areas["pth-kp3"], areas["pth-kp3-cc-ht"], areas["tan-son-nhi"]

	if err := db.GrantRole(ctx, store.Role{UserID: 100, AreaID: ward.ID, Name: "Chị Lan"}); err != nil {
		t.Fatal(err)
	}
	scope := []struct {
		area store.Area
		want bool
	}{{ward, true}, {kp3, true}, {building, true}, {other, false}, {areas["hcm"], false}}
	for _, s := range scope {
		if ok, err := db.InScope(ctx, 100, s.area.ID); err != nil || ok != s.want {
			t.Errorf("InScope(%s) = %v, %v; want %v", s.area.Code, ok, err, s.want)
		}
	}

	inv, err := db.CreateInvite(ctx, kp3.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	role, err := db.AcceptInvite(ctx, inv.Code, 200, "Anh Hùng")
	if err != nil || role.AreaID != kp3.ID || role.GrantedBy != 100 {
		t.Fatalf("AcceptInvite = %+v, %v", role, err)
	}
	if _, err := db.AcceptInvite(ctx, inv.Code, 300, "X"); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("second use: %v, want EINVALID", err)
	}
	if _, err := db.AcceptInvite(ctx, "moi_nope", 300, "X"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("unknown invite: %v, want ENOTFOUND", err)
	}
	old, err := db.CreateInvite(ctx, kp3.ID, 100)
	if err != nil {
		t.Fatal(err)
	}
	now = now.Add(store.InviteTTL)
	if _, err := db.AcceptInvite(ctx, old.Code, 300, "X"); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("expired invite: %v, want EINVALID", err)
	}
	if ok, _ := db.InScope(ctx, 200, ward.ID); ok {
		t.Error("khu phố official in scope of the ward")
	}
	if ok, _ := db.InScope(ctx, 200, building.ID); !ok {
		t.Error("khu phố official not in scope of a building inside")
	}

	if err := db.GrantRole(ctx, store.Role{UserID: 1}); err != nil { // admin
		t.Fatal(err)
	}
	roles, err := db.Roles(ctx, 0)
	if err != nil || len(roles) != 3 || !roles[0].Admin() || roles[1].AreaCode != "phu-tho-hoa" {
		t.Fatalf("Roles = %+v, %v", roles, err)
	}
	if ok, _ := db.InScope(ctx, 1, other.ID); !ok {
		t.Error("admin not in scope")
	}
	if err := db.RevokeRole(ctx, 200, kp3.ID); err != nil {
		t.Fatal(err)
	}
	if err := db.RevokeRole(ctx, 200, kp3.ID); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("revoke twice: %v", err)
	}
	if ok, _ := db.InScope(ctx, 200, kp3.ID); ok {
		t.Error("revoked official still in scope")
	}
}

func TestDrafts(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	ward := mustImportTanPhu(t, db)["phu-tho-hoa"]
	if _, err := db.DraftOf(ctx, 5); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("no draft: %v", err)
	}
	at := time.Date(2026, 4, 15, 13, 0, 0, 0, time.UTC)
	d := store.Draft{UserID: 5, ChatID: 5, Step: "text", AreaID: ward.ID, Topic: store.TopicAnnouncements, Text: "<b>", SendAt: at, MessageID: 3}
	if err := db.SaveDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := db.DraftOf(ctx, 5)
	if err != nil || got.Text != "<b>" || !got.SendAt.Equal(at) || got.AreaID != ward.ID || got.Step != "text" {
		t.Fatalf("DraftOf = %+v, %v", got, err)
	}
	if err := db.DeleteDraft(ctx, 5); err != nil {
		t.Fatal(err)
	}
	if _, err := db.DraftOf(ctx, 5); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("after delete: %v", err)
	}
}

// BenchmarkFanOut addresses a broadcast to 100,000 subscribed chats: the
// time from an official's "Gửi" to rows the dispatcher can send.
func BenchmarkFanOut(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	areas := mustImportTanPhu(b, db)
	kps := []store.Area{areas["pth-kp1"], areas["pth-kp2"], areas["pth-kp3"], areas["pth-kp3-cc-ht"], areas["pth-kp10"]}
	const chats = 100_000
	mustSeedSubscribers(b, db, kps, chats)
	b.ResetTimer()
	for b.Loop() {
		n, err := db.CreateBroadcast(ctx, &store.Broadcast{AreaID: areas["phu-tho-hoa"].ID, Topic: store.TopicAnnouncements, Text: "x", Author: "bench"})
		if err != nil || n != chats {
			b.Fatalf("CreateBroadcast = %d, %v", n, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/broadcast")
}

// mustSeedSubscribers subscribes chats 1..n, spread over areas, in one
// transaction per 10,000 through the store's own SQL handle.
func mustSeedSubscribers(tb testing.TB, db *store.DB, areas []store.Area, n int) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	now := time.Now().UTC().Format(time.RFC3339)
	for i := 1; i <= n; i++ {
		if _, err := tx.ExecContext(ctx, `INSERT INTO chats (id, created_at, updated_at) VALUES (?, ?, ?)`, i, now, now); err != nil {
			tb.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (chat_id, area_id, topics, created_at) VALUES (?, ?, 7, ?)`,
			i, areas[i%len(areas)].ID, now); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

func TestPruneBroadcasts(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := time.Date(2026, 6, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	ward := mustImportTanPhu(t, db)["phu-tho-hoa"]
	for id := int64(1); id <= 3; id++ {
		mustSubscribe(t, db, id, ward, store.AllTopics)
	}
	finished := func() *store.Broadcast {
		b, _ := mustBroadcast(t, db, ward, store.TopicAnnouncements)
		for id := int64(1); id <= 3; id++ {
			if err := db.RecordOutcomes(ctx, []store.Delivery{{BroadcastID: b.ID, ChatID: id, State: store.DeliverySent}}); err != nil {
				t.Fatal(err)
			}
		}
		if done, err := db.FinishBroadcast(ctx, b.ID); err != nil || !done {
			t.Fatalf("FinishBroadcast = %v, %v", done, err)
		}
		return b
	}
	old := finished()
	// A reminder's occurrence created it: the record must outlive it.
	if _, err := db.SQL().ExecContext(ctx, `INSERT INTO occurrences (key, at, outcome, broadcast_id, recorded_at)
		VALUES ('schedule:1', '2026-06-01T07:00:00Z', 'fired', ?, '2026-06-01T07:00:00Z')`, old.ID); err != nil {
		t.Fatal(err)
	}
	cancelled, _ := mustBroadcast(t, db, ward, store.TopicAnnouncements)
	if _, err := db.CancelBroadcast(ctx, cancelled.ID, 7); err != nil {
		t.Fatal(err)
	}
	now = now.AddDate(0, 3, 0)
	recent := finished()
	pending, _ := mustBroadcast(t, db, ward, store.TopicAnnouncements)

	b, d, err := db.PruneBroadcasts(ctx, now.AddDate(0, -1, 0))
	if err != nil || b != 2 || d != 6 {
		t.Fatalf("PruneBroadcasts = %d broadcasts, %d deliveries, %v; want 2 and 6", b, d, err)
	}
	var n int
	if err := db.SQL().QueryRowContext(ctx, `SELECT count(*) FROM occurrences WHERE key = 'schedule:1' AND broadcast_id IS NULL`).Scan(&n); err != nil || n != 1 {
		t.Errorf("the occurrence of a pruned broadcast: %d rows, %v", n, err)
	}
	for _, id := range []int64{old.ID, cancelled.ID} {
		if _, err := db.BroadcastByID(ctx, id); store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("broadcast %d kept: %v", id, err)
		}
	}
	for _, id := range []int64{recent.ID, pending.ID} {
		if got, err := db.BroadcastByID(ctx, id); err != nil || got.Counts.Total() != 3 {
			t.Errorf("broadcast %d: %+v, %v", id, got, err)
		}
	}
}
