package scheduler

import (
	"fmt"
	"html"
	"strings"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// The texts residents receive from the schedule, in HTML: everything that
// came from a person (titles, texts, area names) is escaped.

// reminderHead starts every reminder, as bot.Announcement heads a reminder.
const reminderHead = "⏰ <b>NHẮC LỊCH</b>"

// esc escapes text for Telegram's HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }

// CampaignReminder is the message a campaign's firing sends: the heading
// with the area, the title in bold, then the text.
func CampaignReminder(label, title, text string) string {
	var b strings.Builder
	b.WriteString(reminderHead)
	if label != "" {
		b.WriteString(" · " + esc(label))
	}
	b.WriteString("\n\n📌 <b>" + esc(strings.TrimSpace(title)) + "</b>")
	if text = strings.TrimSpace(text); text != "" {
		b.WriteString("\n" + esc(text))
	}
	return b.String()
}

// EventReminder is the countdown message of an event, days before o.
func EventReminder(label string, o Occurrence, days int) string {
	var b strings.Builder
	b.WriteString(reminderHead)
	if label != "" {
		b.WriteString(" · " + esc(label))
	}
	b.WriteString("\n\n")
	name := "<b>" + esc(o.Name()) + "</b>"
	switch days {
	case 0:
		fmt.Fprintf(&b, "🎉 <b>Hôm nay</b>, %s: %s.", o.When(), name)
	case 1:
		fmt.Fprintf(&b, "📅 <b>Ngày mai</b>, %s: %s.", o.When(), name)
	default:
		fmt.Fprintf(&b, "📅 Còn <b>%d ngày</b> nữa là đến %s (%s).", days, name, o.When())
	}
	if text := strings.TrimSpace(o.Event.Text); text != "" {
		b.WriteString("\n\n" + esc(text))
	}
	return b.String()
}

// Name is the event's title with its anniversary: "Ngày Giải phóng miền
// Nam, thống nhất đất nước, kỷ niệm 52 năm (1975 – 2027)".
func (o Occurrence) Name() string {
	if o.Anniversary <= 0 {
		return o.Event.Title
	}
	year := o.Date.Year()
	if o.Event.Calendar == store.Lunar {
		year = o.Lunar.Year
	}
	return fmt.Sprintf("%s, kỷ niệm %d năm (%d – %d)", o.Event.Title, o.Anniversary, o.Event.Since, year)
}

// When is the day as residents read it: "thứ Sáu 30/4/2027", and for a
// lunar event also its lunar date, "thứ Hai 7/4/2025 (10/3 âm lịch)".
func (o Occurrence) When() string {
	s := Weekday(o.Date) + " " + o.Date.Format("2/1/2006")
	if o.Event.Calendar == store.Lunar {
		leap := ""
		if o.Lunar.Leap {
			leap = " nhuận"
		}
		s += fmt.Sprintf(" (%d/%d%s âm lịch)", o.Lunar.Day, o.Lunar.Month, leap)
	}
	return s
}

// weekdayNames are the days of the week as written inside a sentence.
var weekdayNames = [...]string{"Chủ nhật", "thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy"}

// Weekday names t's day of the week in Zone: "thứ Hai", "Chủ nhật".
func Weekday(t time.Time) string { return weekdayNames[t.In(store.Zone).Weekday()] }

// DaysLeft says how far away a day is: "hôm nay", "ngày mai", "còn 7 ngày".
func DaysLeft(days int) string {
	switch days {
	case 0:
		return "hôm nay"
	case 1:
		return "ngày mai"
	}
	return fmt.Sprintf("còn %d ngày", days)
}
