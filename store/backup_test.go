package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/loaphuong/loaphuong/store"
)

// TestBackup_WhileWriting copies the database while another goroutine
// commits subscriptions one by one: the copy opens, passes the integrity
// check, and holds every row committed before the copy began, as an
// unbroken prefix of what the writer wrote.
func TestBackup_WhileWriting(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	areas := mustImportTanPhu(t, db)
	kp := areas["pth-kp3"]
	for id := int64(1); id <= 100; id++ {
		mustSubscribe(t, db, id, kp, store.AllTopics)
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for id := int64(101); ; id++ {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := db.Subscribe(ctx, id, kp.ID, store.AllTopics); err != nil {
				t.Error(err)
				return
			}
		}
	})
	path := filepath.Join(t.TempDir(), "backup.db")
	err := db.Backup(ctx, path)
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Backup(ctx, path); err == nil {
		t.Error("a second backup overwrote the first")
	}

	copyDB, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer copyDB.Close()
	if err := copyDB.Check(ctx); err != nil {
		t.Fatal(err)
	}
	var n, top int64
	if err := copyDB.SQL().QueryRow(`SELECT count(*), max(chat_id) FROM subscriptions`).Scan(&n, &top); err != nil {
		t.Fatal(err)
	}
	if n < 100 || n != top {
		t.Fatalf("the copy holds %d subscriptions up to chat %d: want at least the first 100, without gaps", n, top)
	}
	t.Logf("the copy holds %d subscriptions", n)
}

// BenchmarkBackup copies a database of 100,000 subscribed chats and one
// broadcast to all of them, and reports the copy's size.
func BenchmarkBackup(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	areas := mustImportTanPhu(b, db)
	mustSeedSubscribers(b, db, []store.Area{areas["pth-kp1"], areas["pth-kp2"], areas["pth-kp3"]}, 100_000)
	if _, err := db.CreateBroadcast(ctx, &store.Broadcast{AreaID: areas["phu-tho-hoa"].ID, Topic: store.TopicAnnouncements, Text: "x", Author: "bench"}); err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var size int64
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		path := filepath.Join(dir, fmt.Sprintf("b%d.db", i))
		if err := db.Backup(ctx, path); err != nil {
			b.Fatal(err)
		}
		if st, err := os.Stat(path); err == nil {
			size = st.Size()
		}
	}
	b.ReportMetric(float64(size)/(1<<20), "MB")
}

// BenchmarkAreaStats computes the stats of every area over 100,000
// subscribed chats.
func BenchmarkAreaStats(b *testing.B) {
	ctx := context.Background()
	db := MustOpenDB(b)
	areas := mustImportTanPhu(b, db)
	mustSeedSubscribers(b, db, []store.Area{areas["pth-kp1"], areas["pth-kp2"], areas["pth-kp3-cc-ht"], areas["tsn-kp1"]}, 100_000)
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.AreaStats(ctx); err != nil {
			b.Fatal(err)
		}
	}
}
