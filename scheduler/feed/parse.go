package feed

import (
	"bytes"
	"net/url"
	"slices"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/andybalholm/cascadia"
	"github.com/mmcdole/gofeed"

	"github.com/loaphuong/loaphuong/store"
)

// maxItems bounds the items read from one answer: a feed of thousands is
// someone's archive, not news.
const maxItems = 200

// DefaultSelector finds the article links of a typical news list page when
// no selector is given: the links in its headings.
const DefaultSelector = "h1 a[href], h2 a[href], h3 a[href], h4 a[href]"

// isFeed says whether a body is an RSS, Atom or JSON feed.
func isFeed(body []byte) bool {
	return gofeed.DetectFeedType(bytes.NewReader(body)) != gofeed.FeedTypeUnknown
}

// parseFeed reads a feed: its title and items, links resolved against
// base. Items without an http(s) link are left out.
func parseFeed(body []byte, contentType string, base *url.URL) (string, []store.Item, error) {
	f, err := gofeed.NewParser().Parse(bytes.NewReader(toUTF8XML(body, contentType)))
	if err != nil {
		return "", nil, &Error{Reason: ReasonParse, Err: err}
	}
	if l := absolute(base, f.Link); l != nil {
		base = l
	}
	var items []store.Item
	for _, fi := range f.Items {
		if len(items) == maxItems {
			break
		}
		link := absolute(base, fi.Link)
		for _, l := range fi.Links {
			if link != nil {
				break
			}
			link = absolute(base, l)
		}
		guid := strings.TrimSpace(fi.GUID)
		if link == nil {
			// An RSS guid is often the permalink.
			if link = absolute(nil, guid); link == nil {
				continue
			}
		}
		it := store.Item{GUID: guid, Link: link.String(), Title: plainText(fi.Title)}
		desc := fi.Description
		if strings.TrimSpace(plainText(desc)) == "" {
			desc = fi.Content
		}
		it.Summary = plainText(desc)
		if it.Summary == it.Title {
			it.Summary = ""
		}
		switch {
		case fi.PublishedParsed != nil:
			it.Published = *fi.PublishedParsed
		case fi.UpdatedParsed != nil:
			it.Published = *fi.UpdatedParsed
		}
		if it.Title == "" {
			it.Title = cut(it.Summary, 120)
		}
		items = append(items, it)
	}
	return plainText(f.Title), items, nil
}

// page is an HTML page, parsed.
type page struct {
	doc  *goquery.Document
	base *url.URL
}

// parsePage parses an HTML page; links resolve against its <base href>,
// else against the URL it came from.
func parsePage(body []byte, contentType string, from *url.URL) (*page, error) {
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(toUTF8HTML(body, contentType)))
	if err != nil {
		return nil, &Error{Reason: ReasonParse, Err: err}
	}
	base := from
	if href, ok := doc.Find("base[href]").First().Attr("href"); ok {
		if b := absolute(from, href); b != nil {
			base = b
		}
	}
	return &page{doc: doc, base: base}, nil
}

// title is the page's title, else its first heading.
func (p *page) title() string {
	if t := plainText(p.doc.Find("title").First().Text()); t != "" {
		return t
	}
	return plainText(p.doc.Find("h1").First().Text())
}

// feedLink returns the first RSS or Atom feed the page announces.
func (p *page) feedLink() *url.URL {
	var found *url.URL
	p.doc.Find(`link[rel~="alternate"][href]`).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		t := strings.ToLower(s.AttrOr("type", ""))
		if strings.Contains(t, "rss") || strings.Contains(t, "atom") {
			found = absolute(p.base, s.AttrOr("href", ""))
		}
		return found == nil
	})
	return found
}

// items returns the articles the selector finds, in page order, each
// link once: an element that is not itself a link stands for the first
// link inside it.
func (p *page) items(selector string) ([]store.Item, error) {
	sel, err := compile(selector)
	if err != nil {
		return nil, err
	}
	var items []store.Item
	var seen []string
	p.doc.FindMatcher(sel).EachWithBreak(func(_ int, s *goquery.Selection) bool {
		a := s
		if goquery.NodeName(s) != "a" {
			a = s.Find("a[href]").First()
		}
		link := absolute(p.base, a.AttrOr("href", ""))
		if link == nil {
			return true
		}
		key := store.CanonicalLink(link.String())
		if slices.Contains(seen, key) {
			return true
		}
		title := plainText(a.Text())
		if title == "" {
			title = plainText(a.AttrOr("title", a.Find("img[alt]").AttrOr("alt", "")))
		}
		if title == "" {
			return true // an icon or an image without words: nothing to tell residents
		}
		seen = append(seen, key)
		it := store.Item{Link: link.String(), Title: title}
		if a.Nodes[0] != s.Nodes[0] {
			// The selector found a container: what it says besides the title
			// is the summary.
			if rest := plainText(s.Text()); strings.HasPrefix(rest, title) {
				it.Summary = strings.TrimSpace(strings.TrimPrefix(rest, title))
			}
		}
		items = append(items, it)
		return len(items) < maxItems
	})
	if len(items) == 0 {
		return nil, &Error{Reason: ReasonNoItems}
	}
	return items, nil
}

// absolute resolves href against base and returns it if it is an http(s)
// URL with a host, without its fragment; nil otherwise.
func absolute(base *url.URL, href string) *url.URL {
	href = strings.TrimSpace(href)
	if href == "" {
		return nil
	}
	u, err := url.Parse(href)
	if err != nil {
		return nil
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	if s := strings.ToLower(u.Scheme); (s != "http" && s != "https") || u.Host == "" {
		return nil
	}
	u.Fragment, u.RawFragment = "", ""
	return u
}

// Chronological returns items oldest first, the order to relay them in:
// by date when every item has one, else in the reverse of the source's
// order (feeds and list pages put the newest first).
func Chronological(items []store.Item) []store.Item {
	out := slices.Clone(items)
	dated := !slices.ContainsFunc(out, func(it store.Item) bool { return it.Published.IsZero() })
	slices.Reverse(out)
	if dated {
		slices.SortStableFunc(out, func(a, b store.Item) int { return a.Published.Compare(b.Published) })
	}
	return out
}

// Latest returns the first n items by date, newest first, or in the
// source's order when not every item has a date.
func Latest(items []store.Item, n int) []store.Item {
	c := Chronological(items)
	slices.Reverse(c)
	return c[:min(n, len(c))]
}

// CheckSelector says whether a CSS selector can be used to find article
// links, with an error of ReasonSelector if not.
func CheckSelector(selector string) error {
	_, err := compile(selector)
	return err
}

// compile compiles a CSS selector.
func compile(selector string) (cascadia.Selector, error) {
	sel, err := cascadia.Compile(strings.TrimSpace(selector))
	if err != nil {
		return nil, &Error{Reason: ReasonSelector, Err: err}
	}
	return sel, nil
}
