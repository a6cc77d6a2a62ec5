package bot_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

// BenchmarkFlashCrowd is a QR poster that just went up: b.N different
// residents send "/start CODE" at once. It reports updates handled per
// second, from the first update queued to the last reply received.
func BenchmarkFlashCrowd(b *testing.B) {
	e := startBot(b, bot.Config{})
	b.ResetTimer()
	start := time.Now()
	var last int
	for i := range b.N {
		u := telegramtest.User{ID: int64(10_000_000 + i), FirstName: "Cư dân"}
		last = e.srv.SendDeepLink(u, "kp3-phu-tho-hoa")
	}
	e.handled(b, last)
	elapsed := time.Since(start)
	b.StopTimer()
	if got := e.srv.Count("sendMessage"); got < b.N {
		b.Fatalf("%d replies for %d updates", got, b.N)
	}
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "updates/s")
}

// BenchmarkFlashCrowdLatency sends "/start CODE" from b.N different
// residents at 2,000 a second and reports the time from an update being
// queued to its reply reaching Telegram: median and 99th percentile.
func BenchmarkFlashCrowdLatency(b *testing.B) {
	const rate = 2000
	e := startBot(b, bot.Config{})
	queued := make([]time.Time, b.N)
	users := make([]int64, b.N)
	b.ResetTimer()
	start := time.Now()
	var last int
	for i := range b.N {
		// The load generator keeps to its schedule; the bot is not waited on.
		if d := time.Until(start.Add(time.Duration(i) * time.Second / rate)); d > 0 {
			time.Sleep(d)
		}
		users[i] = int64(20_000_000 + i)
		queued[i] = time.Now()
		last = e.srv.SendDeepLink(telegramtest.User{ID: users[i], FirstName: "Cư dân"}, fmt.Sprint("kp", 1+i%10, "-phu-tho-hoa"))
	}
	e.handled(b, last)
	b.StopTimer()
	lat := make([]time.Duration, b.N)
	for i, id := range users {
		m, ok := e.srv.LastMessage(id)
		if !ok {
			b.Fatalf("no reply to %d", id)
		}
		lat[i] = m.Sent.Sub(queued[i])
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
	b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
}
