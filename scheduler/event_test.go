package scheduler_test

import (
	"strings"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// giaiPhong is 30/4, every year since 1975.
var giaiPhong = store.Event{ID: 1, Title: "Ngày Giải phóng miền Nam, thống nhất đất nước", Calendar: store.Solar, Month: 4, Day: 30,
	Since: 1975, Milestones: store.DefaultMilestones, RemindAt: store.DefaultRemindAt}

func TestNextOccurrence(t *testing.T) {
	tests := []struct {
		name string
		e    store.Event
		from time.Time
		want time.Time
		ann  int
	}{
		{"30/4/2027", giaiPhong, at(2027, 1, 1, 9, 0), at(2027, 4, 30, 0, 0), 52},
		{"on the day", giaiPhong, at(2027, 4, 30, 23, 59), at(2027, 4, 30, 0, 0), 52},
		{"next year", giaiPhong, at(2027, 5, 1, 0, 0), at(2028, 4, 30, 0, 0), 53},
		{"Giỗ Tổ 2025", store.Event{Calendar: store.Lunar, Month: 3, Day: 10}, at(2025, 1, 1, 0, 0), at(2025, 4, 7, 0, 0), 0},
		{"Tết 2030 (China: 3/2)", store.Event{Calendar: store.Lunar, Month: 1, Day: 1}, at(2029, 12, 1, 0, 0), at(2030, 2, 2, 0, 0), 0},
		{"Trung thu 2025", store.Event{Calendar: store.Lunar, Month: 8, Day: 15}, at(2025, 7, 1, 0, 0), at(2025, 10, 6, 0, 0), 0},
		{"29/2 in a leap year", store.Event{Calendar: store.Solar, Month: 2, Day: 29}, at(2025, 3, 1, 0, 0), at(2028, 2, 29, 0, 0), 0},
		{"one-off", store.Event{Calendar: store.Solar, Year: 2025, Month: 4, Day: 30}, at(2025, 1, 1, 0, 0), at(2025, 4, 30, 0, 0), 0},
		{"lunar one-off", store.Event{Calendar: store.Lunar, Year: 2026, Month: 1, Day: 1}, at(2025, 1, 1, 0, 0), at(2026, 2, 17, 0, 0), 0},
	}
	for _, tt := range tests {
		o, ok := scheduler.NextOccurrence(tt.e, tt.from)
		if !ok || !o.Date.Equal(tt.want) || o.Anniversary != tt.ann {
			t.Errorf("%s: NextOccurrence = %v (anniversary %d), %v; want %v (%d)", tt.name, o.Date, o.Anniversary, ok, tt.want, tt.ann)
		}
	}
	if _, ok := scheduler.NextOccurrence(store.Event{Calendar: store.Solar, Year: 2025, Month: 4, Day: 30}, at(2025, 5, 1, 0, 0)); ok {
		t.Error("a one-off day that has passed occurs again")
	}
}

func TestOccurrenceNames(t *testing.T) {
	o, _ := scheduler.NextOccurrence(giaiPhong, at(2027, 1, 1, 0, 0))
	if !strings.Contains(o.Name(), "kỷ niệm 52 năm") || o.When() != "thứ Sáu 30/4/2027" {
		t.Errorf("Name = %q, When = %q", o.Name(), o.When())
	}
	gioTo := store.Event{Title: "Giỗ Tổ Hùng Vương", Calendar: store.Lunar, Month: 3, Day: 10}
	o, _ = scheduler.NextOccurrence(gioTo, at(2025, 1, 1, 0, 0))
	if o.Name() != "Giỗ Tổ Hùng Vương" || o.When() != "thứ Hai 7/4/2025 (10/3 âm lịch)" {
		t.Errorf("Name = %q, When = %q", o.Name(), o.When())
	}
	for days, want := range map[int]string{0: "hôm nay", 1: "ngày mai", 7: "còn 7 ngày"} {
		if got := scheduler.DaysLeft(days); got != want {
			t.Errorf("DaysLeft(%d) = %q, want %q", days, got, want)
		}
	}
}

func TestEventReminderText(t *testing.T) {
	e := giaiPhong
	e.Text = "Mời bà con treo cờ <Tổ quốc> & dự lễ."
	o, _ := scheduler.NextOccurrence(e, at(2027, 1, 1, 0, 0))
	for days, want := range map[int]string{
		100: "📅 Còn <b>100 ngày</b> nữa là đến <b>Ngày Giải phóng miền Nam, thống nhất đất nước, kỷ niệm 52 năm (1975 – 2027)</b> (thứ Sáu 30/4/2027).",
		1:   "📅 <b>Ngày mai</b>, thứ Sáu 30/4/2027: <b>",
		0:   "🎉 <b>Hôm nay</b>, thứ Sáu 30/4/2027: <b>",
	} {
		got := scheduler.EventReminder("Khu phố 3 · Phường Phú Thọ Hòa", o, days)
		if !strings.HasPrefix(got, "⏰ <b>NHẮC LỊCH</b> · Khu phố 3 · Phường Phú Thọ Hòa\n\n") || !strings.Contains(got, want) ||
			!strings.Contains(got, "treo cờ &lt;Tổ quốc&gt; &amp; dự lễ.") {
			t.Errorf("%d days before: %q, want %q in it", days, got, want)
		}
	}
	got := scheduler.CampaignReminder("Khu phố 3", "Ngày <Chủ nhật> xanh", "Dọn vệ sinh & trồng cây")
	if got != "⏰ <b>NHẮC LỊCH</b> · Khu phố 3\n\n📌 <b>Ngày &lt;Chủ nhật&gt; xanh</b>\nDọn vệ sinh &amp; trồng cây" {
		t.Errorf("CampaignReminder = %q", got)
	}
}

func TestUpcoming(t *testing.T) {
	gioTo := store.Event{ID: 2, Title: "Giỗ Tổ Hùng Vương", Calendar: store.Lunar, Month: 3, Day: 10}
	off := store.Event{ID: 3, Title: "Tắt", Calendar: store.Solar, Month: 4, Day: 1, Off: true}
	now := at(2025, 4, 1, 10, 0)
	got := scheduler.Upcoming([]store.Event{giaiPhong, gioTo, off}, now, 30)
	if len(got) != 2 || got[0].Event.ID != 2 || got[1].Event.ID != 1 {
		t.Fatalf("Upcoming = %+v", got)
	}
	if d := scheduler.DaysUntil(got[0], now); d != 6 {
		t.Errorf("days until Giỗ Tổ = %d, want 6", d)
	}
	if d := scheduler.DaysUntil(got[1], now); d != 29 || got[1].Anniversary != 50 {
		t.Errorf("30/4/2025: %d days, anniversary %d; want 29, 50", d, got[1].Anniversary)
	}
	// A year ahead holds each yearly event once, and two years twice.
	if n := len(scheduler.Upcoming([]store.Event{giaiPhong}, now, 365)); n != 1 {
		t.Errorf("a year: %d occurrences", n)
	}
	if n := len(scheduler.Upcoming([]store.Event{giaiPhong}, now, 2*365)); n != 2 {
		t.Errorf("two years: %d occurrences", n)
	}
}

// TestCountdownFirings: reminders 100, 30, 7, 1 days before 30/4/2027
// and on the day, at 7:00.
func TestCountdownFirings(t *testing.T) {
	s := scheduler.Countdown(giaiPhong)
	want := []time.Time{at(2027, 1, 20, 7, 0), at(2027, 3, 31, 7, 0), at(2027, 4, 23, 7, 0), at(2027, 4, 29, 7, 0), at(2027, 4, 30, 7, 0),
		at(2028, 1, 21, 7, 0)} // 2028 is a leap year
	tt := at(2027, 1, 1, 0, 0)
	for i, w := range want {
		tt = s.Next(tt)
		if !tt.Equal(w) {
			t.Fatalf("firing %d = %v, want %v", i, tt, w)
		}
	}
}
