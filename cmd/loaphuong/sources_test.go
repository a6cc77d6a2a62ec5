package main_test

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

	"github.com/loaphuong/loaphuong/bot/telegramtest"
	main "github.com/loaphuong/loaphuong/cmd/loaphuong"
	"github.com/loaphuong/loaphuong/store"
)

// feedSite is a news site on 127.0.0.1: feeds the test changes, answered
// with ETags and 304s as a real site does, and a record of every answer
// that a test can wait on.
type feedSite struct {
	*httptest.Server
	mu      sync.Mutex
	feeds   map[string][]article
	status  map[string]int
	answers map[string][]int // status codes answered, per path
	changed chan struct{}    // closed and replaced at every answer
}

// article is an item of a feed.
type article struct{ guid, link, title string }

func newFeedSite(t *testing.T) *feedSite {
	t.Helper()
	s := &feedSite{feeds: map[string][]article{}, status: map[string]int{}, answers: map[string][]int{}, changed: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.Close)
	return s
}

func (s *feedSite) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	answer := func(code int) {
		s.answers[r.URL.Path] = append(s.answers[r.URL.Path], code)
		close(s.changed)
		s.changed = make(chan struct{})
	}
	items, ok := s.feeds[r.URL.Path]
	if code := s.status[r.URL.Path]; !ok || code != 0 {
		if !ok {
			code = http.StatusNotFound
		}
		answer(code)
		http.Error(w, "error", code)
		return
	}
	etag := fmt.Sprintf(`"%d"`, len(items))
	if r.Header.Get("If-None-Match") == etag {
		answer(http.StatusNotModified)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	answer(http.StatusOK)
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
	fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin %s</title><link>https://tin.example.vn/</link>`, r.URL.Path)
	for i := len(items) - 1; i >= 0; i-- {
		fmt.Fprintf(w, "<item><title>%s</title><link>%s</link><guid>%s</guid></item>", items[i].title, items[i].link, items[i].guid)
	}
	fmt.Fprint(w, "</channel></rss>")
}

// add appends articles to the feed at path.
func (s *feedSite) add(path string, items ...article) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.feeds[path] = append(s.feeds[path], items...)
}

func (s *feedSite) fail(path string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[path] = code
}

// answered returns the statuses answered for path so far.
func (s *feedSite) answered(path string) []int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.answers[path]...)
}

// waitAnswers waits until path has been answered n times in all.
func (s *feedSite) waitAnswers(t *testing.T, path string, n int) []int {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		got, ch := len(s.answers[path]), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.answered(path)
		}
		select {
		case <-ch:
		case <-timeout:
			t.Fatalf("%s answered %d times in 10s, want %d", path, got, n)
		}
	}
}

// story is article n as the ward's site publishes it.
func story(n int) article {
	return article{guid: fmt.Sprintf("phuong-%d", n), link: fmt.Sprintf("https://tin.example.vn/bai-%d.html", n), title: fmt.Sprintf("Bài số %d", n)}
}

// sourcesWorld is a database with the example areas and two khu phố.
func sourcesWorld(t *testing.T) (db string, env map[string]string) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "loaphuong.db")
	// The test sites live on 127.0.0.1, which sources may use only when allowed.
	env = map[string]string{"LOAPHUONG_DB": db, "LOAPHUONG_ALLOW_PRIVATE_SOURCES": "true"}
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "tanphu-areas.csv"))
	if err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "areas.csv")
	extra := "kp1-pth,phu-tho-hoa,quarter,Khu phố 1,KP1\nkp2-pth,phu-tho-hoa,quarter,Khu phố 2,KP2\n"
	if err := os.WriteFile(csv, append(example, extra...), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, err := run(t, env, "areas", "import", csv); err != nil {
		t.Fatalf("areas import: %q %v", out, err)
	}
	return db, env
}

