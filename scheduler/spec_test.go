package scheduler_test

import (
	"errors"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/scheduler/lunar"
	"github.com/loaphuong/loaphuong/store"
)

// at is a time in Asia/Ho_Chi_Minh.
func at(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, store.Zone)
}

// firings returns the firings of spec after from, n of them.
func firings(t *testing.T, spec string, from time.Time, n int) []time.Time {
	t.Helper()
	s, err := scheduler.Parse(spec)
	if err != nil {
		t.Fatalf("Parse(%q): %v", spec, err)
	}
	var out []time.Time
	for tt := from; len(out) < n; {
		tt = s.Next(tt)
		if tt.IsZero() {
			break
		}
		out = append(out, tt.In(store.Zone))
	}
	return out
}

func TestPresets(t *testing.T) {
	wed := at(2026, time.March, 4, 12, 0) // a Wednesday
	tests := []struct {
		spec string
		want []time.Time
	}{
		{scheduler.PresetSunday, []time.Time{at(2026, 3, 8, 7, 0), at(2026, 3, 15, 7, 0)}},
		{"moi sang chu nhat 7:00", []time.Time{at(2026, 3, 8, 7, 0)}},
		{"Mỗi tối thứ Bảy 19:30", []time.Time{at(2026, 3, 7, 19, 30), at(2026, 3, 14, 19, 30)}},
		{"mỗi thứ 2 lúc 8 giờ tối", []time.Time{at(2026, 3, 9, 20, 0)}},
		{scheduler.PresetDaily, []time.Time{at(2026, 3, 5, 7, 0), at(2026, 3, 6, 7, 0)}},
		{"mỗi ngày", []time.Time{at(2026, 3, 5, 7, 0)}},
		{"hằng ngày 17h30", []time.Time{at(2026, 3, 4, 17, 30)}},
		{scheduler.PresetMonthly, []time.Time{at(2026, 4, 1, 7, 0), at(2026, 5, 1, 7, 0)}},
		{"ngày 15 hàng tháng 8:00", []time.Time{at(2026, 3, 15, 8, 0), at(2026, 4, 15, 8, 0)}},
		{"0 7 * * 0", []time.Time{at(2026, 3, 8, 7, 0)}},
		{"30 19 1 * *", []time.Time{at(2026, 4, 1, 19, 30)}},
		{"15 30 19 * * 6", []time.Time{time.Date(2026, 3, 7, 19, 30, 15, 0, store.Zone)}},
		// Lunar: Tết Bính Ngọ is 17/2/2026 and month 1 has 30 days, so mùng 1
		// tháng 2 is 19/3 and rằm tháng 2 is 2/4.
		{scheduler.PresetLunar, []time.Time{at(2026, 3, 19, 7, 0), at(2026, 4, 2, 7, 0)}},
		{"rằm âm lịch 18:00", []time.Time{at(2026, 4, 2, 18, 0)}},
		{"mùng 1 âm lịch", []time.Time{at(2026, 3, 19, 7, 0)}},
	}
	for _, tt := range tests {
		got := firings(t, tt.spec, wed, len(tt.want))
		for i := range tt.want {
			if i >= len(got) || !got[i].Equal(tt.want[i]) {
				t.Errorf("%q from %v: firings %v, want %v", tt.spec, wed, got, tt.want)
				break
			}
		}
	}
	for _, p := range scheduler.Presets {
		if _, err := scheduler.Parse(p); err != nil {
			t.Errorf("preset %q: %v", p, err)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct {
		spec string
		want error
	}{
		{"", scheduler.ErrSpec},
		{"thỉnh thoảng", scheduler.ErrSpec},
		{"@every 1m", scheduler.ErrSpec},
		{"@daily", scheduler.ErrSpec},
		{"CRON_TZ=UTC 0 7 * * *", scheduler.ErrSpec},
		{"0 7 * *", scheduler.ErrSpec},
		{"61 7 * * *", scheduler.ErrSpec},
		{"mỗi ngày 25:00", scheduler.ErrSpec},
		{"ngày 32 hằng tháng", scheduler.ErrSpec},
		{"* * * * *", scheduler.ErrTooOften},
		{"*/30 7 * * *", scheduler.ErrTooOften},
		{"0 0 30 2 *", scheduler.ErrNever},
	}
	for _, tt := range tests {
		if _, err := scheduler.Parse(tt.spec); !errors.Is(err, tt.want) {
			t.Errorf("Parse(%q) = %v, want %v", tt.spec, err, tt.want)
		}
	}
}

// TestLunarPresetLeapPair: 2025 has a leap 6th month. "Mùng 1 và rằm"
// fires on mùng 1 and rằm of the 6th month and again of the leap 6th.
func TestLunarPresetLeapPair(t *testing.T) {
	if lunar.LeapMonth(2025) != 6 {
		t.Fatalf("LeapMonth(2025) = %d, want 6", lunar.LeapMonth(2025))
	}
	got := firings(t, scheduler.PresetLunar, at(2025, time.June, 20, 0, 0), 5)
	want := []lunar.Date{
		{Year: 2025, Month: 6, Day: 1}, {Year: 2025, Month: 6, Day: 15},
		{Year: 2025, Month: 6, Day: 1, Leap: true}, {Year: 2025, Month: 6, Day: 15, Leap: true},
		{Year: 2025, Month: 7, Day: 1},
	}
	for i, w := range want {
		if d := lunar.FromTime(got[i]); d != w || got[i].Hour() != 7 || got[i].Minute() != 0 {
			t.Errorf("firing %d at %v is %+v, want %+v at 7:00", i, got[i], d, w)
		}
	}
	// The published dates: leap 6th month from 25/7 to 22/8/2025.
	if !got[2].Equal(at(2025, time.July, 25, 7, 0)) {
		t.Errorf("mùng 1 tháng 6 nhuận fired at %v, want 25/7/2025 7:00", got[2])
	}
}

func TestNextWithin(t *testing.T) {
	s, err := scheduler.Parse("mỗi sáng Chủ nhật 7:00")
	if err != nil {
		t.Fatal(err)
	}
	day := func(d int) time.Time { return time.Date(2026, 12, d, 0, 0, 0, 0, store.Zone) }
	now := time.Date(2026, 11, 27, 12, 0, 0, 0, store.Zone) // a Friday
	sunday := func(d int) time.Time { return time.Date(2026, 12, d, 7, 0, 0, 0, store.Zone) }
	tests := []struct {
		from, until time.Time
		want        time.Time
	}{
		{time.Time{}, time.Time{}, time.Date(2026, 11, 29, 7, 0, 0, 0, store.Zone)},
		{day(1), time.Time{}, sunday(6)},                     // starts later
		{day(1), day(6), sunday(6)},                          // the last day counts
		{day(1), day(5), time.Time{}},                        // no Sunday inside
		{time.Time{}, day(1).AddDate(0, 0, -4), time.Time{}}, // ended before the 29th
	}
	for _, tt := range tests {
		if got := scheduler.NextWithin(s, tt.from, tt.until, now); !got.Equal(tt.want) {
			t.Errorf("NextWithin(from %s, until %s) = %s, want %s", tt.from.Format(time.DateOnly), tt.until.Format(time.DateOnly), got, tt.want)
		}
	}
}
