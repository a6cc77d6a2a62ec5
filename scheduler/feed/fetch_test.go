package feed_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

func TestFetchLimits(t *testing.T) {
	big := bytes.Repeat([]byte("<!-- padding -->"), (6<<20)/16)
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	mux := http.NewServeMux()
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) { w.Write(big) })
	mux.HandleFunc("/big-chunked", func(w http.ResponseWriter, r *http.Request) {
		for i := 0; i < len(big); i += 64 << 10 {
			w.Write(big[i:min(i+64<<10, len(big))])
			w.(http.Flusher).Flush()
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop", http.StatusFound) })
	mux.HandleFunc("/to-ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.vn/feed.xml", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/to-file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	mux.HandleFunc("/hop/", func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/hop/%d", &n)
		if n == 0 {
			w.Write(rss("Đích đến", news(1, 1)...))
			return
		}
		http.Redirect(w, r, fmt.Sprintf("/hop/%d", n-1), http.StatusFound)
	})
	mux.HandleFunc("/gone", func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) })
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "120")
		http.Error(w, "busy", http.StatusServiceUnavailable)
	})
	mux.HandleFunc("/hang", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-hang:
		case <-r.Context().Done():
		}
	})
	mux.HandleFunc("/html", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte("<html><body>Không có tin</body></html>"))
	})
	mux.HandleFunc("/binary", func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte{0x89, 'P', 'N', 'G', 0, 1, 2, 0xff, 0xfe})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	closed := httptest.NewServer(mux)
	closed.Close()

	f := feed.NewFetcher(feed.Options{AllowPrivate: true, Timeout: 200 * time.Millisecond, MaxRedirects: 3})
	ctx := context.Background()
	for _, tt := range []struct {
		name   string
		url    string
		reason feed.Reason
	}{
		{"over 5 MB", srv.URL + "/big", feed.ReasonTooLarge},
		{"over 5 MB without a length", srv.URL + "/big-chunked", feed.ReasonTooLarge},
		{"a redirect loop", srv.URL + "/loop", feed.ReasonRedirects},
		{"four redirects", srv.URL + "/hop/4", feed.ReasonRedirects},
		{"a redirect to ftp", srv.URL + "/to-ftp", feed.ReasonScheme},
		{"a redirect to a file", srv.URL + "/to-file", feed.ReasonScheme},
		{"a file URL", "file:///etc/passwd", feed.ReasonScheme},
		{"a gopher URL", "gopher://127.0.0.1/feed", feed.ReasonScheme},
		{"no host", "http:///feed", feed.ReasonScheme},
		{"404", srv.URL + "/gone", feed.ReasonStatus},
		{"no answer in time", srv.URL + "/hang", feed.ReasonTimeout},
		{"nobody listening", closed.URL + "/feed", feed.ReasonNetwork},
		{"a page where a feed was", srv.URL + "/html", feed.ReasonParse},
		{"binary", srv.URL + "/binary", feed.ReasonParse},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res, err := f.Fetch(ctx, feed.Request{URL: tt.url, Kind: store.SourceRSS})
			if got := feed.ReasonOf(err); got != tt.reason {
				t.Fatalf("Fetch = %+v, %v (reason %q), want %q", res, err, got, tt.reason)
			}
			if strings.Contains(err.Error(), "%!") {
				t.Errorf("error text %q", err)
			}
		})
	}

	// Three redirects are followed.
	res, err := f.Fetch(ctx, feed.Request{URL: srv.URL + "/hop/3", Kind: store.SourceRSS})
	if err != nil || res.Name != "Đích đến" || len(res.Items) != 1 {
		t.Fatalf("three redirects: %+v, %v", res, err)
	}
	// A busy site's Retry-After is kept for the backoff.
	_, err = f.Fetch(ctx, feed.Request{URL: srv.URL + "/busy", Kind: store.SourceRSS})
	var fe *feed.Error
	if !errors.As(err, &fe) || fe.Status != 503 || fe.RetryAfter != 2*time.Minute {
		t.Fatalf("busy: %#v", err)
	}
	// The caller's own cancellation is not the source's failure.
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := f.Fetch(cctx, feed.Request{URL: srv.URL + "/hop/0"}); !errors.Is(err, context.Canceled) || feed.ReasonOf(err) != "" {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestFetchConditional(t *testing.T) {
	var sawETag, sawSince string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sawETag, sawSince = r.Header.Get("If-None-Match"), r.Header.Get("If-Modified-Since")
		if sawSince == "Wed, 01 Apr 2026 08:00:00 GMT" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", "Wed, 01 Apr 2026 08:00:00 GMT")
		w.Write(rss("Tin phường", news(1, 2)...))
	}))
	t.Cleanup(srv.Close)
	f := feed.NewFetcher(feed.Options{AllowPrivate: true})
	res, err := f.Fetch(context.Background(), feed.Request{URL: srv.URL, Kind: store.SourceRSS})
	if err != nil || res.LastModified != "Wed, 01 Apr 2026 08:00:00 GMT" || res.ETag != "" || sawETag != "" || sawSince != "" {
		t.Fatalf("first fetch: %+v, %v (sent %q %q)", res, err, sawETag, sawSince)
	}
	res, err = f.Fetch(context.Background(), feed.Request{URL: srv.URL, Kind: store.SourceRSS, LastModified: res.LastModified})
	if err != nil || !res.NotModified {
		t.Fatalf("second fetch: %+v, %v", res, err)
	}
}

