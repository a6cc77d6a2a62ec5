package feed_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// TestCorpus serves every file of testdata/feeds (real feeds, see its
// README) from 127.0.0.1 with its own bytes, as a site would, and reads it
// as the poller does: first in full, then conditionally (304).
func TestCorpus(t *testing.T) {
	tests := []struct {
		file        string
		contentType string
		name        string
		items       int
		first       store.Item // the source's first item: its title, link and GUID
		dated       bool       // every item has a date
		summary     string     // the start of the first item's summary
	}{
		{
			file: "01_vnexpress_the-gioi_2025.xml", contentType: "application/rss+xml", name: "Thế giới - VnExpress RSS", items: 1,
			first: store.Item{
				Title: "Israel nối gót Mỹ rời Hội đồng Nhân quyền LHQ",
				Link:  "https://vnexpress.net/israel-noi-got-my-roi-hoi-dong-nhan-quyen-lhq-4846612.html",
				GUID:  "https://vnexpress.net/israel-noi-got-my-roi-hoi-dong-nhan-quyen-lhq-4846612.html",
			},
			dated: true, summary: "Ngoại trưởng Israel cho biết",
		},
		{
			// Title, link and GUID are wrapped in newlines; the 7th item has
			// nothing (no title, link or GUID) and is left out.
			file: "02_vnexpress_tin-moi-nhat_2017_whitespace.xml", contentType: "text/xml", name: "Tin mới nhất - VnExpress RSS", items: 24,
			first: store.Item{
				Title: "Con hẻm trăm tuổi ở Sài Gòn nhiều lần lên phim TVB 4",
				Link:  "https://dulich.vnexpress.net/tin-tuc/test-folder/con-hem-tram-tuoi-o-sai-gon-nhieu-lan-len-phim-tvb-4-3670446.html",
				GUID:  "https://dulich.vnexpress.net/tin-tuc/test-folder/con-hem-tram-tuoi-o-sai-gon-nhieu-lan-len-phim-tvb-4-3670446.html",
			},
			dated: true, summary: "Mang nét cổ kính và kiến trúc độc đáo",
		},
		{
			// Declared ISO-8859-1, Latin-1 bytes; FeedBurner items have no GUID.
			file: "03_jn-pt_declared-iso-8859-1.rss", contentType: "application/rss+xml", name: "Jornal de Notícias - Últimas Notícias", items: 40,
			first: store.Item{
				Title: "Mãe de utente é a nova presidente da Raríssimas",
				Link:  "http://feeds.jn.pt/~r/JN-ULTIMAS/~3/UBnb8Ra3Q1U/sonia-laig-e-a-nova-presidente-da-rarissimas-9021600.html",
			},
			dated: true, summary: "Sónia Laygue, profissional",
		},
		{
			// No declaration, Latin-1 bytes (gofeed alone fails on it), dates
			// in Portuguese that nothing parses.
			file: "04_uol_no-decl_latin1_localized-dates.rss", contentType: "application/rss+xml", name: "UOL Noticias", items: 15,
			first: store.Item{
				Title: "Ibope: Bolsonaro perde de Haddad, Ciro e Alckmin em simulações de 2º turno",
				Link:  "https://noticias.uol.com.br/politica/eleicoes/2018/noticias/2018/09/24/ibope-bolsonaro-perde-de-haddad-ciro-e-alckmin-em-simulacoes-de-2-turno.htm",
			},
			summary: "Líder na pesquisa Ibope",
		},
		{
			// RSS 0.92: no GUID, no item date.
			file: "05_rss092_declared-iso-8859-1_no-item-pubdate.rss", contentType: "text/xml; charset=iso-8859-1", name: "RSS0.92 Example", items: 2,
			first:   store.Item{Title: "The First Item", Link: "http://www.oreilly.com/example/001.html"},
			summary: "This is the first item.",
		},
		{
			file: "06_heise_atom_html-content.atom", contentType: "application/atom+xml", name: "heise developer neueste Meldungen", items: 15,
			first: store.Item{
				Title: "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei",
				Link:  "http://www.heise.de/developer/meldung/Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html?wt_mc=rss.developer.beitrag.atom",
				GUID:  "http://heise.de/-3088438",
			},
			dated: true, summary: "Die nun verfügbare Version 10",
		},
	}
	f := feed.NewFetcher(feed.Options{AllowPrivate: true})
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			s := newSite(t)
			s.set("/feed", tt.contentType, corpus(t, "feeds/"+tt.file))
			res, err := f.Fetch(ctx, feed.Request{URL: s.url("/feed"), Kind: store.SourceRSS})
			if err != nil {
				t.Fatal(err)
			}
			if res.Name != tt.name || len(res.Items) != tt.items || res.ETag == "" {
				t.Fatalf("name %q, %d items, ETag %q; want %q, %d items", res.Name, len(res.Items), res.ETag, tt.name, tt.items)
			}
			got := res.Items[0]
			if got.Title != tt.first.Title || got.Link != tt.first.Link || got.GUID != tt.first.GUID {
				t.Errorf("first item = %q %q %q\nwant %q %q %q", got.Title, got.Link, got.GUID, tt.first.Title, tt.first.Link, tt.first.GUID)
			}
			if !strings.HasPrefix(got.Summary, tt.summary) || strings.ContainsAny(got.Summary, "<>") {
				t.Errorf("summary = %q, want plain text starting %q", got.Summary, tt.summary)
			}
			for i, it := range res.Items {
				if len(store.ItemKeys(it)) == 0 || it.Title == "" {
					t.Errorf("item %d has no key or no title: %+v", i, it)
				}
				if it.Published.IsZero() == tt.dated {
					t.Errorf("item %d: dated %v, want %v", i, !it.Published.IsZero(), tt.dated)
				}
				if strings.ContainsRune(it.Title+it.Summary, '\uFFFD') || strings.Contains(it.Title+it.Summary, "Ã") {
					t.Errorf("item %d is garbled: %q", i, it.Title)
				}
			}

			// The poller's order: oldest first.
			chrono := feed.Chronological(res.Items)
			if tt.dated {
				for i := 1; i < len(chrono); i++ {
					if chrono[i].Published.Before(chrono[i-1].Published) {
						t.Fatalf("item %d of the chronological order is older than the one before", i)
					}
				}
			} else if chrono[len(chrono)-1].Link != tt.first.Link {
				t.Errorf("undated items: the newest should be the source's first")
			}

			// The message residents get for its first item.
			msg := feed.Message(store.Source{Name: res.Name, Topic: store.TopicNews}, res.Items[:1])
			if !strings.Contains(msg, "<b>"+strings.ReplaceAll(tt.first.Title, `"`, "&#34;")+"</b>") {
				t.Errorf("message = %q", msg)
			}

			// Asked again with its validators, the site answers 304.
			again, err := f.Fetch(ctx, feed.Request{URL: s.url("/feed"), Kind: store.SourceRSS, ETag: res.ETag})
			if err != nil || !again.NotModified || len(again.Items) != 0 {
				t.Fatalf("conditional fetch = %+v, %v", again, err)
			}
			if full, notMod, _ := s.counts("/feed"); full != 1 || notMod != 1 {
				t.Fatalf("site answered %d in full and %d with 304", full, notMod)
			}
		})
	}
}

