package feed_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// BenchmarkPollCycle polls 2,000 sources in one cycle on a local server
// that answers each request after 100 ms, as a real site would, with 100
// chats subscribed to all of them. "changed": every source shows a new
// item each cycle (20 items a feed, so every answer is parsed and one item
// a source is relayed: 2,000 messages, 200,000 deliveries a cycle);
// "unchanged": every source answers 304. It reports seconds per cycle and
// the process's peak resident memory.
//
//	go test ./scheduler/feed -run '^$' -bench PollCycle -benchtime 3x
func BenchmarkPollCycle(b *testing.B) {
	for _, changed := range []bool{true, false} {
		name := "unchanged"
		if changed {
			name = "changed"
		}
		b.Run(name, func(b *testing.B) { benchmarkPollCycle(b, 2000, changed) })
	}
}

func benchmarkPollCycle(b *testing.B, sources int, changed bool) {
	var cycle atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		time.Sleep(100 * time.Millisecond) // the site's own latency
		n := int(cycle.Load())
		etag := `"` + strconv.Itoa(n) + `"`
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(rss("Tin "+r.URL.Path, sourceNews(r.URL.Path, n)...))
	}))
	defer srv.Close()

	w := newWorld(b, 100, 0)
	ctx := context.Background()
	for i := range sources {
		path := fmt.Sprintf("/feed/%d", i)
		s := &store.Source{URL: srv.URL + path, Kind: store.SourceRSS, Name: fmt.Sprintf("Nguồn %d", i),
			Topic: store.TopicNews, Areas: []store.Area{w.ward}, ETag: `"0"`}
		if err := w.db.CreateSource(ctx, s, sourceNews(path, 0)); err != nil {
			b.Fatal(err)
		}
	}
	p := feed.NewPoller(feed.Config{Store: w.db, Fetcher: local, Logger: quiet})
	b.ResetTimer()
	var total time.Duration
	for range b.N {
		b.StopTimer()
		if changed {
			cycle.Add(1)
		}
		w.advance(time.Hour) // every source is due
		b.StartTimer()
		start := time.Now()
		out, err := p.PollDue(ctx)
		total += time.Since(start)
		b.StopTimer()
		if err != nil || len(out) != sources {
			b.Fatalf("polled %d sources: %v", len(out), err)
		}
		for _, o := range out {
			if o.Err != nil || o.NotModified == changed || (changed && (o.Relay.New != 1 || o.Relay.Deliveries != 100)) {
				b.Fatalf("source %d: %+v", o.Source.ID, o)
			}
		}
		b.StartTimer()
	}
	b.StopTimer()
	b.ReportMetric(total.Seconds()/float64(b.N), "s/cycle")
	b.ReportMetric(peakRSSMB(), "peak-RSS-MB")
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.Sys)/(1<<20), "go-sys-MB")
	b.ReportMetric(0, "ns/op")
}

// sourceNews is the feed of the source at path in cycle n: 20 articles
// of its own, the newest numbered n+19.
func sourceNews(path string, n int) []store.Item {
	items := news(n, n+19)
	for i := range items {
		items[i].Link = strings.Replace(items[i].Link, "example.vn/", "example.vn"+path+"/", 1)
		items[i].GUID = items[i].Link
	}
	return items
}

// peakRSSMB is the most memory the process has held resident (Linux
// VmHWM), in MB; 0 elsewhere.
func peakRSSMB() float64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
			return float64(kb) / 1024
		}
	}
	return 0
}
