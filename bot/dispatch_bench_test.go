package bot_test

import (
	"context"
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/store"
)

// seedSubscribers subscribes chats first..first+n-1 to the area with code,
// in one transaction through the store's own handle: a hundred thousand
// Subscribe calls would take longer than the benchmark.
func seedSubscribers(tb testing.TB, db *store.DB, code string, first int64, n int) {
	tb.Helper()
	a := mustArea(tb, db, code)
	ctx := context.Background()
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		tb.Fatal(err)
	}
	defer tx.Rollback()
	now := time.Now().UTC().Format(time.RFC3339)
	for id := first; id < first+int64(n); id++ {
		if _, err := tx.ExecContext(ctx, `INSERT INTO chats (id, created_at, updated_at) VALUES (?, ?, ?)`, id, now, now); err != nil {
			tb.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (chat_id, area_id, topics, created_at) VALUES (?, ?, 7, ?)`, id, a.ID, now); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		tb.Fatal(err)
	}
}

// sendTimes returns when the server accepted each message of a broadcast,
// in order: the messages to the official's chat are reports, not deliveries.
func sendTimes(srv *telegramtest.Server) []time.Time {
	var ts []time.Time
	official := fmt.Sprint(officialChat)
	for _, r := range srv.Requests() {
		if (r.Method == "sendMessage" || r.Method == "sendPhoto") && r.Status == 200 && r.Params.Get("chat_id") != official {
			ts = append(ts, r.Time)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	return ts
}

// benchDelivery delivers one broadcast to b.N chats against a server with
// the limits given and reports the rate the server saw, the share of 429s,
// and the rate with every outcome committed.
func benchDelivery(b *testing.B, limits telegramtest.Limits, cfg bot.Config) {
	srv, db := newOutbox(b)
	srv.SetLimits(limits)
	seedSubscribers(b, db, "kp8-phu-tho-hoa", 1_000_000, b.N)
	bc, n := enqueue(b, db, "kp8-phu-tho-hoa", "Lịch tiêm chủng mở rộng tháng 5", false)
	if n != b.N {
		b.Fatalf("addressed %d chats, want %d", n, b.N)
	}
	b.ResetTimer()
	start := time.Now()
	e := runBot(b, srv, db, cfg)
	got := e.finishedWithin(b, bc.ID, 10*time.Second+time.Duration(b.N)*time.Second/25)
	durable := time.Since(start)
	b.StopTimer()
	if got.Counts.Sent != b.N {
		b.Fatalf("counts = %+v", got.Counts)
	}
	ts := sendTimes(srv)
	st := srv.Stats()
	if len(ts) > 1 {
		b.ReportMetric(float64(len(ts)-1)/ts[len(ts)-1].Sub(ts[0]).Seconds(), "msg/s")
	}
	b.ReportMetric(float64(b.N)/durable.Seconds(), "durable-msg/s")
	b.ReportMetric(100*float64(st.TooMany)/float64(st.TooMany+st.Sent), "%429")
}

// BenchmarkDispatch measures delivery against Telegram's limits: the free
// 30 messages a second, the paid 1000, and none at all (the dispatcher's
// own ceiling). Run with -benchtime 3000x for a 3,000-chat broadcast.
func BenchmarkDispatch(b *testing.B) {
	b.Run("limit=30", func(b *testing.B) {
		benchDelivery(b, telegramtest.Limits{Overall: 30}, bot.Config{})
	})
	b.Run("paid=1000", func(b *testing.B) {
		benchDelivery(b, telegramtest.Limits{Overall: 30, Paid: 1000}, bot.Config{PaidBroadcast: true})
	})
	b.Run("unlimited", func(b *testing.B) {
		benchDelivery(b, telegramtest.Limits{}, bot.Config{Rate: -1})
	})
}

// BenchmarkUrgentDuringDrain measures how long an urgent broadcast waits
// while a 100,000-chat broadcast drains at 30 messages a second: from the
// official's "Gửi" (the broadcast stored, the dispatcher woken) to its
// message at the server.
func BenchmarkUrgentDuringDrain(b *testing.B) {
	srv, db := newOutbox(b)
	srv.SetLimits(telegramtest.Limits{Overall: 30})
	seedSubscribers(b, db, "kp9-phu-tho-hoa", 1_000_000, 100_000)
	big, _ := enqueue(b, db, "kp9-phu-tho-hoa", "Thông báo chung", false)
	const resident = 42
	subscribeChats(b, db, "kp10-phu-tho-hoa", resident)
	e := runBot(b, srv, db, bot.Config{PerChat: -1})
	e.wait(b, func() bool { return srv.Stats().Sent >= 30 }) // the drain is under way

	var worst time.Duration
	b.ResetTimer()
	for i := range b.N {
		start := time.Now()
		enqueue(b, db, "kp10-phu-tho-hoa", fmt.Sprintf("Khẩn #%d", i), true)
		e.bot.Wake()
		e.message(b, resident, i+1)
		worst = max(worst, time.Since(start))
	}
	b.StopTimer()
	b.ReportMetric(float64(worst.Milliseconds()), "worst-ms")
	if c, _ := db.DeliveryCounts(context.Background(), big.ID); c.Pending == 0 {
		b.Fatal("the big broadcast finished: the urgent one did not overtake it")
	}
}