func TestSourcesCommands(t *testing.T) {
	db, env := sourcesWorld(t)
	site := newFeedSite(t)
	site.add("/rss", story(1), story(2), story(3))
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		for chat, code := range map[int64]string{701: "phu-tho-hoa", 702: "kp1-pth"} {
			a, _ := s.AreaByCode(ctx, code)
			if _, err := s.Subscribe(ctx, chat, a.ID, store.TopicNews); err != nil {
				t.Fatal(err)
			}
		}
	})

	// Mistakes: exit code 2, one clear line, nothing stored.
	for _, args := range [][]string{
		{"sources"},
		{"sources", "rename", "1"},
		{"sources", "add", "--area", "phu-tho-hoa"},
		{"sources", "add", "--url", "ftp://tin.example.vn/rss", "--area", "phu-tho-hoa"},
		{"sources", "add", "--url", site.URL + "/rss"},
		{"sources", "add", "--url", site.URL + "/rss", "--area", "khong-co"},
		{"sources", "add", "--url", site.URL + "/rss", "--area", "phu-tho-hoa", "--topic", "reminders"},
		{"sources", "add", "--url", site.URL + "/rss", "--area", "phu-tho-hoa", "--interval", "30s"},
		{"sources", "add", "--url", site.URL + "/rss", "--area", "phu-tho-hoa", "--selector", "a[[["},
		{"sources", "remove", "9"},
		{"sources", "remove", "mot"},
		{"sources", "poll", "9"},
	} {
		_, _, err := run(t, env, args...)
		if main.ExitCode(err) != 2 {
			t.Errorf("%q: %v (exit %d), want exit 2", args, err, main.ExitCode(err))
		}
	}
	_, _, err := run(t, env, "sources", "add", "--url", site.URL+"/khong-co", "--area", "phu-tho-hoa")
	if main.ExitCode(err) != 1 || !strings.Contains(err.Error(), "HTTP 404") || !strings.Contains(err.Error(), "nothing was stored") {
		t.Fatalf("an unreadable URL: %v", err)
	}
	if out, _, err := run(t, env, "sources", "list"); err != nil || !strings.Contains(out, "no sources yet") {
		t.Fatalf("list after refusals: %q %v", out, err)
	}
	if _, _, err := run(t, env, "sources", "add", "--help"); err != nil {
		t.Fatalf("--help: %v", err)
	}

	// Added: read once, what is there marked seen.
	out, _, err := run(t, env, "sources", "add", "--url", site.URL+"/rss", "--area", "phu-tho-hoa,kp1-pth", "--interval", "15m", "--keywords", "bài số, Tân Phú")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"source #1: Tin /rss (RSS/Atom feed)", "news to Phường Phú Thọ Hòa, Khu phố 1, every 15m0s", "only items with: bài số, Tân Phú",
		"3 items there now are marked seen", "- Bài số 3\n    - Bài số 2\n    - Bài số 1"} {
		if !strings.Contains(out, want) {
			t.Fatalf("sources add printed %q, want %q in it", out, want)
		}
	}
	out, _, err = run(t, env, "sources", "list")
	if err != nil || !strings.Contains(out, "1   new") || !strings.Contains(out, "phu-tho-hoa,kp1-pth") || !strings.Contains(out, "15m0s") {
		t.Fatalf("list = %q %v", out, err)
	}

	// Polled: unchanged (304, the validators of the add), then two new items.
	if out, _, err := run(t, env, "sources", "poll"); err != nil || !strings.Contains(out, "#1 Tin /rss: not modified (304)") {
		t.Fatalf("poll = %q %v", out, err)
	}
	site.add("/rss", story(4), story(5))
	out, _, err = run(t, env, "sources", "poll", "1")
	if err != nil || !strings.Contains(out, "#1 Tin /rss: 2 new, 2 relayed in 2 messages, 4 deliveries") || !strings.Contains(out, "2 messages enqueued") {
		t.Fatalf("poll = %q %v", out, err)
	}
	if got := site.answered("/rss"); fmt.Sprint(got) != "[200 304 200]" {
		t.Fatalf("the site answered %v", got)
	}

	// Paused, it is not polled; failing, it says so and exits 1.
	if out, _, err := run(t, env, "sources", "pause", "1"); err != nil || !strings.Contains(out, "source #1 paused") {
		t.Fatalf("pause = %q %v", out, err)
	}
	if _, _, err := run(t, env, "sources", "poll", "1"); main.ExitCode(err) != 2 || !strings.Contains(err.Error(), "paused") {
		t.Fatalf("poll a paused source: %v", err)
	}
	if out, _, err := run(t, env, "sources", "poll"); err != nil || !strings.Contains(out, "no source to poll") {
		t.Fatalf("poll with every source paused = %q %v", out, err)
	}
	if _, _, err := run(t, env, "sources", "resume", "1"); err != nil {
		t.Fatal(err)
	}
	site.fail("/rss", http.StatusBadGateway)
	out, _, err = run(t, env, "sources", "poll")
	if main.ExitCode(err) != 1 || !strings.Contains(out, "failed: the site answered HTTP 502 (1 in a row; next try") {
		t.Fatalf("a failing poll = %q %v", out, err)
	}
	if out, _, _ := run(t, env, "sources", "list"); !strings.Contains(out, "failing(1)") || !strings.Contains(out, "#1 failed 1 times in a row: the site answered HTTP 502") {
		t.Fatalf("list while failing = %q", out)
	}
	if out, _, err := run(t, env, "sources", "remove", "1"); err != nil || !strings.Contains(out, "source #1 removed") {
		t.Fatalf("remove = %q %v", out, err)
	}
	if _, _, err := run(t, env, "sources", "remove", "1"); main.ExitCode(err) != 2 {
		t.Fatalf("remove twice: %v", err)
	}
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		log, _ := s.AuditLog(ctx, 0, 10)
		var actions []string
		for _, e := range log {
			actions = append(actions, e.Action)
		}
		if strings.Join(actions, " ") != "source_remove source_resume source_pause source_add" {
			t.Errorf("audit = %v", actions)
		}
	})
}

func TestSourcesAddPage(t *testing.T) {
	_, env := sourcesWorld(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<html><head><title>Thông báo UBND</title></head><body><ul class="tb"><li><a href="/tb/1">Lịch tiếp dân</a></li></ul></body></html>`)
	}))
	defer page.Close()
	out, _, err := run(t, env, "sources", "add", "--url", page.URL+"/thong-bao", "--area", "phu-tho-hoa", "--selector", "ul.tb a",
		"--topic", "announcements", "--name", "UBND phường Phú Thọ Hòa")
	if err != nil || !strings.Contains(out, `source #1: UBND phường Phú Thọ Hòa (HTML page, links "ul.tb a")`) || !strings.Contains(out, "announcements to Phường Phú Thọ Hòa") {
		t.Fatalf("add a page = %q %v", out, err)
	}
}

// TestSourcesEndToEnd runs the real program against the fake Telegram, a
// real SQLite file and a news site on 127.0.0.1: two sources carry the
// same article to one chat, which gets it once; the program restarts and
// nothing is sent twice; after the first fetch the site answers 304.
func TestSourcesEndToEnd(t *testing.T) {
	db, env := sourcesWorld(t)
	site := newFeedSite(t)
	// The ward's feed, and a khu phố's feed that carries the ward's
	// articles under its own GUIDs, with tracking in the links.
	carried := func(a article) article {
		return article{guid: "kp1-" + a.guid, link: a.link + "?utm_source=kp1", title: a.title + " (KP1 đăng lại)"}
	}
	site.add("/ward.rss", story(1), story(2))
	site.add("/kp1.rss", carried(story(1)))
	both, ward := int64(801), int64(802) // in Khu phố 1 (reached by both feeds); in the ward only
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		for chat, code := range map[int64]string{both: "kp1-pth", ward: "phu-tho-hoa"} {
			a, _ := s.AreaByCode(ctx, code)
			if _, err := s.Subscribe(ctx, chat, a.ID, store.TopicNews); err != nil {
				t.Fatal(err)
			}
		}
	})
	for _, args := range [][]string{
		{"sources", "add", "--url", site.URL + "/ward.rss", "--area", "phu-tho-hoa"},
		{"sources", "add", "--url", site.URL + "/kp1.rss", "--area", "kp1-pth"},
	} {
		if _, _, err := run(t, env, args...); err != nil {
			t.Fatal(err)
		}
	}
	// due makes every source due, as if its interval had passed.
	due := func() {
		withDB(t, db, func(ctx context.Context, s *store.DB) {
			if _, err := s.SQL().ExecContext(ctx, `UPDATE sources SET next_poll_at = '2000-01-01T00:00:00.000000000Z'`); err != nil {
				t.Fatal(err)
			}
		})
	}

	// Both feeds get article 3; serve polls them as it starts.
	site.add("/ward.rss", story(3))
	site.add("/kp1.rss", carried(story(3)))
	due()
	srv := telegramtest.NewServer(telegramtest.Options{Token: token})
	defer srv.Close()
	p := startServe(t, srv, db, "--quiet-hours", "off", "--allow-private-sources")
	waitFor(t, srv, func() bool { return len(srv.Messages(both)) >= 1 && len(srv.Messages(ward)) >= 1 })
	// A later article, through "sources poll" next to the running serve:
	// when it arrives, anything sent twice before it would have too.
	site.add("/ward.rss", story(4))
	if out, _, err := run(t, env, "sources", "poll"); err != nil {
		t.Fatalf("sources poll: %q %v", out, err)
	}
	waitFor(t, srv, func() bool { return len(srv.Messages(both)) >= 2 && len(srv.Messages(ward)) >= 2 })
	p.stop(t)

	// Restart: serve polls both again; the site answers 304; nothing is sent.
	before := map[string]int{"/ward.rss": len(site.answered("/ward.rss")), "/kp1.rss": len(site.answered("/kp1.rss"))}
	due()
	p = startServe(t, srv, db, "--quiet-hours", "off", "--allow-private-sources")
	for path, n := range before {
		if got := site.waitAnswers(t, path, n+1); got[len(got)-1] != http.StatusNotModified {
			t.Errorf("%s after the restart: answered %v", path, got)
		}
	}
	site.add("/ward.rss", story(5))
	if _, _, err := run(t, env, "sources", "poll"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, srv, func() bool { return len(srv.Messages(both)) >= 3 && len(srv.Messages(ward)) >= 3 })
	p.stop(t)

	for _, chat := range []int64{both, ward} {
		var got []string
		for _, m := range srv.Messages(chat) {
			_, title, _ := strings.Cut(m.Text, "\n\n")
			title, _, _ = strings.Cut(title, "\n")
			got = append(got, title)
		}
		// Article 3 came from whichever feed was recorded first.
		if len(got) != 3 || !strings.HasPrefix(got[0], "Bài số 3") || got[1] != "Bài số 4" || got[2] != "Bài số 5" {
			t.Errorf("chat %d got %q, want articles 3, 4 and 5 once each", chat, got)
		}
	}
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		var n int
		if err := s.SQL().QueryRowContext(ctx, `SELECT count(*) FROM deliveries WHERE chat_id = ?`, both).Scan(&n); err != nil || n != 3 {
			t.Errorf("chat %d has %d deliveries (%v), want 3", both, n, err)
		}
	})
	// After the first fetch (the adds), every request was conditional, and
	// the unchanged feeds were answered 304.
	for path, want := range map[string]string{"/ward.rss": "[200 200 200 304 200]", "/kp1.rss": "[200 200 304 304 304]"} {
		if got := fmt.Sprint(site.answered(path)); got != want {
			t.Errorf("%s was answered %s, want %s", path, got, want)
		}
	}
}

// TestSourcesRefusePrivateAddresses: without --allow-private-sources, a
// source on this machine is refused with the reason, and nothing is stored.
func TestSourcesRefusePrivateAddresses(t *testing.T) {
	db, env := sourcesWorld(t)
	delete(env, "LOAPHUONG_ALLOW_PRIVATE_SOURCES")
	site := newFeedSite(t)
	site.add("/rss", story(1))
	_, _, err := run(t, env, "sources", "add", "--url", site.URL+"/rss", "--area", "phu-tho-hoa")
	if err == nil || !strings.Contains(err.Error(), "private network") {
		t.Fatalf("a source on 127.0.0.1: %v, want the private-address refusal", err)
	}
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		if srcs, err := s.Sources(ctx); err != nil || len(srcs) != 0 {
			t.Errorf("sources stored: %d, %v", len(srcs), err)
		}
	})
}
