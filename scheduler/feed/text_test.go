package feed_test

import (
	"context"
	"testing"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// TestSummaryText reads summaries written in HTML as feeds write them.
func TestSummaryText(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"<p>Nội dung <b>tin 5</b>.</p>", "Nội dung tin 5."},
		{`<a href="x"><img src="y"></a></br>Ngoại trưởng <i>Israel</i> cho biết`, "Ngoại trưởng Israel cho biết"},
		{"Dòng một<br>dòng hai<br/>dòng ba", "Dòng một dòng hai dòng ba"},
		{"<div>Khối</div><div>khác</div>", "Khối khác"},
		{"A &amp; B &lt;C&gt; &quot;D&quot; &#7841;", `A & B <C> "D" ạ`},
		{"<script>var x = '<p>không</p>';</script><style>p{}</style>Còn lại", "Còn lại"},
		{"  nhiều \n\t khoảng   trắng ", "nhiều khoảng trắng"},
		{"Tho\u0323 (NFD)", "Thọ (NFD)"},
		{"a < b và c > d", "a < b và c > d"},
	} {
		items := []store.Item{{Link: "https://example.vn/a", Title: "Tiêu đề", Summary: tt.in}}
		s := newSite(t)
		s.set("/f", "text/xml", rss("Tin", items...))
		res, err := feed.NewFetcher(feed.Options{AllowPrivate: true}).Fetch(context.Background(), feed.Request{URL: s.url("/f"), Kind: store.SourceRSS})
		if err != nil {
			t.Fatal(err)
		}
		if got := res.Items[0].Summary; got != tt.want {
			t.Errorf("summary of %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}
