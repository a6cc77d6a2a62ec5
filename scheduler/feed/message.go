package feed

import (
	"fmt"
	"html"
	"net/url"
	"strings"

	"github.com/loaphuong/loaphuong/store"
)

// What residents receive from a source, in Telegram's HTML. Everything
// that comes from the source (its name, titles, summaries, links) is
// escaped, and every tag opens and closes on one line, so that the
// dispatcher may cut a long digest between lines.

// digestTitleLen bounds a title in a digest, so the list stays a list.
const digestTitleLen = 160

// Message renders a source's message about new items: one item as its
// title, summary and link; several as a digest listing them.
func Message(s store.Source, items []store.Item) string {
	var b strings.Builder
	icon, topic := "📰", "TIN TỨC"
	if s.Topic == store.TopicAnnouncements {
		icon, topic = "📢", "THÔNG BÁO"
	}
	fmt.Fprintf(&b, "%s <b>%s</b> · %s\n\n", icon, topic, esc(s.Name))
	if len(items) == 1 {
		it := items[0]
		fmt.Fprintf(&b, "<b>%s</b>\n", esc(titleOf(it, 300)))
		if sum := cut(it.Summary, SummaryLen); sum != "" {
			b.WriteString(esc(sum) + "\n")
		}
		fmt.Fprintf(&b, "\n🔗 <a href=\"%s\">Đọc tiếp trên %s</a>", esc(it.Link), esc(host(it.Link)))
		return b.String()
	}
	fmt.Fprintf(&b, "<b>%d tin mới:</b>\n", len(items))
	for i, it := range items {
		fmt.Fprintf(&b, "\n%d. <a href=\"%s\">%s</a>", i+1, esc(it.Link), esc(titleOf(it, digestTitleLen)))
	}
	return b.String()
}

// titleOf is an item's title cut to n characters, or its link's address
// when it has none.
func titleOf(it store.Item, n int) string {
	if t := cut(it.Title, n); t != "" {
		return t
	}
	return cut(host(it.Link)+pathOf(it.Link), n)
}

// host is a link's host without "www.".
func host(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	return strings.TrimPrefix(u.Hostname(), "www.")
}

// pathOf is a link's path.
func pathOf(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return ""
	}
	return u.Path
}

// esc escapes text for Telegram's HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }
