package scheduler_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// seedSchedules stores n campaigns of one schedule each, spread over
// areas, with as many different specs as a city would type: the presets,
// and cron expressions at every minute, hour and weekday. They are written
// in one transaction with SQL, as an import would, to keep the setup short.
func seedSchedules(tb testing.TB, db *store.DB, n int, created time.Time) {
	tb.Helper()
	ctx := context.Background()
	var areas []store.Area
	areas = append(areas, store.Area{Code: "hcm", Kind: store.KindCity, Name: "Thành phố Hồ Chí Minh"})
	for w := 0; w < 10; w++ {
		areas = append(areas, store.Area{Code: fmt.Sprintf("w%d", w), ParentCode: "hcm", Kind: store.KindWard, Name: fmt.Sprintf("Phường %d", w)})
		for q := 0; q < 10; q++ {
			areas = append(areas, store.Area{Code: fmt.Sprintf("w%d-kp%d", w, q), ParentCode: fmt.Sprintf("w%d", w), Kind: store.KindQuarter,
				Name: fmt.Sprintf("Khu phố %d", q)})
		}
	}
	if _, err := db.ImportAreas(ctx, areas); err != nil {
		tb.Fatal(err)
	}
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	at := created.UTC().Format(time.RFC3339Nano)
	for i := 0; i < n; i++ {
		spec := fmt.Sprintf("%d %d * * %d", i%60, (i/60)%24, (i/1440)%7)
		if i%5 == 0 {
			spec = scheduler.Presets[(i/5)%len(scheduler.Presets)]
		}
		res, err := tx.ExecContext(ctx, `INSERT INTO campaigns (title, text, active_since, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			fmt.Sprintf("Phong trào %d", i), "Nội dung lời nhắc của phong trào", at, at, at)
		if err != nil {
			tb.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_schedules (campaign_id, area_id, spec, created_at)
			VALUES (?, (SELECT id FROM areas WHERE code = ?), ?, ?)`, id, fmt.Sprintf("w%d-kp%d", i%10, (i/10)%10), spec, at); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// BenchmarkLoad10k loads 10,000 campaign schedules from SQLite (plus the
// built-in catalogue's countdowns) and computes the next firing of each,
// as serve does at start and whenever campaigns change. MB-heap is the
// live heap the loaded scheduler holds.
func BenchmarkLoad10k(b *testing.B) {
	const n = 10000
	db := mustOpenDB(b)
	created := time.Date(2026, 3, 1, 6, 0, 30, 0, store.Zone)
	seedSchedules(b, db, n, created)
	if _, err := scheduler.EnsureCatalogue(context.Background(), db); err != nil {
		b.Fatal(err)
	}
	now := func() time.Time { return created.Add(time.Second) }
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var heap uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if err := db.SetState(context.Background(), "scheduler.mark", ""); err != nil {
			b.Fatal(err)
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		b.StartTimer()

		s := scheduler.New(scheduler.Config{Store: db, Logger: log, Now: now})
		if err := s.Check(context.Background()); err != nil {
			b.Fatal(err)
		}

		b.StopTimer()
		runtime.GC()
		runtime.ReadMemStats(&after)
		if after.HeapAlloc > before.HeapAlloc {
			heap = max(heap, after.HeapAlloc-before.HeapAlloc)
		}
		next, jobs := s.Next()
		if jobs < n || next.IsZero() || st(s).Fired+st(s).CaughtUp+st(s).Skipped != 0 {
			b.Fatalf("%d schedules, next %v, stats %+v", jobs, next, s.Stats())
		}
		runtime.KeepAlive(s)
		b.StartTimer()
	}
	b.ReportMetric(float64(heap)/(1<<20), "MB-heap")
}

func st(s *scheduler.Scheduler) scheduler.Stats { return s.Stats() }

// BenchmarkEnqueueLateness runs the scheduler on the real clock with 1,000
// campaigns of 100 khu phố (10 subscribers each) all due at the same
// second, the worst case of "every Sunday at 7:00", and reports how late
// the reminders were enqueued after their time: the longest and the median.
func BenchmarkEnqueueLateness(b *testing.B) {
	const n = 1000
	db := mustOpenDB(b)
	seedSchedules(b, db, 0, time.Now())
	ctx := context.Background()
	areas, err := db.ListAreas(ctx)
	if err != nil {
		b.Fatal(err)
	}
	chat := int64(1)
	var quarters []store.Area
	for _, a := range areas {
		if a.Kind != store.KindQuarter {
			continue
		}
		quarters = append(quarters, a)
		for range 10 {
			if _, err := db.Subscribe(ctx, chat, a.ID, store.AllTopics); err != nil {
				b.Fatal(err)
			}
			chat++
		}
	}
	var worst, median time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		fire := time.Now().Add(2 * time.Second).Truncate(time.Second).Add(time.Second).In(store.Zone)
		spec := fmt.Sprintf("%d %d %d * * *", fire.Second(), fire.Minute(), fire.Hour())
		addCampaigns(b, db, quarters, n, spec)
		enqueued := make(chan struct{}, 16)
		s := scheduler.New(scheduler.Config{Store: db, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			OnEnqueue: func() { enqueued <- struct{}{} }})
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- s.Run(runCtx) }()
		if left := time.Until(fire); left < 500*time.Millisecond {
			b.Fatalf("the setup took too long: %v left before the firing", left)
		}
		b.StartTimer()
		for s.Stats().Fired+s.Stats().CaughtUp < n {
			select {
			case <-enqueued:
			case <-time.After(30 * time.Second):
				b.Fatalf("fired %+v of %d", s.Stats(), n)
			}
		}
		b.StopTimer()
		cancel()
		if err := <-done; err != nil {
			b.Fatal(err)
		}
		var lates []time.Duration
		bs, err := db.Broadcasts(ctx, 0, 2*n)
		if err != nil {
			b.Fatal(err)
		}
		for _, bc := range bs {
			if bc.SendAt.Equal(fire) {
				lates = append(lates, bc.CreatedAt.Sub(fire))
			}
		}
		if len(lates) != n {
			b.Fatalf("%d broadcasts at %v, want %d", len(lates), fire, n)
		}
		sort.Slice(lates, func(i, j int) bool { return lates[i] < lates[j] })
		worst, median = max(worst, lates[n-1]), lates[n/2]
		if _, err := db.SQL().ExecContext(ctx, `UPDATE campaigns SET status = 'ended'`); err != nil { // quiet for the next round
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(worst.Microseconds())/1000, "ms-late-max")
	b.ReportMetric(float64(median.Microseconds())/1000, "ms-late-p50")
}

// addCampaigns stores n campaigns on a spec over the quarters, in one
// transaction, as an import would: the setup must end well before the
// firing it waits for.
func addCampaigns(tb testing.TB, db *store.DB, quarters []store.Area, n int, spec string) {
	tb.Helper()
	ctx := context.Background()
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	at := time.Now().UTC().Format(time.RFC3339Nano)
	for k := 0; k < n; k++ {
		res, err := tx.ExecContext(ctx, `INSERT INTO campaigns (title, text, active_since, created_at, updated_at) VALUES (?, ?, ?, ?, ?)`,
			fmt.Sprintf("Phong trào %d", k), "Mời bà con tham gia", at, at, at)
		if err != nil {
			tb.Fatal(err)
		}
		id, _ := res.LastInsertId()
		if _, err := tx.ExecContext(ctx, `INSERT INTO campaign_schedules (campaign_id, area_id, spec, created_at) VALUES (?, ?, ?, ?)`,
			id, quarters[k%len(quarters)].ID, spec, at); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}
