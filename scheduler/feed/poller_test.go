package feed_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// quiet is a logger for tests that look at outcomes, not logs.
var quiet = slog.New(slog.DiscardHandler)

// notices records what a Notifier was told; it fails when told to.
type notices struct {
	mu                 sync.Mutex
	failing, recovered []int64
	refuse             int // fail this many SourceFailing calls first
}

func (n *notices) SourceFailing(_ context.Context, s store.Source) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.refuse > 0 {
		n.refuse--
		return errors.New("telegram is down")
	}
	n.failing = append(n.failing, s.ID)
	return nil
}

func (n *notices) SourceRecovered(_ context.Context, s store.Source) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.recovered = append(n.recovered, s.ID)
	return nil
}

func (n *notices) counts() (failing, recovered int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	return len(n.failing), len(n.recovered)
}

// addSource adds the feed at url as an official would: probed, its items
// marked seen, its validators kept.
func addSource(tb testing.TB, w *world, url string, areas ...store.Area) *store.Source {
	tb.Helper()
	res, err := feed.NewFetcher(feed.Options{AllowPrivate: true}).Probe(context.Background(), url, "")
	if err != nil {
		tb.Fatal(err)
	}
	src := &store.Source{URL: res.URL, Kind: res.Kind, Selector: res.Selector, Name: res.Name, Topic: store.TopicNews,
		Areas: areas, ETag: res.ETag, LastModified: res.LastModified, Owner: 42}
	if err := w.db.CreateSource(context.Background(), src, res.Items); err != nil {
		tb.Fatal(err)
	}
	return src
}