func TestBackoff(t *testing.T) {
	for _, tt := range []struct {
		interval   time.Duration
		failures   int
		retryAfter time.Duration
		want       time.Duration
	}{
		{10 * time.Minute, 1, 0, 20 * time.Minute},
		{10 * time.Minute, 2, 0, 40 * time.Minute},
		{10 * time.Minute, 3, 0, 80 * time.Minute},
		{10 * time.Minute, 10, 0, feed.MaxBackoff},
		{time.Minute, 1, 0, 2 * time.Minute},
		{time.Minute, 1, time.Hour, time.Hour},
		{time.Minute, 1, 48 * time.Hour, 24 * time.Hour},
	} {
		if got := feed.Backoff(tt.interval, tt.failures, tt.retryAfter); got != tt.want {
			t.Errorf("Backoff(%v, %d, %v) = %v, want %v", tt.interval, tt.failures, tt.retryAfter, got, tt.want)
		}
	}
}

func TestReasonOfText(t *testing.T) {
	for _, e := range []*feed.Error{
		{Reason: feed.ReasonStatus, Status: 503},
		{Reason: feed.ReasonTimeout, Err: errors.New("no complete answer within 20s")},
		{Reason: feed.ReasonNetwork, Err: errors.New("dial tcp: connection refused")},
		{Reason: feed.ReasonNoItems},
		{Reason: feed.ReasonParse, Err: errors.New("XML syntax error on line 5")},
	} {
		if got := feed.ReasonOfText(e.Error()); got != e.Reason {
			t.Errorf("ReasonOfText(%q) = %q, want %q", e.Error(), got, e.Reason)
		}
	}
	if got := feed.ReasonOfText("database is locked"); got != "" {
		t.Errorf("ReasonOfText of another error = %q", got)
	}
	if s := (&feed.Error{Reason: feed.ReasonStatus, Status: 404}).Error(); s != "the site answered HTTP 404" {
		t.Errorf("status error text %q", s)
	}
}

// TestFetchRefusesPrivate: a URL an official types cannot make the bot read
// this machine or its network, by number or by a name that resolves there.
func TestFetchRefusesPrivate(t *testing.T) {
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the server was reached: %s", r.URL)
	}))
	defer s.Close()
	_, port, _ := strings.Cut(strings.TrimPrefix(s.URL, "http://"), ":")
	f := feed.NewFetcher(feed.Options{})
	for _, u := range []string{s.URL + "/rss", "http://localhost:" + port + "/rss", "http://[::1]:" + port + "/", "http://169.254.169.254/latest/meta-data/"} {
		_, err := f.Fetch(context.Background(), feed.Request{URL: u, Kind: store.SourceRSS})
		if feed.ReasonOf(err) != feed.ReasonPrivate {
			t.Errorf("%s: %v, want the private-address refusal", u, err)
		}
	}
}
