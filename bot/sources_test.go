package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// newsSite serves pages that a test changes, from 127.0.0.1, with ETags.
type newsSite struct {
	*httptest.Server
	mu     sync.Mutex
	pages  map[string]string
	status map[string]int
}

func newNewsSite(tb testing.TB) *newsSite {
	tb.Helper()
	s := &newsSite{pages: map[string]string{}, status: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		body, ok := s.pages[r.URL.Path]
		status := s.status[r.URL.Path]
		s.mu.Unlock()
		switch {
		case !ok:
			http.NotFound(w, r)
		case status != 0:
			http.Error(w, "lỗi máy chủ", status)
		default:
			etag := fmt.Sprintf(`"%x"`, len(body))
			if r.Header.Get("If-None-Match") == etag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			w.Header().Set("ETag", etag)
			w.Write([]byte(body))
		}
	}))
	tb.Cleanup(s.Close)
	return s
}

func (s *newsSite) set(path, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pages[path] = body
}

func (s *newsSite) fail(path string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[path] = status
}

// wardFeed is an RSS feed of the ward with items 1 to n, the newest first.
func wardFeed(n int) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin Phường Phú Thọ Hòa</title><link>https://phuthohoa.example.vn/</link>`)
	for i := n; i >= 1; i-- {
		fmt.Fprintf(&b, `<item><title>Tin số %d &amp; hoạt động khu phố</title><link>https://phuthohoa.example.vn/tin-%d.html</link>`+
			`<description><![CDATA[<p>Nội dung <b>tin %d</b>.</p>]]></description><pubDate>%s</pubDate></item>`,
			i, i, i, time.Date(2026, 4, 1, 8, i, 0, 0, time.UTC).Format(time.RFC1123Z))
	}
	return b.String() + `</channel></rss>`
}

// startSources runs a bot with chief as its admin, quiet hours off so news
// goes out whatever the hour, and returns it with a news site.
func startSources(tb testing.TB) (*env, *newsSite) {
	tb.Helper()
	srv := telegramtest.NewServer(telegramtest.Options{Token: testToken})
	tb.Cleanup(srv.Close)
	db := MustOpenDB(tb, filepath.Join(tb.TempDir(), "test.db"))
	seedAreas(tb, db)
	cfg := officialsConfig()
	cfg.QuietHours = "off"
	cfg.Fetcher = localFetcher
	e := runBot(tb, srv, db, cfg)
	tb.Cleanup(func() {
		if strings.Contains(e.logs.String(), "level=ERROR") {
			tb.Errorf("errors logged:\n%s", e.logs.String())
		}
	})
	return e, newNewsSite(tb)
}

// localFetcher reads the test news sites on 127.0.0.1, which a Fetcher
// refuses unless told that private addresses are fine.
var localFetcher = feed.NewFetcher(feed.Options{AllowPrivate: true})

// poller is a poller on the env's store that tells owners through the bot.
func (e *env) poller() *feed.Poller {
	return feed.NewPoller(feed.Config{Store: e.db, Fetcher: localFetcher, Notifier: e.bot, Wake: e.bot.Wake, Logger: slog.New(slog.DiscardHandler)})
}

