package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// mustSource creates an RSS news source feeding the areas given.
func mustSource(tb testing.TB, db *store.DB, url string, seen []store.Item, areas ...store.Area) *store.Source {
	tb.Helper()
	s := &store.Source{URL: url, Kind: store.SourceRSS, Name: "Báo Tuổi Trẻ", Topic: store.TopicNews, Areas: areas, Owner: 7}
	if err := db.CreateSource(context.Background(), s, seen); err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestCreateSource(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	start := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return start }
	areas := mustImportTanPhu(t, db)
	s := &store.Source{
		URL: " https://tuoitre.vn/rss/tin-moi-nhat.rss ", Kind: store.SourceRSS, Name: "  Tuổi Trẻ \n Online ",
		Topic: store.TopicNews, Areas: []store.Area{areas["phu-tho-hoa"], areas["tay-thanh"], areas["phu-tho-hoa"]},
		Keywords: store.ParseKeywords("Tân Phú, ngập nước;; tân phú"), ETag: `"v1"`, Owner: 7,
	}
	seen := []store.Item{{GUID: "a", Link: "https://tuoitre.vn/a.htm"}, {Link: "https://tuoitre.vn/b.htm"}}
	if err := db.CreateSource(ctx, s, seen); err != nil {
		t.Fatal(err)
	}
	got, err := db.SourceByID(ctx, s.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.URL != "https://tuoitre.vn/rss/tin-moi-nhat.rss" || got.Name != "Tuổi Trẻ Online" || got.Interval != store.DefaultSourceInterval ||
		got.ETag != `"v1"` || got.Owner != 7 || got.Paused || got.Failures != 0 || !got.NextPollAt.Equal(start.Add(10*time.Minute)) {
		t.Fatalf("source = %+v", got)
	}
	if codes := []string{got.Areas[0].Code, got.Areas[1].Code}; len(got.Areas) != 2 || !slices.Contains(codes, "tay-thanh") || !slices.Contains(codes, "phu-tho-hoa") {
		t.Fatalf("areas = %+v", got.Areas)
	}
	if !slices.Equal(got.Keywords, []string{"Tân Phú", "ngập nước"}) {
		t.Fatalf("keywords = %q", got.Keywords)
	}
	log, err := db.AuditLog(ctx, 7, 10)
	if err != nil || len(log) != 1 || log[0].Action != "source_add" {
		t.Fatalf("audit = %+v, %v", log, err)
	}

	// Due only once its interval has passed.
	if due, err := db.DueSources(ctx, start.Add(9*time.Minute), 10); err != nil || len(due) != 0 {
		t.Fatalf("due after 9 minutes: %+v, %v", due, err)
	}
	if due, err := db.DueSources(ctx, start.Add(10*time.Minute), 10); err != nil || len(due) != 1 || due[0].ID != s.ID {
		t.Fatalf("due after 10 minutes: %+v, %v", due, err)
	}
}

func TestCreateSource_Invalid(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	areas := mustImportTanPhu(t, db)
	ward := []store.Area{areas["phu-tho-hoa"]}
	ok := func() store.Source {
		return store.Source{URL: "https://example.vn/rss", Kind: store.SourceRSS, Topic: store.TopicNews, Areas: ward}
	}
	tests := []struct {
		name   string
		change func(*store.Source)
		code   string
	}{
		{"ftp", func(s *store.Source) { s.URL = "ftp://example.vn/rss" }, store.EINVALID},
		{"file", func(s *store.Source) { s.URL = "file:///etc/passwd" }, store.EINVALID},
		{"javascript", func(s *store.Source) { s.URL = "javascript:alert(1)" }, store.EINVALID},
		{"relative", func(s *store.Source) { s.URL = "/rss" }, store.EINVALID},
		{"password", func(s *store.Source) { s.URL = "https://u:p@example.vn/rss" }, store.EINVALID},
		{"html without selector", func(s *store.Source) { s.Kind = store.SourceHTML }, store.EINVALID},
		{"unknown kind", func(s *store.Source) { s.Kind = "json" }, store.EINVALID},
		{"reminders", func(s *store.Source) { s.Topic = store.TopicReminders }, store.EINVALID},
		{"30 seconds", func(s *store.Source) { s.Interval = 30 * time.Second }, store.EINVALID},
		{"two days", func(s *store.Source) { s.Interval = 48 * time.Hour }, store.EINVALID},
		{"no area", func(s *store.Source) { s.Areas = nil }, store.EINVALID},
		{"missing area", func(s *store.Source) { s.Areas = []store.Area{{ID: 9999}} }, store.ENOTFOUND},
		{"blank keyword", func(s *store.Source) { s.Keywords = []string{"!!"} }, store.EINVALID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := ok()
			tt.change(&s)
			if err := db.CreateSource(ctx, &s, nil); store.ErrorCode(err) != tt.code {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
		})
	}
	if ss, err := db.Sources(ctx); err != nil || len(ss) != 0 {
		t.Fatalf("sources after refusals: %+v, %v", ss, err)
	}
	// A merged area is refused: sources are added to the area it became.
	if err := db.MergeArea(ctx, "tay-thanh", "tan-phu"); err != nil {
		t.Fatal(err)
	}
	s := ok()
	s.Areas = []store.Area{areas["tay-thanh"]}
	if err := db.CreateSource(ctx, &s, nil); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("a merged area: %v", err)
	}
}