// pollDue advances the clock to when the source is due and polls what is due.
func pollDue(tb testing.TB, w *world, p *feed.Poller, id int64) feed.Outcome {
	tb.Helper()
	s, err := w.db.SourceByID(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	w.advance(s.NextPollAt.Sub(w.now()))
	out, err := p.PollDue(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	for _, o := range out {
		if o.Source.ID == id {
			return o
		}
	}
	tb.Fatalf("source %d was not due at %v", id, w.now())
	return feed.Outcome{}
}

func TestPollerRelaysNewItemsOnce(t *testing.T) {
	w := newWorld(t, 2, 1)
	s := newSite(t)
	s.set("/feed", "application/rss+xml", rss("Tin phường", news(1, 3)...))
	src := addSource(t, w, s.url("/feed"), w.ward)
	wakes := 0
	p := feed.NewPoller(feed.Config{Store: w.db, Fetcher: local, Logger: quiet, Wake: func() { wakes++ }})

	if out, err := p.PollDue(context.Background()); err != nil || len(out) != 0 {
		t.Fatalf("a new source is due at once: %+v, %v", out, err)
	}
	// Unchanged: the site answers 304 to the validators of the probe.
	if o := pollDue(t, w, p, src.ID); o.Err != nil || !o.NotModified {
		t.Fatalf("first poll = %+v", o)
	}
	// Two new items.
	s.set("/feed", "application/rss+xml", rss("Tin phường", news(1, 5)...))
	if o := pollDue(t, w, p, src.ID); o.Err != nil || o.NotModified || o.Relay.New != 2 || o.Relay.Broadcasts != 2 || o.Relay.Deliveries != 6 {
		t.Fatalf("second poll = %+v", o)
	}
	if o := pollDue(t, w, p, src.ID); !o.NotModified {
		t.Fatalf("third poll = %+v", o)
	}
	for _, chat := range []int64{1000, 1001, 2000} {
		msgs := w.messages(t, chat)
		if len(msgs) != 2 || !strings.Contains(msgs[0], "<b>Tin số 4 của phường</b>\nNội dung tin số 4.\n") || !strings.Contains(msgs[1], "Tin số 5") {
			t.Errorf("chat %d got %q", chat, msgs)
		}
	}
	if full, notMod, cond := s.counts("/feed"); full != 2 || notMod != 2 || cond != 3 {
		t.Errorf("the site answered %d in full and %d with 304; %d requests were conditional", full, notMod, cond)
	}
	if got := p.Stats(); got != (feed.Stats{Polls: 3, NotModified: 2, ItemsNew: 2, ItemsRelayed: 2, Broadcasts: 2}) || wakes != 1 {
		t.Errorf("stats = %+v, wakes %d", got, wakes)
	}
}

func TestPollerBackoffAndNotifyOnce(t *testing.T) {
	w := newWorld(t, 1, 0)
	s := newSite(t)
	s.set("/feed", "application/rss+xml", rss("Tin phường", news(1, 1)...))
	src := addSource(t, w, s.url("/feed"), w.ward)
	n := &notices{}
	p := feed.NewPoller(feed.Config{Store: w.db, Fetcher: local, Logger: quiet, Notifier: n})

	s.fail("/feed", http.StatusInternalServerError)
	for i := 1; i <= 5; i++ {
		o := pollDue(t, w, p, src.ID)
		if feed.ReasonOf(o.Err) != feed.ReasonStatus {
			t.Fatalf("poll %d: %v", i, o.Err)
		}
		got, err := w.db.SourceByID(context.Background(), src.ID)
		if err != nil {
			t.Fatal(err)
		}
		if wait := got.NextPollAt.Sub(w.now()); got.Failures != i || wait != feed.Backoff(10*time.Minute, i, 0) || !strings.Contains(got.LastError, "HTTP 500") {
			t.Fatalf("after failure %d: %d failures, next poll in %v, error %q", i, got.Failures, wait, got.LastError)
		}
		want := 0
		if i >= feed.NotifyAfter {
			want = 1
		}
		if f, _ := n.counts(); f != want {
			t.Fatalf("after failure %d the owner was told %d times, want %d", i, f, want)
		}
	}
	// It works again: the owner hears it once, the interval is back.
	s.fail("/feed", 0)
	if o := pollDue(t, w, p, src.ID); o.Err != nil || !o.Relay.Recovered {
		t.Fatalf("recovered poll = %+v", o)
	}
	if o := pollDue(t, w, p, src.ID); o.Relay.Recovered {
		t.Fatalf("recovered twice: %+v", o)
	}
	if _, r := n.counts(); r != 1 {
		t.Fatalf("told of the recovery %d times", r)
	}
	got, _ := w.db.SourceByID(context.Background(), src.ID)
	if got.Failures != 0 || got.NextPollAt.Sub(w.now()) != 10*time.Minute {
		t.Fatalf("after recovery: %+v", got)
	}

	// A second streak of failures is told again; a notice that cannot be
	// delivered is tried again at the next failure.
	n.refuse = 1
	s.fail("/feed", http.StatusBadGateway)
	for range feed.NotifyAfter + 1 {
		pollDue(t, w, p, src.ID)
	}
	if f, _ := n.counts(); f != 2 {
		t.Fatalf("told %d times after two streaks", f)
	}
	if st := p.Stats(); st.Errors != 5+feed.NotifyAfter+1 || st.Polls != st.Errors+2 {
		t.Fatalf("stats = %+v", st)
	}
}

// TestPollerWithoutNotifier: failures seen by a poller that cannot tell
// anyone (the command line) leave the telling to the next poller that can
// (serve).
func TestPollerWithoutNotifier(t *testing.T) {
	w := newWorld(t, 1, 0)
	s := newSite(t)
	s.set("/feed", "application/rss+xml", rss("Tin phường", news(1, 1)...))
	src := addSource(t, w, s.url("/feed"), w.ward)
	s.fail("/feed", http.StatusNotFound)
	cli := feed.NewPoller(feed.Config{Store: w.db, Fetcher: local, Logger: quiet})
	for range feed.NotifyAfter {
		pollDue(t, w, cli, src.ID)
	}
	if got, _ := w.db.SourceByID(context.Background(), src.ID); got.Failures != feed.NotifyAfter || got.FailingNotified {
		t.Fatalf("after %d failures without a notifier: %+v", feed.NotifyAfter, got)
	}
	n := &notices{}
	pollDue(t, w, feed.NewPoller(feed.Config{Store: w.db, Fetcher: local, Logger: quiet, Notifier: n}), src.ID)
	if f, _ := n.counts(); f != 1 {
		t.Fatalf("the serve poller told the owner %d times", f)
	}
}

func TestPollerRun(t *testing.T) {
	w := newWorld(t, 1, 0)
	s := newSite(t)
	s.set("/a", "application/rss+xml", rss("A", news(1, 1)...))
	s.set("/b", "application/rss+xml", rss("B", news(101, 101)...))
	addSource(t, w, s.url("/a"), w.ward)
	b := addSource(t, w, s.url("/b"), w.ward)
	if err := w.db.SetSourcePaused(context.Background(), b.ID, true, 42); err != nil {
		t.Fatal(err)
	}
	s.set("/a", "application/rss+xml", rss("A", news(1, 2)...))
	s.set("/b", "application/rss+xml", rss("B", news(101, 102)...))
	w.advance(time.Hour)

	woke := make(chan struct{}, 1)
	p := feed.NewPoller(feed.Config{Store: w.db, Fetcher: local, Logger: quiet, Wake: func() {
		select {
		case woke <- struct{}{}:
		default:
		}
	}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	select {
	case <-woke:
	case <-time.After(10 * time.Second):
		t.Fatal("Run relayed nothing within 10s")
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not stop")
	}
	if msgs := w.messages(t, 1000); len(msgs) != 1 || !strings.Contains(msgs[0], "Tin số 2 của phường") {
		t.Fatalf("messages = %q", msgs)
	}
	if full, _, _ := s.counts("/b"); full != 1 { // the probe only: paused
		t.Fatalf("a paused source was polled %d times", full-1)
	}
	// Asked by id, the paused source is polled and records nothing.
	out, err := p.PollNow(context.Background(), b.ID)
	if err != nil || len(out) != 1 || out[0].Relay.New != 0 {
		t.Fatalf("PollNow(paused) = %+v, %v", out, err)
	}
	if _, err := p.PollNow(context.Background(), 999); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("PollNow(missing) = %v", err)
	}
}

func TestPollerKeywordsAndHTML(t *testing.T) {
	w := newWorld(t, 1, 0)
	s := newSite(t)
	page := func(titles ...string) []byte {
		var b strings.Builder
		b.WriteString("<html><head><title>UBND phường</title></head><body>")
		for _, t := range titles {
			b.WriteString(`<div class="tb"><a href="/tb/` + url.PathEscape(t) + `">` + t + `</a></div>`)
		}
		return []byte(b.String() + "</body></html>")
	}
	s.set("/thong-bao", "text/html", page("Lịch tiếp dân"))
	ctx := context.Background()
	res, err := feed.NewFetcher(feed.Options{AllowPrivate: true}).Probe(ctx, s.url("/thong-bao"), ".tb a")
	if err != nil {
		t.Fatal(err)
	}
	src := &store.Source{URL: res.URL, Kind: res.Kind, Selector: res.Selector, Name: res.Name, Topic: store.TopicAnnouncements,
		Areas: []store.Area{w.ward}, Keywords: store.ParseKeywords("cắt điện, tiêm chủng")}
	if err := w.db.CreateSource(ctx, src, res.Items); err != nil {
		t.Fatal(err)
	}
	p := feed.NewPoller(feed.Config{Store: w.db, Fetcher: local, Logger: quiet})
	// The page gets two notices on top; one is about a power cut.
	s.set("/thong-bao", "text/html", page("Thông báo CAT DIEN khu phố 3 ngày 15/4", "Họp chi bộ", "Lịch tiếp dân"))
	o := pollDue(t, w, p, src.ID)
	if o.Err != nil || o.Relay.New != 2 || o.Relay.Relayed != 1 {
		t.Fatalf("poll = %+v", o)
	}
	msgs := w.messages(t, 1000)
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0], "📢 <b>THÔNG BÁO</b> · UBND phường\n\n<b>Thông báo CAT DIEN khu phố 3 ngày 15/4</b>") {
		t.Fatalf("messages = %q", msgs)
	}
}
