package feed_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

func TestMessageOneItem(t *testing.T) {
	src := store.Source{Name: `Báo "Người Lao Động" <NLĐ>`, Topic: store.TopicNews}
	long := strings.Repeat("Người dân khu phố tham gia dọn dẹp vệ sinh môi trường & trồng cây xanh. ", 10)
	it := store.Item{
		Title:   `Tân Phú: <script>alert(1)</script> "ra quân" & dọn kênh`,
		Link:    `https://nld.com.vn/tan-phu.htm?a=1&b=<2>"`,
		Summary: long,
	}
	msg := feed.Message(src, []store.Item{it})
	want := "📰 <b>TIN TỨC</b> · Báo &#34;Người Lao Động&#34; &lt;NLĐ&gt;\n\n" +
		"<b>Tân Phú: &lt;script&gt;alert(1)&lt;/script&gt; &#34;ra quân&#34; &amp; dọn kênh</b>\n"
	if !strings.HasPrefix(msg, want) {
		t.Fatalf("message starts %q\nwant %q", msg[:min(len(msg), len(want))], want)
	}
	if !strings.HasSuffix(msg, "\n\n🔗 <a href=\"https://nld.com.vn/tan-phu.htm?a=1&amp;b=&lt;2&gt;&#34;\">Đọc tiếp trên nld.com.vn</a>") {
		t.Fatalf("message ends %q", msg[len(msg)-120:])
	}
	// The summary: at most 300 characters, cut after a word, with "…".
	lines := strings.Split(msg, "\n")
	summary := strings.ReplaceAll(lines[3], "&amp;", "&")
	if n := utf8.RuneCountInString(summary); n > feed.SummaryLen || n < feed.SummaryLen-20 || !strings.HasSuffix(summary, "…") {
		t.Fatalf("summary of %d characters: %q", n, summary)
	}
	if !strings.HasPrefix(long, strings.TrimSuffix(summary, "…")) || strings.HasSuffix(strings.TrimSuffix(summary, "…"), " ") {
		t.Fatalf("summary not cut at a word: %q", summary)
	}

	// An announcement source, an item without summary.
	msg = feed.Message(store.Source{Name: "UBND Phường", Topic: store.TopicAnnouncements}, []store.Item{{Title: "Lịch cắt điện", Link: "https://www.ubnd.vn/a"}})
	if msg != "📢 <b>THÔNG BÁO</b> · UBND Phường\n\n<b>Lịch cắt điện</b>\n\n🔗 <a href=\"https://www.ubnd.vn/a\">Đọc tiếp trên ubnd.vn</a>" {
		t.Fatalf("announcement = %q", msg)
	}
}

func TestMessageDigest(t *testing.T) {
	items := news(1, 7)
	items[2].Title = "A & B <c>"
	items[3].Title = strings.Repeat("dài ", 100)
	msg := feed.Message(store.Source{Name: "Tuổi Trẻ", Topic: store.TopicNews}, items)
	lines := strings.Split(msg, "\n")
	if lines[0] != "📰 <b>TIN TỨC</b> · Tuổi Trẻ" || lines[2] != "<b>7 tin mới:</b>" || len(lines) != 4+7 {
		t.Fatalf("digest = %q", msg)
	}
	if lines[4] != `1. <a href="https://example.vn/tin-1.html">Tin số 1 của phường</a>` || lines[6] != `3. <a href="https://example.vn/tin-3.html">A &amp; B &lt;c&gt;</a>` {
		t.Fatalf("digest lines = %q", lines[4:7])
	}
	if n := utf8.RuneCountInString(lines[7]); n > 220 || !strings.HasSuffix(lines[7], "…</a>") {
		t.Fatalf("a long title in a digest: %q", lines[7])
	}
}
