package feed_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// FuzzFetch serves arbitrary bytes as a feed and as a page: reading them
// may fail, with a reason, but never panics, never hangs, and never
// returns an item without an http(s) link. Its seeds (every file of
// testdata) run with the tests; to fuzz (a short -fuzzminimizetime, or the
// minimising of large inputs stalls the run for a minute each):
//
//	go test ./scheduler/feed -run '^$' -fuzz FuzzFetch -fuzztime 1m -fuzzminimizetime 2s
func FuzzFetch(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*", "*"))
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b, "")
		}
	}
	f.Add([]byte(`<?xml version="1.0" encoding="windows-1258"?><rss><channel><item><link>http://a/</link></item></channel></rss>`), "text/xml")
	f.Add([]byte("\xfe\xff\x00<\x00r"), "text/xml; charset=utf-16")
	f.Add([]byte(`<html><base href="javascript:x"><h2><a href="//x/y">t</a></h2>`), "text/html; charset=bogus")

	var mu sync.Mutex
	var body []byte
	var contentType string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		b, ct := body, contentType
		mu.Unlock()
		if ct != "" {
			w.Header().Set("Content-Type", ct)
		}
		w.Write(b)
	}))
	defer srv.Close()
	fetcher := feed.NewFetcher(feed.Options{AllowPrivate: true, Timeout: 2 * time.Second})
	f.Fuzz(func(t *testing.T, b []byte, ct string) {
		mu.Lock()
		body, contentType = b, ct
		mu.Unlock()
		done := make(chan struct{})
		go func() { defer close(done); fuzzOne(t, fetcher, srv.URL) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("hung on %q (content type %q)", b, ct)
		}
	})
}

// fuzzOne reads what the server serves as each kind of source.
func fuzzOne(t *testing.T, fetcher *feed.Fetcher, url string) {
	for _, kind := range []store.SourceKind{store.SourceRSS, store.SourceHTML, ""} {
		res, err := fetcher.Fetch(context.Background(), feed.Request{URL: url + "/x", Kind: kind})
		if err != nil {
			// A timeout from a local server that answers at once is a hang of ours.
			if r := feed.ReasonOf(err); r == "" || r == feed.ReasonTimeout {
				t.Errorf("kind %q: %v", kind, err)
			}
			continue
		}
		for _, it := range res.Items {
			if store.CanonicalLink(it.Link) == "" {
				t.Errorf("kind %q: an item without an http(s) link: %+v", kind, it)
			}
		}
		_ = feed.Message(store.Source{Name: res.Name}, res.Items)
	}
}