func TestSourcesAddInTelegram(t *testing.T) {
	e, site := startSources(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	readers := e.residents(t, "kp3-phu-tho-hoa", 4001, 4002)
	e.residents(t, "kp5-phu-tho-hoa", 4005) // not chosen: gets nothing
	site.set("/rss", wardFeed(4))

	e.say(t, wardOff, "/sources")
	m := e.last(t, wardOff.ID)
	if !strings.Contains(m.Text, "Chưa có nguồn tin nào") || !hasButton(m, "➕ Thêm nguồn tin") {
		t.Fatalf("/sources without sources = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, wardOff, "➕ Thêm nguồn tin")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "bước 1/3") || !hasButton(m, "❌ Hủy") {
		t.Fatalf("the URL question = %q", m.Text)
	}
	e.say(t, wardOff, "tin phường mình")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "không phải địa chỉ trang web") {
		t.Fatalf("not a URL = %q", m.Text)
	}

	// The URL: read at once, the type and the latest three shown.
	e.say(t, wardOff, site.URL+"/rss")
	m = e.last(t, wardOff.ID)
	for _, want := range []string{"Tin Phường Phú Thọ Hòa", "RSS/Atom", "Hiện có 4 tin", "Tin số 4 & hoạt động khu phố", "Tin số 2 &"} {
		if !strings.Contains(m.Text, want) {
			t.Fatalf("probe = %q, want %q in it", m.Text, want)
		}
	}
	if strings.Contains(m.Text, "Tin số 1 ") || !hasButton(m, "📍 Chọn khu vực nhận tin ›") {
		t.Fatalf("probe = %q, buttons %v", m.Text, labels(m))
	}

	// Areas: Khu phố 3 (it has a building: it opens), then Khu phố 5, then not Khu phố 5.
	e.tap(t, wardOff, "📍 Chọn khu vực nhận tin ›")
	if m := e.last(t, wardOff.ID); !hasButton(m, "📍 Chọn cả Phường Phú Thọ Hòa") || !hasButton(m, "Khu phố 3") {
		t.Fatalf("chooser = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, wardOff, "Khu phố 3")
	e.tap(t, wardOff, "📍 Chọn cả Khu phố 3")
	m = e.last(t, wardOff.ID)
	if !strings.Contains(m.Text, "• Khu phố 3 · Phường Phú Thọ Hòa") || !hasButton(m, "✖ Khu phố 3") || !hasButton(m, "Tiếp tục ›") {
		t.Fatalf("chosen = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, wardOff, "➕ Thêm khu vực")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "Đã chọn: Khu phố 3 · Phường Phú Thọ Hòa") {
		t.Fatalf("chooser with a choice = %q", m.Text)
	}
	e.tap(t, wardOff, "Khu phố 5")
	e.tap(t, wardOff, "✖ Khu phố 5")
	m = e.last(t, wardOff.ID)
	if strings.Contains(m.Text, "Khu phố 5") || !strings.Contains(m.Text, "Khu phố 3") {
		t.Fatalf("after removing Khu phố 5 = %q", m.Text)
	}
	e.tap(t, wardOff, "Tiếp tục ›")
	e.tap(t, wardOff, "📰 Tin tức")
	m = e.last(t, wardOff.ID)
	for _, want := range []string{"xác nhận", "Khu phố 3 · Phường Phú Thọ Hòa", "mỗi 10 phút", "Hiện có 2 nơi nhận", "không có, chuyển mọi tin mới"} {
		if !strings.Contains(m.Text, want) {
			t.Fatalf("confirmation = %q, want %q in it", m.Text, want)
		}
	}
	e.tap(t, wardOff, "⏱ Kiểm tra mỗi 10 phút (bấm để đổi)")
	// Keywords, typed; then dropped again.
	e.say(t, wardOff, "hoạt động, cắt điện")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "chỉ chuyển tin có hoạt động, cắt điện") || !strings.Contains(m.Text, "mỗi 15 phút") {
		t.Fatalf("with keywords = %q", m.Text)
	}
	e.say(t, wardOff, "bỏ")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "chuyển mọi tin mới") {
		t.Fatalf("keywords dropped = %q", m.Text)
	}
	if a := e.tap(t, wardOff, "✅ Thêm nguồn tin"); a.Text != "Đã thêm nguồn tin" || a.ShowAlert {
		t.Fatalf("confirm answered %+v", a)
	}
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "Đã thêm nguồn tin #1") || len(m.Buttons) != 0 {
		t.Fatalf("after confirm = %q", m.Text)
	}
	ss, err := e.db.Sources(context.Background())
	if err != nil || len(ss) != 1 {
		t.Fatalf("sources = %+v, %v", ss, err)
	}
	s := ss[0]
	if s.URL != site.URL+"/rss" || s.Kind != store.SourceRSS || s.Topic != store.TopicNews || s.Interval != 15*time.Minute ||
		s.Owner != wardOff.ID || len(s.Areas) != 1 || s.Areas[0].Code != "kp3-phu-tho-hoa" || s.ETag == "" || len(s.Keywords) != 0 {
		t.Fatalf("source = %+v", s)
	}
	e.wantAudit(t, wardOff.ID, "source_add", areaOf(t, e.db, "kp3-phu-tho-hoa"))
	if e.hasDraft(t, wardOff) {
		t.Fatal("the draft outlived the source")
	}

	// The items there when it was added are not relayed; a new one is, once.
	p := e.poller()
	site.set("/rss", wardFeed(5))
	for range 2 {
		if _, err := p.PollNow(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	for _, chat := range readers {
		got := e.message(t, chat, 1)
		if !strings.HasPrefix(got.Text, "📰 TIN TỨC · Tin Phường Phú Thọ Hòa\n\nTin số 5 & hoạt động khu phố\nNội dung tin 5.") ||
			!strings.Contains(got.HTML, `<a href="https://phuthohoa.example.vn/tin-5.html">Đọc tiếp trên phuthohoa.example.vn</a>`) {
			t.Errorf("chat %d got %q", chat, got.HTML)
		}
	}
	if n := len(e.srv.Messages(4005)); n != 0 {
		t.Errorf("a chat outside the areas got %d messages", n)
	}

	// The list shows it, with its buttons.
	e.say(t, wardOff, "/sources")
	m = e.last(t, wardOff.ID)
	if !strings.Contains(m.Text, "#1 Tin Phường Phú Thọ Hòa") || !strings.Contains(m.Text, "✅ Hoạt động") || !hasButton(m, "⏸ Dừng #1") || !hasButton(m, "🗑 Xóa #1") {
		t.Fatalf("list = %q, buttons %v", m.Text, labels(m))
	}
}

func TestSourcesProbeProblems(t *testing.T) {
	e, site := startSources(t)
	e.grant(t, kpOff, "kp3-phu-tho-hoa")
	site.set("/trang", `<html><head><title>Thông báo của khu phố</title></head><body>
		<ul class="tb"><li><a href="/tb/1">Lịch thu gom rác</a></li><li><a href="/tb/2">Họp tổ dân phố</a></li></ul></body></html>`)

	e.say(t, kpOff, "/sources "+site.URL+"/khong-co")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "Không đọc được") || !strings.Contains(m.Text, "lỗi 404") || !hasButton(m, "❌ Hủy") {
		t.Fatalf("404 = %q", m.Text)
	}
	// A page whose headings have no links: a selector is asked for.
	e.say(t, kpOff, site.URL+"/trang")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "không tìm thấy liên kết bài nào") || !strings.Contains(m.Text, "bộ chọn CSS") {
		t.Fatalf("no links = %q", m.Text)
	}
	e.say(t, kpOff, site.URL+"/trang ul.tb >>> [")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "không hợp lệ") {
		t.Fatalf("bad selector = %q", m.Text)
	}
	// A photo is not a URL.
	id, _, err := e.srv.SendPhoto(telegramtest.PrivateChat(kpOff), kpOff, "")
	if err != nil {
		t.Fatal(err)
	}
	e.handled(t, id)
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "bằng một tin nhắn chữ") {
		t.Fatalf("a photo = %q", m.Text)
	}
	e.say(t, kpOff, site.URL+"/trang ul.tb a")
	m := e.last(t, kpOff.ID)
	if !strings.Contains(m.Text, "Thông báo của khu phố") || !strings.Contains(m.Text, "bộ chọn ul.tb a") || !strings.Contains(m.Text, "Lịch thu gom rác") {
		t.Fatalf("page with a selector = %q", m.Text)
	}
	// A khu phố official with nothing inside: straight to choosing it.
	e.tap(t, kpOff, "📍 Chọn khu vực nhận tin ›")
	if m := e.last(t, kpOff.ID); !hasButton(m, "📍 Chọn cả Khu phố 3") || hasButton(m, "Khu phố 5") {
		t.Fatalf("chooser = %q, buttons %v", m.Text, labels(m))
	}
	// Typing while the bot waits for a press.
	e.tap(t, kpOff, "📍 Chọn cả Khu phố 3")
	e.tap(t, kpOff, "Tiếp tục ›")
	e.say(t, kpOff, "xin chào")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "hãy bấm chọn") {
		t.Fatalf("text at the topic step = %q", m.Text)
	}
	e.say(t, kpOff, "/cancel")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "Đã hủy việc thêm nguồn tin") || e.hasDraft(t, kpOff) {
		t.Fatalf("/cancel = %q", m.Text)
	}
	if ss, _ := e.db.Sources(context.Background()); len(ss) != 0 {
		t.Fatalf("sources after cancel: %+v", ss)
	}
}

