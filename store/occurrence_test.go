package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// reminder is a broadcast a campaign's firing makes.
func reminder(a store.Area) store.Broadcast {
	return store.Broadcast{AreaID: a.ID, Topic: store.TopicReminders, Text: "⏰ <b>NHẮC LỊCH</b>", Author: "campaign:1"}
}

func TestFireOccurrences_NeverTwice(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	areas := mustImportTanPhu(t, db)
	mustSubscribe(t, db, 11, areas["pth-kp1"], store.AllTopics)
	mustSubscribe(t, db, 12, areas["pth-kp1"], store.TopicAnnouncements) // not reminders
	at := time.Date(2026, 3, 1, 7, 0, 0, 0, store.Zone)

	fs := []store.Firing{{Key: "schedule:1", At: at, Broadcast: reminder(areas["pth-kp1"])}}
	if err := db.FireOccurrences(ctx, fs); err != nil {
		t.Fatal(err)
	}
	if !fs[0].Fired || fs[0].Deliveries != 1 || fs[0].Broadcast.ID == 0 || !fs[0].Broadcast.SendAt.Equal(at) {
		t.Fatalf("firing = %+v", fs[0])
	}
	// The same occurrence again, as after a restart: nothing happens.
	again := []store.Firing{{Key: "schedule:1", At: at, Broadcast: reminder(areas["pth-kp1"])}}
	if err := db.FireOccurrences(ctx, again); err != nil {
		t.Fatal(err)
	}
	if again[0].Fired || again[0].Broadcast.ID != 0 {
		t.Fatalf("second firing = %+v", again[0])
	}
	bs, _ := db.Broadcasts(ctx, 0, 10)
	if len(bs) != 1 || bs[0].Topic != store.TopicReminders || bs[0].Urgent {
		t.Fatalf("broadcasts = %+v", bs)
	}
	occ, err := db.Occurrences(ctx, "schedule:1")
	if err != nil || len(occ) != 1 || occ[0].Outcome != store.OccurrenceFired || occ[0].BroadcastID != bs[0].ID || !occ[0].At.Equal(at) {
		t.Fatalf("occurrences = %+v, %v", occ, err)
	}
}

func TestFireOccurrences_AreaGone(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	areas := mustImportTanPhu(t, db)
	if err := db.MergeArea(ctx, "pth-kp2", "pth-kp1"); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 1, 7, 0, 0, 0, store.Zone)
	fs := []store.Firing{
		{Key: "schedule:2", At: at, Broadcast: reminder(areas["pth-kp2"])},
		{Key: "schedule:1", At: at, Broadcast: reminder(areas["pth-kp1"])},
	}
	if err := db.FireOccurrences(ctx, fs); err != nil {
		t.Fatal(err)
	}
	if fs[0].Fired || store.ErrorCode(fs[0].Err) != store.EINVALID || !fs[1].Fired {
		t.Fatalf("firings = %+v", fs)
	}
	occ, _ := db.Occurrences(ctx, "schedule:2")
	if len(occ) != 1 || occ[0].Outcome != store.OccurrenceSkipped || occ[0].Reason == "" {
		t.Fatalf("occurrences of the merged area = %+v", occ)
	}
}

func TestSkipOccurrences(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	at := time.Date(2026, 3, 1, 7, 0, 0, 0, store.Zone)
	ats := []time.Time{at, at.Add(24 * time.Hour)}
	if n, err := db.SkipOccurrences(ctx, "schedule:9", ats, "missed"); err != nil || n != 2 {
		t.Fatalf("skip = %d, %v", n, err)
	}
	if n, err := db.SkipOccurrences(ctx, "schedule:9", append(ats, at.Add(48*time.Hour)), "missed"); err != nil || n != 1 {
		t.Fatalf("skip again = %d, %v", n, err)
	}
	occ, _ := db.Occurrences(ctx, "schedule:9")
	if len(occ) != 3 || occ[0].Outcome != store.OccurrenceSkipped || occ[2].Reason != "missed" {
		t.Fatalf("occurrences = %+v", occ)
	}
}
