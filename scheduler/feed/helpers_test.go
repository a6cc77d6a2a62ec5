package feed_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// site is a web server on 127.0.0.1 whose pages a test changes while it
// runs. It answers conditional requests as a real site does: 304 when
// If-None-Match names the page's current ETag.
type site struct {
	*httptest.Server
	mu    sync.Mutex
	pages map[string]*sitePage
}

// sitePage is one path of a site.
type sitePage struct {
	body        []byte
	contentType string
	etag        string
	status      int // 0: 200
	full, not   int // answers with a body, and 304 answers
	conditional int // requests that carried If-None-Match
}

func newSite(tb testing.TB) *site {
	tb.Helper()
	s := &site{pages: map[string]*sitePage{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	tb.Cleanup(s.Close)
	return s
}

func (s *site) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p, ok := s.pages[r.URL.Path]
	if !ok {
		s.mu.Unlock()
		http.NotFound(w, r)
		return
	}
	if r.Header.Get("If-None-Match") != "" {
		p.conditional++
	}
	if p.status != 0 {
		status := p.status
		s.mu.Unlock()
		http.Error(w, "server error", status)
		return
	}
	if p.etag != "" && r.Header.Get("If-None-Match") == p.etag {
		p.not++
		s.mu.Unlock()
		w.WriteHeader(http.StatusNotModified)
		return
	}
	p.full++
	body, ct, etag := p.body, p.contentType, p.etag
	s.mu.Unlock()
	if ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	w.Write(body)
}

// set puts a page at path; a new body gets a new ETag.
func (s *site) set(path, contentType string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pages[path]
	if p == nil {
		p = &sitePage{}
		s.pages[path] = p
	}
	p.body, p.contentType, p.status = body, contentType, 0
	p.etag = fmt.Sprintf(`"%d-%d"`, len(body), time.Now().UnixNano())
}

// fail makes a path answer with an HTTP error status (0: answer again).
func (s *site) fail(path string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path].status = status
}

// counts returns how a path was answered: with a body, with 304, and how
// many requests were conditional.
func (s *site) counts(path string) (full, notModified, conditional int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.pages[path]
	return p.full, p.not, p.conditional
}

// url is the address of a path on the site.
func (s *site) url(path string) string { return s.URL + path }

// rss renders an RSS 2.0 feed of items, newest first as feeds list them.
func rss(title string, items ...store.Item) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<rss version=\"2.0\"><channel><title>" + title + "</title><link>https://example.vn/</link>\n")
	for i := len(items) - 1; i >= 0; i-- {
		it := items[i]
		fmt.Fprintf(&b, "<item><title>%s</title><link>%s</link><guid>%s</guid><description><![CDATA[%s]]></description>", it.Title, it.Link, it.GUID, it.Summary)
		if !it.Published.IsZero() {
			fmt.Fprintf(&b, "<pubDate>%s</pubDate>", it.Published.Format(time.RFC1123Z))
		}
		b.WriteString("</item>\n")
	}
	b.WriteString("</channel></rss>\n")
	return []byte(b.String())
}

// news returns news items from to to, one minute apart, oldest first.
func news(from, to int) []store.Item {
	var out []store.Item
	start := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	for n := from; n <= to; n++ {
		out = append(out, store.Item{
			GUID:      fmt.Sprintf("https://example.vn/tin-%d.html", n),
			Link:      fmt.Sprintf("https://example.vn/tin-%d.html", n),
			Title:     fmt.Sprintf("Tin số %d của phường", n),
			Summary:   fmt.Sprintf("<p>Nội dung tin số %d.</p>", n),
			Published: start.Add(time.Duration(n) * time.Minute),
		})
	}
	return out
}

// corpus reads a file of testdata.
func corpus(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// world is a database with a ward and a khu phố in it, and a clock the
// test moves.
type world struct {
	db        *store.DB
	ward, kp  store.Area
	mu        sync.Mutex
	clockTime time.Time
}

// newWorld opens a database in a temporary file, with areas, and chats
// subscribed to the ward's news: wardChats to the ward, kpChats to the khu phố.
func newWorld(tb testing.TB, wardChats, kpChats int) *world {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "loaphuong.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	w := &world{db: db, clockTime: time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)}
	db.Now = w.now
	ctx := context.Background()
	if _, err := db.ImportAreas(ctx, []store.Area{
		{Code: "hcm", Kind: store.KindCity, Name: "Thành phố Hồ Chí Minh"},
		{Code: "phu-tho-hoa", ParentCode: "hcm", Kind: store.KindWard, Name: "Phường Phú Thọ Hòa"},
		{Code: "kp3", ParentCode: "phu-tho-hoa", Kind: store.KindQuarter, Name: "Khu phố 3"},
	}); err != nil {
		tb.Fatal(err)
	}
	if w.ward, err = areaByCode(db, "phu-tho-hoa"); err != nil {
		tb.Fatal(err)
	}
	if w.kp, err = areaByCode(db, "kp3"); err != nil {
		tb.Fatal(err)
	}
	for i := range wardChats {
		if _, err := db.Subscribe(ctx, int64(1000+i), w.ward.ID, store.TopicNews|store.TopicAnnouncements); err != nil {
			tb.Fatal(err)
		}
	}
	for i := range kpChats {
		if _, err := db.Subscribe(ctx, int64(2000+i), w.kp.ID, store.AllTopics); err != nil {
			tb.Fatal(err)
		}
	}
	return w
}

func areaByCode(db *store.DB, code string) (store.Area, error) {
	a, err := db.AreaByCode(context.Background(), code)
	if err != nil {
		return store.Area{}, err
	}
	return *a, nil
}

func (w *world) now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.clockTime
}

func (w *world) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clockTime = w.clockTime.Add(d)
}

// messages returns the texts addressed to a chat, oldest first.
func (w *world) messages(tb testing.TB, chat int64) []string {
	tb.Helper()
	rows, err := w.db.SQL().Query(`SELECT b.text FROM deliveries d JOIN broadcasts b ON b.id = d.broadcast_id WHERE d.chat_id = ? ORDER BY b.id`, chat)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// local fetches from the test servers on 127.0.0.1, which a Fetcher
// refuses unless told that private addresses are fine.
var local = feed.NewFetcher(feed.Options{AllowPrivate: true})
