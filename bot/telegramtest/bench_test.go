package telegramtest_test

import (
	"net/http"
	"sync/atomic"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// BenchmarkSendMessage measures how many sendMessage requests per second the server
// answers to parallel clients going through the library, HTML parsing and storage
// included.
func BenchmarkSendMessage(b *testing.B) {
	srv, _ := start(b)
	// Enough idle connections for every goroutine: the default of 2 per host would make
	// the benchmark measure TCP connection setup instead.
	hc := &http.Client{Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256}}
	bot := client(b, srv, hc)
	var chats atomic.Int64
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		chatID := 1000 + chats.Add(1)
		for pb.Next() {
			m := tgbotapi.NewMessage(chatID, "Thông báo <b>cúp điện</b> khu phố 3, từ 8:00 đến 11:00 &amp; 14:00")
			m.ParseMode = tgbotapi.ModeHTML
			if _, err := bot.Send(m); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
	if got := srv.Stats().Sent; got != b.N {
		b.Fatalf("Sent = %d, want %d", got, b.N)
	}
}