// TestCorpusDigest polls file 02 for a source added before its items
// appeared: 24 new items for one chat make one digest, in the order they
// were published.
func TestCorpusDigest(t *testing.T) {
	w := newWorld(t, 1, 0)
	s := newSite(t)
	s.set("/feed", "text/xml", corpus(t, "feeds/02_vnexpress_tin-moi-nhat_2017_whitespace.xml"))
	src := &store.Source{URL: s.url("/feed"), Kind: store.SourceRSS, Name: "VnExpress", Topic: store.TopicNews, Areas: []store.Area{w.ward}}
	if err := w.db.CreateSource(context.Background(), src, nil); err != nil {
		t.Fatal(err)
	}
	w.advance(time.Hour)
	out, err := feed.NewPoller(feed.Config{Store: w.db, Fetcher: local, Logger: quiet}).PollDue(context.Background())
	if err != nil || len(out) != 1 || out[0].Err != nil {
		t.Fatalf("poll = %+v, %v", out, err)
	}
	r := out[0].Relay
	if r.New != 24 || r.Relayed != 24 || r.Broadcasts != 1 {
		t.Fatalf("relay = %+v", r)
	}
	msgs := w.messages(t, 1000)
	if len(msgs) != 1 || !strings.HasPrefix(msgs[0], "📰 <b>TIN TỨC</b> · VnExpress\n\n<b>24 tin mới:</b>\n") {
		t.Fatalf("messages = %q", msgs)
	}
	// The oldest (09:28:56 UTC) first, the newest (10:42:01) last.
	first := strings.Index(msgs[0], "Dương Hoàng Yến và Hà Anh hát trên phố đi bộ Nguyễn Huệ")
	last := strings.Index(msgs[0], "Con hẻm trăm tuổi ở Sài Gòn nhiều lần lên phim TVB 4")
	if first < 0 || last < first || !strings.HasSuffix(msgs[0], "tvb-4-3670446.html\">Con hẻm trăm tuổi ở Sài Gòn nhiều lần lên phim TVB 4</a>") {
		t.Fatalf("digest order: %q", msgs[0])
	}
}
