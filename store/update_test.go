package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

func TestStoredUpdates(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }

	for _, id := range []int64{12, 10, 11} {
		if fresh, err := db.SaveUpdate(ctx, id, []byte(`{"update_id":1}`)); err != nil || !fresh {
			t.Fatalf("SaveUpdate(%d) = %v, %v", id, fresh, err)
		}
	}
	if fresh, err := db.SaveUpdate(ctx, 11, []byte(`{}`)); err != nil || fresh {
		t.Fatalf("SaveUpdate of a repeat = %v, %v; want not fresh", fresh, err)
	}
	if _, err := db.SaveUpdate(ctx, 0, nil); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("SaveUpdate(0): %v", err)
	}
	us, err := db.UnhandledUpdates(ctx, 2)
	if err != nil || len(us) != 2 || us[0].ID != 10 || us[1].ID != 11 {
		t.Fatalf("UnhandledUpdates = %+v, %v", us, err)
	}
	if err := db.MarkUpdatesHandled(ctx, []int64{10, 11}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.CountUnhandledUpdates(ctx); err != nil || n != 1 {
		t.Fatalf("CountUnhandledUpdates = %d, %v", n, err)
	}
	// Telegram sends a handled update again: it is recognised.
	if fresh, err := db.SaveUpdate(ctx, 10, []byte(`{}`)); err != nil || fresh {
		t.Fatalf("a handled update again = %v, %v", fresh, err)
	}
	// A day later the handled ones are forgotten.
	now = now.Add(25 * time.Hour)
	if err := db.MarkUpdatesHandled(ctx, []int64{12}); err != nil {
		t.Fatal(err)
	}
	var rows int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM updates`).Scan(&rows); err != nil || rows != 1 {
		t.Fatalf("rows kept = %d, %v; want the one handled just now", rows, err)
	}
}
