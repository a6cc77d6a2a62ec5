package feed_test

import (
	"context"
	"strings"
	"testing"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// TestPage reads the list page fixture (testdata/pages) served from
// 127.0.0.1 with its own bytes.
func TestPage(t *testing.T) {
	s := newSite(t)
	s.set("/tin-tuc/", "text/html; charset=utf-8", corpus(t, "pages/thanhuy-tin-tuc.html"))
	f := feed.NewFetcher(feed.Options{AllowPrivate: true})
	ctx := context.Background()

	res, err := f.Probe(ctx, s.url("/tin-tuc/"), ".news-item h3 a")
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != store.SourceHTML || res.Selector != ".news-item h3 a" || res.URL != s.url("/tin-tuc/") ||
		res.Name != "Tin tức - Sự kiện | Cổng thông tin điện tử Đảng bộ Phường Phú Thọ Hòa" || res.ETag == "" {
		t.Fatalf("probe = %+v", res)
	}
	// Relative links resolve against <base href>; the fragment goes; the
	// same article with a tracking parameter, and the mailto link, are left
	// out; an image link is named by its title.
	want := []store.Item{
		{Link: "https://phuthohoa.example.vn/tin-tuc/ra-quan-ve-sinh-kenh-tan-hoa-2026-04.html", Title: "Ra quân vệ sinh kênh Tân Hóa & nạo vét cống thoát nước"},
		{Link: "https://phuthohoa.example.vn/tin-tuc/ky-niem-51-nam-giai-phong-mien-nam.html",
			Title: "Phường Phú Thọ Hòa kỷ niệm 51 năm Ngày Giải phóng miền Nam, thống nhất đất nước (30/4/1975 - 30/4/2026)"},
		{Link: "https://phuthohoa.example.vn/tin-tuc/lich-tiep-cong-dan-thang-4.html", Title: "Lịch tiếp công dân tháng 4/2026 của Bí thư Đảng ủy phường"},
		{Link: "https://phuthohoa.example.vn/tin-tuc/hoi-nghi-dan-van-%3C2026%3E.html", Title: "Hội nghị dân vận"},
	}
	if len(res.Items) != len(want) {
		t.Fatalf("%d items: %+v", len(res.Items), res.Items)
	}
	for i, w := range want {
		if got := res.Items[i]; got.Link != w.Link || got.Title != w.Title || got.GUID != "" || !got.Published.IsZero() {
			t.Errorf("item %d = %+v\nwant %+v", i, got, w)
		}
	}

	// The containers as the selector: what they say besides the title is the summary.
	res, err = f.Fetch(ctx, feed.Request{URL: s.url("/tin-tuc/"), Kind: store.SourceHTML, Selector: ".news-item"})
	if err != nil {
		t.Fatal(err)
	}
	if got := res.Items[0]; got.Title != want[0].Title || got.Summary != "12/04/2026 Hơn 200 đoàn viên, thanh niên và người dân Khu phố 3 cùng tham gia." {
		t.Fatalf("container item = %+v", got)
	}

	// Without a selector, the links of the headings: the aside's heading has none.
	res, err = f.Probe(ctx, s.url("/tin-tuc/"), "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Selector != feed.DefaultSelector || len(res.Items) != 4 {
		t.Fatalf("default selector: %q, %+v", res.Selector, res.Items)
	}
	// The newest first on the page: relayed last.
	if c := feed.Chronological(res.Items); c[len(c)-1].Link != want[0].Link {
		t.Fatalf("chronological order ends with %q", c[len(c)-1].Link)
	}

	// A selector that finds nothing, and one that is not CSS.
	if _, err := f.Fetch(ctx, feed.Request{URL: s.url("/tin-tuc/"), Kind: store.SourceHTML, Selector: ".khong-co"}); feed.ReasonOf(err) != feed.ReasonNoItems {
		t.Fatalf("no match: %v", err)
	}
	if _, err := f.Probe(ctx, s.url("/tin-tuc/"), "h3 >>> a["); feed.ReasonOf(err) != feed.ReasonSelector {
		t.Fatalf("bad selector: %v", err)
	}
	if err := feed.CheckSelector(".news-item h3 a"); err != nil {
		t.Fatal(err)
	}
}

// TestProbeFindsTheFeed: a page that announces its feed is read as that
// feed, unless a selector is given.
func TestProbeFindsTheFeed(t *testing.T) {
	s := newSite(t)
	s.set("/", "text/html", []byte(`<html><head><title>Báo Sài Gòn Giải Phóng</title>
<link rel="alternate" type="application/rss+xml" title="Tin mới" href="/rss/tin-moi.rss"></head>
<body><h2><a href="/bai-1.html">Bài trên trang</a></h2></body></html>`))
	s.set("/rss/tin-moi.rss", "application/rss+xml", rss("SGGP - Tin mới", news(1, 4)...))
	f := feed.NewFetcher(feed.Options{AllowPrivate: true})
	res, err := f.Probe(context.Background(), s.url("/"), "")
	if err != nil {
		t.Fatal(err)
	}
	if res.Kind != store.SourceRSS || res.URL != s.url("/rss/tin-moi.rss") || res.Name != "SGGP - Tin mới" || len(res.Items) != 4 {
		t.Fatalf("probe = %+v", res)
	}
	if latest := feed.Latest(res.Items, 3); len(latest) != 3 || latest[0].Title != "Tin số 4 của phường" || latest[2].Title != "Tin số 2 của phường" {
		t.Fatalf("latest = %+v", latest)
	}
	res, err = f.Probe(context.Background(), s.url("/"), "h2 a")
	if err != nil || res.Kind != store.SourceHTML || len(res.Items) != 1 || !strings.HasSuffix(res.Items[0].Link, "/bai-1.html") {
		t.Fatalf("probe with a selector = %+v, %v", res, err)
	}
}
