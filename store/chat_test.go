package store_test

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// t0 is the start of the fake clocks of the tests.
var t0 = time.Date(2025, 4, 30, 7, 0, 0, 0, time.UTC)

func TestUpsertChat(t *testing.T) {
	db := MustOpenDB(t)
	db.Now = fakeClock(t0)
	ctx := context.Background()

	if err := db.UpsertChat(ctx, store.Chat{ID: 42}); err != nil {
		t.Fatal(err)
	}
	got, err := db.ChatByID(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	want := store.Chat{ID: 42, Type: "private", Status: store.ChatActive, Language: "vi", CreatedAt: t0, UpdatedAt: t0}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("new chat\n%+v, want\n%+v", *got, want)
	}

	// The bot was blocked; then the same chat sends a message again. The
	// message updates the title and language but not the status.
	if err := db.SetChatStatus(ctx, 42, store.ChatBlocked); err != nil {
		t.Fatal(err)
	}
	if err := db.UpsertChat(ctx, store.Chat{ID: 42, Type: "private", Title: "Cô Ba", Language: "en", Status: store.ChatActive}); err != nil {
		t.Fatal(err)
	}
	got, err = db.ChatByID(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	want = store.Chat{ID: 42, Type: "private", Title: "Cô Ba", Status: store.ChatBlocked, Language: "en",
		CreatedAt: t0, UpdatedAt: t0.Add(2 * time.Second)}
	if !reflect.DeepEqual(*got, want) {
		t.Errorf("after update\n%+v, want\n%+v", *got, want)
	}

	// Empty fields keep what is stored.
	if err := db.UpsertChat(ctx, store.Chat{ID: 42}); err != nil {
		t.Fatal(err)
	}
	got, err = db.ChatByID(ctx, 42)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Cô Ba" || got.Language != "en" || got.Type != "private" {
		t.Errorf("empty fields overwrote: %+v", got)
	}

	// A group.
	if err := db.UpsertChat(ctx, store.Chat{ID: -1001234, Type: "supergroup", Title: "Khu phố 3 - Phú Thọ Hòa", QuietHours: "22:00-06:00"}); err != nil {
		t.Fatal(err)
	}
	g, err := db.ChatByID(ctx, -1001234)
	if err != nil {
		t.Fatal(err)
	}
	if g.Type != "supergroup" || g.Title != "Khu phố 3 - Phú Thọ Hòa" || g.QuietHours != "22:00-06:00" || g.Status != store.ChatActive {
		t.Errorf("group = %+v", g)
	}
}

func TestUpsertChat_Invalid(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	for _, c := range []store.Chat{
		{ID: 0},
		{ID: 1, Type: "bogus"},
		{ID: 1, Status: "gone"},
		{ID: 1, Status: store.ChatMigrated},
		{ID: 1, QuietHours: "9pm-6am"},
		{ID: 1, QuietHours: "24:00-06:00"},
	} {
		if err := db.UpsertChat(ctx, c); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("UpsertChat(%+v): %v, want %s", c, err, store.EINVALID)
		}
	}
	if _, err := db.ChatByID(ctx, 1); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("ChatByID after invalid upserts: %v, want %s", err, store.ENOTFOUND)
	}
}

