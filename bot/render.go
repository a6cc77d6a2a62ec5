package bot

import (
	"strings"

	"github.com/loaphuong/loaphuong/store"
)

// Announcement renders an official's plain text as the HTML message
// residents see: a heading with the topic and the area, then the text,
// escaped, so that "<", "&" and anything that looks like HTML show as typed.
// The same function makes the official's preview, so it is exact.
func Announcement(areaLabel string, topic store.Topic, urgent bool, text string) string {
	icon, name := strings.TrimSpace(topicIcons[topic]), topicName(topic)
	if urgent {
		icon, name = "🚨", name+" khẩn"
	}
	var b strings.Builder
	b.WriteString(icon + " <b>" + strings.ToUpper(name) + "</b>")
	if areaLabel != "" {
		b.WriteString(" · " + esc(areaLabel))
	}
	if text = strings.TrimSpace(text); text != "" {
		b.WriteString("\n\n" + esc(text))
	}
	return b.String()
}
