package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/loaphuong/loaphuong/store"
)

func TestSubscribe(t *testing.T) {
	db := MustOpenDB(t)
	db.Now = fakeClock(t0)
	ctx := context.Background()
	byCode := mustImportTanPhu(t, db)
	kp3, pth, tsn := byCode["pth-kp3"], byCode["phu-tho-hoa"], byCode["tan-son-nhi"]

	// The chat is unknown: subscribing creates it.
	for _, tt := range []struct {
		area        store.Area
		topics      store.Topic
		wantCreated bool
	}{
		{kp3, store.TopicAnnouncements | store.TopicReminders, true},
		{tsn, store.AllTopics, true},
		{pth, store.TopicNews, true},
		// Again: the topics chosen first stay.
		{kp3, store.TopicNews, false},
	} {
		created, err := db.Subscribe(ctx, 1001, tt.area.ID, tt.topics)
		if err != nil {
			t.Fatal(err)
		}
		if created != tt.wantCreated {
			t.Errorf("Subscribe(%s) created = %v, want %v", tt.area.Code, created, tt.wantCreated)
		}
	}
	c, err := db.ChatByID(ctx, 1001)
	if err != nil {
		t.Fatalf("chat not created: %v", err)
	}
	if c.Status != store.ChatActive || c.Type != "private" {
		t.Errorf("created chat %+v", c)
	}

	subs, err := db.Subscriptions(ctx, 1001)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		code, parent string
		topics       store.Topic
	}{
		{"pth-kp3", "phu-tho-hoa", store.TopicAnnouncements | store.TopicReminders},
		{"tan-son-nhi", "hcm", store.AllTopics},
		{"phu-tho-hoa", "hcm", store.TopicNews},
	}
	if len(subs) != len(want) {
		t.Fatalf("%d subscriptions, want %d: %+v", len(subs), len(want), subs)
	}
	for i, w := range want {
		s := subs[i]
		if s.ChatID != 1001 || s.Area.Code != w.code || s.Area.ParentCode != w.parent || s.Topics != w.topics || s.Area.Name == "" {
			t.Errorf("subscription %d = %+v, want %s under %s with topics %b", i, s, w.code, w.parent, w.topics)
		}
		if i > 0 && !s.CreatedAt.After(subs[i-1].CreatedAt) {
			t.Errorf("subscription %d created at %v, not after %v", i, s.CreatedAt, subs[i-1].CreatedAt)
		}
	}

	if subs, err := db.Subscriptions(ctx, 999999); err != nil || len(subs) != 0 {
		t.Errorf("Subscriptions(unknown) = %v, %v; want none", subs, err)
	}
}

func TestSubscribe_Errors(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	byCode := mustImportTanPhu(t, db)
	kp1 := byCode["pth-kp1"].ID
	if err := db.MergeArea(ctx, "pth-kp2", "pth-kp1"); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		chat   int64
		area   int64
		topics store.Topic
		want   string
	}{
		{"no topic", 1, kp1, 0, store.EINVALID},
		{"unknown topic", 1, kp1, 8, store.EINVALID},
		{"negative topics", 1, kp1, -1, store.EINVALID},
		{"missing area", 1, 123456, store.AllTopics, store.ENOTFOUND},
		{"merged area", 1, byCode["pth-kp2"].ID, store.AllTopics, store.EINVALID},
		{"chat 0", 0, kp1, store.AllTopics, store.EINVALID},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := db.Subscribe(ctx, tt.chat, tt.area, tt.topics)
			if got := store.ErrorCode(err); got != tt.want {
				t.Errorf("Subscribe: %v (code %q), want %s", err, got, tt.want)
			}
		})
	}
	if _, err := db.ChatByID(ctx, 1); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("a failed Subscribe created the chat: %v", err)
	}
}

func TestSubscribe_ReactivatesChat(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	byCode := mustImportTanPhu(t, db)
	for _, status := range []store.ChatStatus{store.ChatBlocked, store.ChatLeft} {
		if err := db.SetChatStatus(ctx, 5, status); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Subscribe(ctx, 5, byCode["pth-kp1"].ID, store.AllTopics); err != nil {
			t.Fatal(err)
		}
		c, err := db.ChatByID(ctx, 5)
		if err != nil {
			t.Fatal(err)
		}
		if c.Status != store.ChatActive {
			t.Errorf("after %s and Subscribe, status %s, want active", status, c.Status)
		}
	}
}

func TestSetTopics(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	byCode := mustImportTanPhu(t, db)
	kp1, kp2 := byCode["pth-kp1"].ID, byCode["pth-kp2"].ID
	if _, err := db.Subscribe(ctx, 9, kp1, store.TopicAnnouncements); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		area   int64
		topics store.Topic
		want   string
	}{
		{"set", kp1, store.TopicNews | store.TopicReminders, ""},
		{"zero", kp1, 0, store.EINVALID},
		{"unknown bit", kp1, store.AllTopics | 16, store.EINVALID},
		{"not subscribed", kp2, store.TopicNews, store.ENOTFOUND},
	} {
		err := db.SetTopics(ctx, 9, tt.area, tt.topics)
		if got := store.ErrorCode(err); got != tt.want {
			t.Errorf("%s: %v (code %q), want %q", tt.name, err, got, tt.want)
		}
	}
	subs, err := db.Subscriptions(ctx, 9)
	if err != nil {
		t.Fatal(err)
	}
	if len(subs) != 1 || subs[0].Topics != store.TopicNews|store.TopicReminders {
		t.Errorf("subscriptions %+v, want kp1 with news and reminders", subs)
	}
}

func TestUnsubscribe(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	byCode := mustImportTanPhu(t, db)
	for _, code := range []string{"pth-kp1", "pth-kp2", "tan-phu"} {
		if _, err := db.Subscribe(ctx, 3, byCode[code].ID, store.AllTopics); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Subscribe(ctx, 4, byCode["pth-kp1"].ID, store.AllTopics); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		code string
		want bool
	}{{"pth-kp2", true}, {"pth-kp2", false}, {"tay-thanh", false}} {
		ok, err := db.Unsubscribe(ctx, 3, byCode[tt.code].ID)
		if err != nil || ok != tt.want {
			t.Errorf("Unsubscribe(%s) = %v, %v; want %v", tt.code, ok, err, tt.want)
		}
	}
	if n, err := db.UnsubscribeAll(ctx, 3); err != nil || n != 2 {
		t.Errorf("UnsubscribeAll = %d, %v; want 2", n, err)
	}
	if n, err := db.UnsubscribeAll(ctx, 3); err != nil || n != 0 {
		t.Errorf("UnsubscribeAll again = %d, %v; want 0", n, err)
	}
	// Another chat's subscription is untouched.
	if subs, err := db.Subscriptions(ctx, 4); err != nil || len(subs) != 1 {
		t.Errorf("chat 4 subscriptions %+v, %v; want 1", subs, err)
	}
}

func TestCountSubscribers(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	byCode := mustImportTanPhu(t, db)
	for _, s := range []struct {
		chat int64
		code string
	}{
		{1, "hcm"},
		{2, "phu-tho-hoa"},
		{3, "pth-kp3"},
		{4, "pth-kp3"}, // blocked below
		{5, "tan-son-nhi"},
		{6, "hcm"}, {6, "pth-kp3"}, // counted once
		{7, "pth-kp3-cc-ht"}, // below: does not receive what is sent to pth-kp3
		{8, "pth-kp1"},       // a sibling
	} {
		if _, err := db.Subscribe(ctx, s.chat, byCode[s.code].ID, store.AllTopics); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.SetChatStatus(ctx, 4, store.ChatBlocked); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		code string
		want int
	}{
		{"hcm", 2},           // 1, 6
		{"phu-tho-hoa", 3},   // 1, 2, 6
		{"pth-kp3", 4},       // 1, 2, 3, 6
		{"pth-kp3-cc-ht", 5}, // 1, 2, 3, 6, 7
		{"tan-son-nhi", 3},   // 1, 5, 6
		{"tsn-kp1", 3},       // 1, 5, 6
		{"pth-kp1", 4},       // 1, 2, 6, 8
	} {
		n, err := db.CountSubscribers(ctx, byCode[tt.code].ID)
		if err != nil {
			t.Fatal(err)
		}
		if n != tt.want {
			t.Errorf("CountSubscribers(%s) = %d, want %d", tt.code, n, tt.want)
		}
	}
	if _, err := db.CountSubscribers(ctx, 999999); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("CountSubscribers(missing): %v, want %s", err, store.ENOTFOUND)
	}
}

func TestSubscribe_Concurrent(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	byCode := mustImportTanPhu(t, db)
	area := byCode["pth-kp3"].ID

	const workers, perWorker = 8, 500
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	start := make(chan struct{})
	for w := range workers {
		wg.Go(func() {
			<-start
			for i := range perWorker {
				chat := int64(w*perWorker + i + 1)
				if _, err := db.Subscribe(ctx, chat, area, store.AllTopics); err != nil {
					errs <- fmt.Errorf("chat %d: %w", chat, err)
				}
			}
		})
	}
	close(start)
	// Readers at the same time, as the bot answers while it subscribes.
	for range 200 {
		if _, err := db.CountSubscribers(ctx, area); err != nil {
			errs <- err
		}
	}
	wg.Wait()
	close(errs)
	n := 0
	for err := range errs {
		if n < 5 {
			t.Error(err)
		}
		n++
	}
	if n > 0 {
		t.Fatalf("%d errors", n)
	}
	if got, err := db.CountSubscribers(ctx, area); err != nil || got != workers*perWorker {
		t.Errorf("CountSubscribers = %d, %v; want %d", got, err, workers*perWorker)
	}
}

func BenchmarkSubscribe(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	byCode := mustImportTanPhu(b, db)
	area := byCode["pth-kp3"].ID
	chat := int64(0)
	for b.Loop() {
		chat++
		if _, err := db.Subscribe(ctx, chat, area, store.AllTopics); err != nil {
			b.Fatal(err)
		}
	}
}
