package feed_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/unicode/norm"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// cp1258 encodes Vietnamese text as windows-1258 does: the letters it has
// (â, ê, ô, ơ, ư, ă, đ...) precomposed, the tone marks as combining characters.
func cp1258(tb testing.TB, s string) string {
	tb.Helper()
	tones := map[rune]bool{'\u0300': true, '\u0301': true, '\u0303': true, '\u0309': true, '\u0323': true}
	var b strings.Builder
	for _, r := range norm.NFC.String(s) {
		if _, err := charmap.Windows1258.NewEncoder().String(string(r)); err == nil {
			b.WriteRune(r)
			continue
		}
		var base, tone []rune
		for _, d := range norm.NFD.String(string(r)) {
			if tones[d] {
				tone = append(tone, d)
			} else {
				base = append(base, d)
			}
		}
		b.WriteString(norm.NFC.String(string(base)) + string(tone))
	}
	out, err := charmap.Windows1258.NewEncoder().String(b.String())
	if err != nil {
		tb.Fatal(err)
	}
	return out
}

// vnFeed is a small feed in Vietnamese with the XML declaration given.
func vnFeed(decl string) string {
	return decl + `<rss version="2.0"><channel><title>Tin tức Phường Phú Thọ Hòa</title><link>https://phuthohoa.example.vn/</link>
<item><title>Họp tổ dân phố Khu phố 3</title><link>https://phuthohoa.example.vn/hop-to-dan-pho.html</link>
<description>Đề nghị bà con đến đúng giờ.</description></item></channel></rss>`
}

// TestCharsets reads feeds whose charset is declared wrongly or not at
// all, as Vietnamese government sites serve them, and feeds that cannot
// be read: the latter fail with an error, never a panic.
func TestCharsets(t *testing.T) {
	w1258 := cp1258(t, vnFeed(`<?xml version="1.0" encoding="windows-1258"?>`))
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(vnFeed(`<?xml version="1.0" encoding="UTF-16"?>`))
	if err != nil {
		t.Fatal(err)
	}
	latin1 := func(s string) string {
		out, err := charmap.ISO8859_1.NewEncoder().String(s)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	const ptFeed = `<rss version="2.0"><channel><title>Notícias</title><item><title>Eleições: ação</title><link>https://example.pt/a</link></item></channel></rss>`
	for _, tt := range []struct {
		name        string
		body        string
		contentType string
		title       string // of the first item; "" means the fetch must fail
	}{
		{"UTF-8 declared as ISO-8859-1", vnFeed(`<?xml version="1.0" encoding="ISO-8859-1"?>`), "text/xml", "Họp tổ dân phố Khu phố 3"},
		{"UTF-8 declared as windows-1258 in the header", vnFeed(""), "text/xml; charset=windows-1258", "Họp tổ dân phố Khu phố 3"},
		{"UTF-8 with a BOM", "\uFEFF" + vnFeed(`<?xml version="1.0" encoding="utf-8"?>`), "", "Họp tổ dân phố Khu phố 3"},
		{"windows-1258, declared", w1258, "text/xml", "Họp tổ dân phố Khu phố 3"},
		{"UTF-16 with a BOM", utf16, "application/xml", "Họp tổ dân phố Khu phố 3"},
		{"Latin-1, undeclared", latin1(ptFeed), "text/xml", "Eleições: ação"},
		{"Latin-1, in the header only", latin1(ptFeed), "text/xml; charset=ISO-8859-1", "Eleições: ação"},
		{"Latin-1, declared UTF-8", latin1(`<?xml version="1.0" encoding="UTF-8"?>` + ptFeed), "text/xml", "Eleições: ação"},
		{"UTF-8 with a stray byte, declared unknown", strings.Replace(vnFeed(`<?xml version="1.0" encoding="x-unknown"?>`), "Họp", "H\xadp", 1), "", "H\uFFFDp tổ dân phố Khu phố 3"},
		{"truncated", vnFeed("")[:120], "text/xml", ""},
		{"NUL bytes", "<rss>\x00\x00\x00", "text/xml", ""},
		{"empty", "", "text/xml", ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t)
			s.set("/feed", tt.contentType, []byte(tt.body))
			res, err := feed.NewFetcher(feed.Options{AllowPrivate: true}).Fetch(context.Background(), feed.Request{URL: s.url("/feed"), Kind: store.SourceRSS})
			if tt.title == "" {
				if feed.ReasonOf(err) != feed.ReasonParse {
					t.Fatalf("Fetch = %+v, %v; want a parse error", res, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Items) != 1 || res.Items[0].Title != tt.title {
				t.Fatalf("items = %+v, want the title %q", res.Items, tt.title)
			}
		})
	}
}

// TestPageCharsets reads list pages in charsets declared wrongly or not at all.
func TestPageCharsets(t *testing.T) {
	page := func(meta string) string {
		return `<html><head>` + meta + `<title>Thông báo</title></head><body><h3><a href="/a.html">Lịch tiêm chủng tháng 4</a></h3></body></html>`
	}
	w1258 := cp1258(t, page(`<meta charset="windows-1258">`))
	for _, tt := range []struct {
		name, body, contentType string
	}{
		{"UTF-8 declared as ISO-8859-1", page(`<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">`), "text/html; charset=iso-8859-1"},
		{"UTF-8 without a declaration", page(""), "text/html"},
		{"windows-1258, declared in a meta tag", w1258, "text/html"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSite(t)
			s.set("/tin", tt.contentType, []byte(tt.body))
			res, err := feed.NewFetcher(feed.Options{AllowPrivate: true}).Fetch(context.Background(), feed.Request{URL: s.url("/tin"), Kind: store.SourceHTML})
			if err != nil {
				t.Fatal(err)
			}
			if res.Name != "Thông báo" || len(res.Items) != 1 || res.Items[0].Title != "Lịch tiêm chủng tháng 4" {
				t.Fatalf("page = %q, items %+v", res.Name, res.Items)
			}
		})
	}
	// Bytes that are no text at all still give a page (of nonsense), never a crash.
	s := newSite(t)
	s.set("/rac", "text/html", bytes.Repeat([]byte{0xff, 0x00, 0x81}, 100))
	if _, err := feed.NewFetcher(feed.Options{AllowPrivate: true}).Fetch(context.Background(), feed.Request{URL: s.url("/rac"), Kind: store.SourceHTML}); feed.ReasonOf(err) != feed.ReasonNoItems {
		t.Fatalf("binary page: %v", err)
	}
}