func TestSourcesManageAndRefusals(t *testing.T) {
	e, site := startSources(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	e.grant(t, kpOff, "kp3-phu-tho-hoa")
	ctx := context.Background()
	kp3, tayThanhWard := areaOf(t, e.db, "kp3-phu-tho-hoa"), areaOf(t, e.db, "tay-thanh")
	mine := &store.Source{URL: site.URL + "/a", Kind: store.SourceRSS, Name: "Nguồn khu phố", Topic: store.TopicNews,
		Areas: []store.Area{{ID: kp3}}, Owner: kpOff.ID}
	wide := &store.Source{URL: site.URL + "/b", Kind: store.SourceRSS, Name: "Nguồn hai phường", Topic: store.TopicAnnouncements,
		Areas: []store.Area{{ID: kp3}, {ID: tayThanhWard}}}
	for _, s := range []*store.Source{mine, wide} {
		if err := e.db.CreateSource(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
	}

	// The khu phố official sees both, and may manage only the one all in his scope.
	e.say(t, kpOff, "/sources")
	m := e.last(t, kpOff.ID)
	if !strings.Contains(m.Text, "Nguồn khu phố") || !strings.Contains(m.Text, "Nguồn hai phường") || !strings.Contains(m.Text, "📢 thông báo") {
		t.Fatalf("list = %q", m.Text)
	}
	if hasButton(m, fmt.Sprintf("⏸ Dừng #%d", wide.ID)) || !hasButton(m, fmt.Sprintf("⏸ Dừng #%d", mine.ID)) {
		t.Fatalf("buttons = %v", labels(m))
	}
	for _, d := range []string{fmt.Sprintf("sz:%d:0", wide.ID), fmt.Sprintf("se:%d:0", wide.ID), fmt.Sprintf("sp:%d", tayThanhWard)} {
		if a := e.forge(t, kpOff, m.MessageID, d); !a.ShowAlert || !strings.Contains(a.Text, "không có quyền") {
			t.Errorf("forged %s answered %+v", d, a)
		}
	}
	if got, _ := e.db.SourceByID(ctx, wide.ID); got.Paused {
		t.Fatal("a forged press paused a source")
	}
	if n := len(e.audits(t, "refused")); n != 3 {
		t.Errorf("%d refusals recorded, want 3", n)
	}

	// Pause, resume, remove (asked first).
	if a := e.tap(t, kpOff, fmt.Sprintf("⏸ Dừng #%d", mine.ID)); a.Text != "Đã tạm dừng nguồn tin" {
		t.Fatalf("pause answered %+v", a)
	}
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "⏸ Đang tạm dừng") || !hasButton(m, fmt.Sprintf("▶️ Chạy lại #%d", mine.ID)) {
		t.Fatalf("after pause = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, kpOff, fmt.Sprintf("▶️ Chạy lại #%d", mine.ID))
	e.tap(t, kpOff, fmt.Sprintf("🗑 Xóa #%d", mine.ID))
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "Xóa nguồn tin") || !hasButton(m, "« Quay lại") {
		t.Fatalf("remove question = %q", m.Text)
	}
	if a := e.tap(t, kpOff, fmt.Sprintf("🗑 Xóa hẳn #%d", mine.ID)); a.Text != "Đã xóa nguồn tin" {
		t.Fatalf("remove answered %+v", a)
	}
	if _, err := e.db.SourceByID(ctx, mine.ID); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("after remove: %v", err)
	}
	for _, action := range []string{"source_pause", "source_resume", "source_remove"} {
		e.wantAudit(t, kpOff.ID, action, kp3)
	}
	// The admin manages the wide one.
	e.say(t, chief, "/sources")
	if m := e.last(t, chief.ID); !hasButton(m, fmt.Sprintf("⏸ Dừng #%d", wide.ID)) {
		t.Fatalf("admin's list buttons = %v", labels(m))
	}
	// Not an official.
	e.say(t, stranger, "/sources")
	if m := e.last(t, stranger.ID); !strings.Contains(m.Text, "chỉ dành cho cán bộ") {
		t.Fatalf("/sources by a resident = %q", m.Text)
	}
	if a := e.forge(t, stranger, 1, fmt.Sprintf("sd:%d:0", wide.ID)); !a.ShowAlert {
		t.Fatalf("a resident's forged press answered %+v", a)
	}
}

func TestSourceOwnerToldOnce(t *testing.T) {
	e, site := startSources(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	ctx := context.Background()
	site.set("/rss", wardFeed(1))
	ward := areaOf(t, e.db, "phu-tho-hoa")
	owned := &store.Source{URL: site.URL + "/rss", Kind: store.SourceRSS, Name: "Tin <phường>", Topic: store.TopicNews,
		Areas: []store.Area{{ID: ward}}, Owner: wardOff.ID}
	fromCLI := &store.Source{URL: site.URL + "/rss", Kind: store.SourceRSS, Name: "Từ dòng lệnh", Topic: store.TopicNews,
		Areas: []store.Area{{ID: ward}}}
	for _, s := range []*store.Source{owned, fromCLI} {
		if err := e.db.CreateSource(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	site.fail("/rss", http.StatusServiceUnavailable)
	p := e.poller()
	for range feed.NotifyAfter + 2 {
		if _, err := p.PollNow(ctx); err != nil {
			t.Fatal(err)
		}
	}
	told := func(chat int64, sub string) int {
		n := 0
		for _, m := range e.srv.Messages(chat) {
			if strings.Contains(m.Text, sub) {
				n++
			}
		}
		return n
	}
	if n := told(wardOff.ID, "đã lỗi 3 lần liên tiếp"); n != 1 {
		t.Fatalf("the owner was told %d times: %+v", n, e.srv.Messages(wardOff.ID))
	}
	m := e.last(t, wardOff.ID)
	if !strings.Contains(m.Text, "Tin <phường>") || !strings.Contains(m.Text, "trang báo lỗi (HTTP 503)") || !strings.Contains(m.Text, "the site answered HTTP 503") {
		t.Fatalf("notice = %q", m.Text)
	}
	// Without an owner, the configured admin is told.
	if n := told(chief.ID, "Từ dòng lệnh"); n != 1 {
		t.Fatalf("the admin was told %d times", n)
	}
	e.say(t, wardOff, "/sources")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "⚠️ Lỗi 5 lần liên tiếp: trang báo lỗi (HTTP 503)") {
		t.Fatalf("list while failing = %q", m.Text)
	}
	site.fail("/rss", 0)
	if _, err := p.PollNow(ctx, owned.ID); err != nil {
		t.Fatal(err)
	}
	if n := told(wardOff.ID, "đã đọc được trở lại"); n != 1 {
		t.Fatalf("told of the recovery %d times", n)
	}
}

// TestSourceRenderedAsTelegramReads checks that a feed message is HTML
// Telegram accepts: the fake server parses it as Telegram does.
func TestSourceRenderedAsTelegramReads(t *testing.T) {
	e, site := startSources(t)
	e.residents(t, "phu-tho-hoa", 4101)
	site.set("/rss", wardFeed(1))
	ctx := context.Background()
	s := &store.Source{URL: site.URL + "/rss", Kind: store.SourceRSS, Name: `Báo "A&B" <1>`, Topic: store.TopicNews,
		Areas: []store.Area{{ID: areaOf(t, e.db, "phu-tho-hoa")}}}
	if err := e.db.CreateSource(ctx, s, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := e.poller().PollNow(ctx); err != nil {
		t.Fatal(err)
	}
	got := e.message(t, 4101, 1)
	if got.Text != "📰 TIN TỨC · Báo \"A&B\" <1>\n\nTin số 1 & hoạt động khu phố\nNội dung tin 1.\n\n🔗 Đọc tiếp trên phuthohoa.example.vn" {
		t.Fatalf("the resident read %q", got.Text)
	}
	if want := feed.Message(*s, []store.Item{{Title: "Tin số 1 & hoạt động khu phố", Summary: "Nội dung tin 1.", Link: "https://phuthohoa.example.vn/tin-1.html"}}); got.HTML != want {
		t.Fatalf("HTML = %q\nwant %q", got.HTML, want)
	}
}

// TestSourcesInQuietHours: news from a source waits for the end of a
// chat's quiet hours; announcements from an announcement source do not.
func TestSourcesInQuietHours(t *testing.T) {
	srv := telegramtest.NewServer(telegramtest.Options{Token: testToken})
	t.Cleanup(srv.Close)
	db := MustOpenDB(t, filepath.Join(t.TempDir(), "test.db"))
	seedAreas(t, db)
	// Quiet from an hour ago to an hour from now, whatever the time of the run.
	now := time.Now().In(store.Zone)
	cfg := officialsConfig()
	cfg.QuietHours = now.Add(-time.Hour).Format("15:04") + "-" + now.Add(time.Hour).Format("15:04")
	e := runBot(t, srv, db, cfg)
	site := newNewsSite(t)
	e.residents(t, "phu-tho-hoa", 4201)
	ctx := context.Background()
	ward := areaOf(t, e.db, "phu-tho-hoa")
	site.set("/tin", wardFeed(1))
	site.set("/thong-bao", strings.NewReplacer("Tin số", "Thông báo số", "/tin-", "/thong-bao-").Replace(wardFeed(1)))
	news := &store.Source{URL: site.URL + "/tin", Kind: store.SourceRSS, Name: "Tin tức", Topic: store.TopicNews, Areas: []store.Area{{ID: ward}}}
	notices := &store.Source{URL: site.URL + "/thong-bao", Kind: store.SourceRSS, Name: "UBND", Topic: store.TopicAnnouncements, Areas: []store.Area{{ID: ward}}}
	for _, s := range []*store.Source{news, notices} {
		if err := e.db.CreateSource(ctx, s, nil); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.poller().PollNow(ctx, news.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.poller().PollNow(ctx, notices.ID); err != nil {
		t.Fatal(err)
	}
	// The announcement, enqueued after the news, arrives; the news waits.
	if got := e.message(t, 4201, 1); !strings.Contains(got.Text, "Thông báo số 1") {
		t.Fatalf("the first message = %q", got.Text)
	}
	bs, err := e.db.Broadcasts(ctx, 0, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range bs {
		if b.Topic == store.TopicNews && (b.Counts.Pending != 1 || b.Counts.Sent != 0) {
			t.Fatalf("the news in quiet hours: %+v", b.Counts)
		}
	}
	if n := len(e.srv.Messages(4201)); n != 1 {
		t.Fatalf("%d messages in quiet hours, want only the announcement", n)
	}
}