func TestSetChatStatus(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	for _, tt := range []struct {
		status store.ChatStatus
		want   store.ChatStatus
	}{
		{store.ChatBlocked, store.ChatBlocked}, // creates the chat
		{store.ChatLeft, store.ChatLeft},
		{store.ChatActive, store.ChatActive},
	} {
		if err := db.SetChatStatus(ctx, 7, tt.status); err != nil {
			t.Fatal(err)
		}
		c, err := db.ChatByID(ctx, 7)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != tt.want {
			t.Errorf("after SetChatStatus(%s): %s", tt.status, c.Status)
		}
	}
	for _, s := range []store.ChatStatus{store.ChatMigrated, "", "gone"} {
		if err := db.SetChatStatus(ctx, 7, s); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("SetChatStatus(%q): %v, want %s", s, err, store.EINVALID)
		}
	}
	if err := db.SetChatStatus(ctx, 0, store.ChatActive); store.ErrorCode(err) != store.EINVALID {
		t.Errorf("SetChatStatus(0): %v, want %s", err, store.EINVALID)
	}

	// A migrated chat stays migrated, with its pointer.
	if err := db.MigrateChat(ctx, 7, 8); err != nil {
		t.Fatal(err)
	}
	if err := db.SetChatStatus(ctx, 7, store.ChatBlocked); err != nil {
		t.Fatal(err)
	}
	c, err := db.ChatByID(ctx, 7)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != store.ChatMigrated || c.MigratedTo != 8 {
		t.Errorf("migrated chat after SetChatStatus: %+v", c)
	}
}

func TestSetChatQuietHours(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	for _, tt := range []struct {
		in       string
		wantCode string
	}{
		{"21:30-06:00", ""},
		{"off", ""},
		{"", ""},
		{"21:30", store.EINVALID},
		{"25:00-06:00", store.EINVALID},
	} {
		err := db.SetChatQuietHours(ctx, 5, tt.in)
		if got := store.ErrorCode(err); got != tt.wantCode {
			t.Errorf("SetChatQuietHours(%q): %v, want code %q", tt.in, err, tt.wantCode)
			continue
		}
		if err != nil {
			continue
		}
		c, err := db.ChatByID(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		if c.QuietHours != tt.in {
			t.Errorf("quiet hours %q, want %q", c.QuietHours, tt.in)
		}
	}
}

// chatState is what a migration may change: a chat and its subscriptions.
type chatState struct {
	Chat *store.Chat
	Subs []store.Subscription
}

// mustChatState returns a chat (nil if unknown) and its subscriptions.
func mustChatState(tb testing.TB, db *store.DB, id int64) chatState {
	tb.Helper()
	ctx := context.Background()
	c, err := db.ChatByID(ctx, id)
	if store.ErrorCode(err) == store.ENOTFOUND {
		c = nil
	} else if err != nil {
		tb.Fatal(err)
	}
	subs, err := db.Subscriptions(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	return chatState{c, subs}
}

func TestMigrateChat(t *testing.T) {
	const oldID, newID = -4001, -1004001
	for _, tt := range []struct {
		name string
		// newFirst: a message from the new supergroup arrived before the
		// migration was reported, and subscribed it to kp1.
		newFirst bool
	}{
		{"new chat unknown", false},
		{"new chat known", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			db.Now = fakeClock(t0)
			ctx := context.Background()
			byCode := mustImportTanPhu(t, db)
			kp1, kp2 := byCode["pth-kp1"].ID, byCode["pth-kp2"].ID

			if err := db.UpsertChat(ctx, store.Chat{ID: oldID, Type: "group", Title: "Loa KP1", Language: "en"}); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Subscribe(ctx, oldID, kp1, store.TopicAnnouncements); err != nil {
				t.Fatal(err)
			}
			if _, err := db.Subscribe(ctx, oldID, kp2, store.TopicNews); err != nil {
				t.Fatal(err)
			}
			if tt.newFirst {
				if _, err := db.Subscribe(ctx, newID, kp1, store.TopicReminders); err != nil {
					t.Fatal(err)
				}
			}

			if err := db.MigrateChat(ctx, oldID, newID); err != nil {
				t.Fatal(err)
			}

			oldState, newState := mustChatState(t, db, oldID), mustChatState(t, db, newID)
			if c := oldState.Chat; c.Status != store.ChatMigrated || c.MigratedTo != newID {
				t.Errorf("old chat %+v, want migrated to %d", c, newID)
			}
			if len(oldState.Subs) != 0 {
				t.Errorf("old chat keeps %d subscriptions", len(oldState.Subs))
			}
			if c := newState.Chat; c.Type != "supergroup" || c.Title != "Loa KP1" || c.Language != "en" || c.Status != store.ChatActive {
				t.Errorf("new chat %+v, want an active supergroup with the old title and language", c)
			}
			wantTopics := map[string]store.Topic{"pth-kp1": store.TopicAnnouncements, "pth-kp2": store.TopicNews}
			if tt.newFirst {
				wantTopics["pth-kp1"] |= store.TopicReminders
			}
			gotTopics := map[string]store.Topic{}
			for _, s := range newState.Subs {
				gotTopics[s.Area.Code] = s.Topics
			}
			if !reflect.DeepEqual(gotTopics, wantTopics) {
				t.Errorf("new chat topics %v, want %v", gotTopics, wantTopics)
			}
			if n, err := db.CountSubscribers(ctx, kp1); err != nil || n != 1 {
				t.Errorf("CountSubscribers(kp1) = %d, %v; want 1: the old chat no longer counts", n, err)
			}

			// Telegram reports it again from the other side: nothing changes.
			for range 2 {
				if err := db.MigrateChat(ctx, oldID, newID); err != nil {
					t.Fatal(err)
				}
				if got := mustChatState(t, db, oldID); !reflect.DeepEqual(got, oldState) {
					t.Errorf("second call changed the old chat:\n%+v\nwas\n%+v", got, oldState)
				}
				if got := mustChatState(t, db, newID); !reflect.DeepEqual(got, newState) {
					t.Errorf("second call changed the new chat:\n%+v\nwas\n%+v", got, newState)
				}
			}

			// The old id is gone: it cannot subscribe nor migrate elsewhere.
			if _, err := db.Subscribe(ctx, oldID, kp1, store.AllTopics); store.ErrorCode(err) != store.ECONFLICT {
				t.Errorf("Subscribe on the migrated chat: %v, want %s", err, store.ECONFLICT)
			}
			if err := db.MigrateChat(ctx, oldID, -1009999); store.ErrorCode(err) != store.ECONFLICT {
				t.Errorf("MigrateChat to another id: %v, want %s", err, store.ECONFLICT)
			}
			if err := db.MigrateChat(ctx, newID, oldID); store.ErrorCode(err) != store.ECONFLICT {
				t.Errorf("MigrateChat reversed: %v, want %s", err, store.ECONFLICT)
			}
		})
	}
}

func TestMigrateChat_UnknownOld(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	if err := db.MigrateChat(ctx, -77, -10077); err != nil {
		t.Fatal(err)
	}
	c, err := db.ChatByID(ctx, -10077)
	if err != nil {
		t.Fatal(err)
	}
	if c.Type != "supergroup" || c.Status != store.ChatActive {
		t.Errorf("new chat %+v, want an active supergroup", c)
	}
	if _, err := db.ChatByID(ctx, -77); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("old chat: %v, want it still unknown", err)
	}
	for _, ids := range [][2]int64{{0, 1}, {1, 0}, {5, 5}} {
		if err := db.MigrateChat(ctx, ids[0], ids[1]); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("MigrateChat(%d, %d): %v, want %s", ids[0], ids[1], err, store.EINVALID)
		}
	}
}

func TestForgetChat(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	ward := mustImportTanPhu(t, db)["phu-tho-hoa"]
	mustSubscribe(t, db, 42, ward, store.AllTopics)
	mustSubscribe(t, db, 43, ward, store.AllTopics)
	b, _ := mustBroadcast(t, db, ward, store.TopicAnnouncements)
	if err := db.ForgetChat(ctx, 42); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChatByID(ctx, 42); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("chat still there: %v", err)
	}
	if subs, _ := db.Subscriptions(ctx, 42); len(subs) != 0 {
		t.Errorf("subscriptions left: %+v", subs)
	}
	if got := deliveryStates(t, db, b.ID); len(got) != 1 || got[43] != store.DeliveryPending {
		t.Errorf("deliveries = %v, want only chat 43's", got)
	}
	if err := db.ForgetChat(ctx, 42); err != nil {
		t.Errorf("forgetting twice: %v", err)
	}
}