func TestSourcePauseResumeRemove(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	areas := mustImportTanPhu(t, db)
	s := mustSource(t, db, "https://example.vn/rss", []store.Item{{Link: "https://example.vn/1"}}, areas["phu-tho-hoa"])

	if err := db.SetSourcePaused(ctx, s.ID, true, 7); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Hour)
	if due, _ := db.DueSources(ctx, now, 10); len(due) != 0 {
		t.Fatalf("a paused source is due: %+v", due)
	}
	// A resumed source is due at once.
	if err := db.SetSourcePaused(ctx, s.ID, false, 7); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.DueSources(ctx, now, 10); len(due) != 1 {
		t.Fatalf("a resumed source is not due: %+v", due)
	}
	if err := db.DeleteSource(ctx, s.ID, 8); err != nil {
		t.Fatal(err)
	}
	if _, err := db.SourceByID(ctx, s.ID); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("after remove: %v", err)
	}
	for _, err := range []error{db.DeleteSource(ctx, s.ID, 8), db.SetSourcePaused(ctx, s.ID, true, 8)} {
		if store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("on a removed source: %v", err)
		}
	}
	var items int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM items`).Scan(&items); err != nil || items != 0 {
		t.Errorf("%d items left after remove (%v)", items, err)
	}
	var actions []string
	log, _ := db.AuditLog(ctx, 0, 10)
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	if !slices.Equal(actions, []string{"source_remove", "source_resume", "source_pause", "source_add"}) {
		t.Fatalf("audit = %v", actions)
	}
}

func TestRecordFailure(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	now := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	areas := mustImportTanPhu(t, db)
	s := mustSource(t, db, "https://example.vn/rss", nil, areas["phu-tho-hoa"])
	for i := 1; i <= 3; i++ {
		got, err := db.RecordFailure(ctx, s.ID, "HTTP 503", 20*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		if got.Failures != i || got.LastError != "HTTP 503" || !got.BackoffUntil.Equal(now.Add(20*time.Minute)) || !got.NextPollAt.Equal(got.BackoffUntil) {
			t.Fatalf("after failure %d: %+v", i, got)
		}
	}
	// Telling the owner is claimed once.
	if ok, err := db.SetFailingNotified(ctx, s.ID, true); err != nil || !ok {
		t.Fatalf("first claim: %v %v", ok, err)
	}
	if ok, err := db.SetFailingNotified(ctx, s.ID, true); err != nil || ok {
		t.Fatalf("second claim: %v %v", ok, err)
	}
	// A good poll forgets the failures and says the owner had been told.
	r, err := db.RecordPoll(ctx, s.ID, store.Poll{NotModified: true}, renderTitles)
	if err != nil || !r.Recovered {
		t.Fatalf("RecordPoll = %+v, %v", r, err)
	}
	got, _ := db.SourceByID(ctx, s.ID)
	if got.Failures != 0 || got.LastError != "" || !got.BackoffUntil.IsZero() || got.FailingNotified || !got.NextPollAt.Equal(now.Add(10*time.Minute)) {
		t.Fatalf("after a good poll: %+v", got)
	}
	if _, err := db.RecordFailure(ctx, 999, "x", time.Minute); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("failure of a missing source: %v", err)
	}
}

func TestMergeAreaMovesSources(t *testing.T) {
	ctx := context.Background()
	db := MustOpenDB(t)
	areas := mustImportTanPhu(t, db)
	a := mustSource(t, db, "https://a.vn/rss", nil, areas["tay-thanh"])
	b := mustSource(t, db, "https://b.vn/rss", nil, areas["tay-thanh"], areas["tan-phu"])
	if err := db.MergeArea(ctx, "tay-thanh", "tan-phu"); err != nil {
		t.Fatal(err)
	}
	for _, id := range []int64{a.ID, b.ID} {
		s, err := db.SourceByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Areas) != 1 || s.Areas[0].Code != "tan-phu" {
			t.Errorf("source %d feeds %+v after the merge, want tan-phu only", id, s.Areas)
		}
	}
}

func TestSourceWants(t *testing.T) {
	s := store.Source{Keywords: store.ParseKeywords("Tân Phú, ngập")}
	for _, tt := range []struct {
		item store.Item
		want bool
	}{
		{store.Item{Title: "Quận TÂN PHÚ: khánh thành trường mới"}, true},
		{store.Item{Title: "Mưa lớn", Summary: "Nhiều tuyến đường bị ngập sâu."}, true},
		{store.Item{Title: "tan phu chuan bi le 30/4"}, true},
		{store.Item{Title: "Tân Phước Khánh"}, false},       // "tan phu" is not a word of it
		{store.Item{Title: "Ngập ngừng trước giờ G"}, true}, // a word, even in another sense: plain text, no rules
		{store.Item{Title: "Giá vàng hôm nay"}, false},
	} {
		if got := s.Wants(tt.item); got != tt.want {
			t.Errorf("Wants(%q) = %v, want %v", tt.item.Title, got, tt.want)
		}
	}
	if !(store.Source{}).Wants(store.Item{Title: "x"}) {
		t.Error("a source without keywords refused an item")
	}
}

func TestCanonicalLink(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"https://VnExpress.net/a-123.html", "vnexpress.net/a-123.html"},
		{"http://vnexpress.net/a-123.html#comments", "vnexpress.net/a-123.html"},
		{"https://vnexpress.net:443/a-123.html?utm_source=rss&utm_medium=feed", "vnexpress.net/a-123.html"},
		{"https://www.heise.de/developer/meldung/x.html?wt_mc=rss.developer.beitrag.atom", "www.heise.de/developer/meldung/x.html"},
		{"https://example.vn/tin?id=5&cat=2&fbclid=abc", "example.vn/tin?cat=2&id=5"},
		{"https://example.vn:8080", "example.vn:8080/"},
		{"https://thanhuy.vn/tin-tức/bài-1", "thanhuy.vn/tin-t%E1%BB%A9c/b%C3%A0i-1"},
		{"https://thanhuy.vn/tin-t%E1%BB%A9c/b%C3%A0i-1", "thanhuy.vn/tin-t%E1%BB%A9c/b%C3%A0i-1"},
		{"mailto:ban@example.vn", ""},
		{"/relative/path", ""},
		{"", ""},
	} {
		if got := store.CanonicalLink(tt.in); got != tt.want {
			t.Errorf("CanonicalLink(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCheckSourceURL(t *testing.T) {
	if u, err := store.CheckSourceURL("  https://thanhuytphcm.vn/tin-tuc  "); err != nil || u != "https://thanhuytphcm.vn/tin-tuc" {
		t.Fatalf("CheckSourceURL = %q, %v", u, err)
	}
	for _, bad := range []string{"", "thanhuytphcm.vn", "gopher://x.vn", "https://", "https://a:b@x.vn/"} {
		if _, err := store.CheckSourceURL(bad); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("CheckSourceURL(%q) = %v, want %s", bad, err, store.EINVALID)
		}
	}
}
