package lunar_test

import (
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/lunar"
)

var ict = time.FixedZone("ICT", 7*3600)

// date returns midnight UTC+7 of a solar date.
func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, ict) }

// TestNextDayLeapPair checks that a "mùng 1 and rằm" schedule fires in both
// months of the 2025 leap pair: 6 and 6 nhuận.
func TestNextDayLeapPair(t *testing.T) {
	tests := []struct {
		day  int
		want []time.Time
	}{
		{1, []time.Time{date(2025, 6, 25), date(2025, 7, 25), date(2025, 8, 23)}},   // 1/6, 1/6 nhuận, 1/7
		{15, []time.Time{date(2025, 7, 9), date(2025, 8, 8), date(2025, 9, 6)}},     // 15/6, 15/6 nhuận, 15/7
		{30, []time.Time{date(2025, 7, 24), date(2025, 9, 21), date(2025, 11, 19)}}, // 30/6; 6 nhuận and 8 have 29 days
	}
	for _, tt := range tests {
		from := date(2025, 6, 20) // 25/5: after rằm tháng 5
		for _, want := range tt.want {
			got := lunar.NextDay(from, tt.day)
			if !got.Equal(want) {
				t.Fatalf("NextDay(%s, %d) = %s, want %s", from.Format("2006-01-02"), tt.day, got.Format("2006-01-02"), want.Format("2006-01-02"))
			}
			from = got.AddDate(0, 0, 1)
		}
	}
	leap := lunar.FromTime(lunar.NextDay(date(2025, 7, 10), 15))
	if leap != (lunar.Date{Year: 2025, Month: 6, Day: 15, Leap: true}) {
		t.Errorf("the rằm after 10/7/2025 is %v, want 15/6 nhuận", leap)
	}
}

// TestNextDaySameDay checks that the day of `from` counts, whatever its time.
func TestNextDaySameDay(t *testing.T) {
	rằm := time.Date(2025, 10, 6, 20, 30, 0, 0, ict) // Trung thu, in the evening
	if got := lunar.NextDay(rằm, 15); !got.Equal(date(2025, 10, 6)) {
		t.Errorf("NextDay(%v, 15) = %v, want 2025-10-06", rằm, got)
	}
	// 2025-10-05 18:00 UTC is already 6 October in Vietnam.
	if got := lunar.NextDay(time.Date(2025, 10, 5, 18, 0, 0, 0, time.UTC), 15); !got.Equal(date(2025, 10, 6)) {
		t.Errorf("NextDay(2025-10-05T18:00Z, 15) = %v, want 2025-10-06", got)
	}
	if got := lunar.NextDay(date(2025, 10, 7), 15); !got.Equal(date(2025, 11, 4)) {
		t.Errorf("NextDay(2025-10-07, 15) = %v, want 2025-11-04", got)
	}
}

// TestNextDayProperty checks NextDay against a day-by-day search for every
// start day of 2025-2026 and several lunar days.
func TestNextDayProperty(t *testing.T) {
	for _, day := range []int{1, 2, 14, 15, 29, 30} {
		for from := date(2025, 1, 1); from.Year() < 2027; from = from.AddDate(0, 0, 1) {
			got := lunar.NextDay(from.Add(13*time.Hour), day)
			want := from
			for lunar.FromTime(want).Day != day {
				want = want.AddDate(0, 0, 1)
			}
			if !got.Equal(want) {
				t.Fatalf("NextDay(%s, %d) = %s, want %s", from.Format("2006-01-02"), day, got.Format("2006-01-02"), want.Format("2006-01-02"))
			}
		}
	}
}

// TestNextDayInvalid checks that a day outside 1..30 gives the zero Time.
func TestNextDayInvalid(t *testing.T) {
	for _, day := range []int{0, -1, 31} {
		if got := lunar.NextDay(date(2025, 1, 1), day); !got.IsZero() {
			t.Errorf("NextDay(_, %d) = %v, want the zero Time", day, got)
		}
	}
}

// TestNextAnniversary checks yearly lunar dates.
func TestNextAnniversary(t *testing.T) {
	tests := []struct {
		name       string
		from       time.Time
		month, day int
		want       time.Time
	}{
		{"Giỗ Tổ ahead", date(2025, 1, 1), 3, 10, date(2025, 4, 7)},
		{"Giỗ Tổ on the day", time.Date(2025, 4, 7, 15, 0, 0, 0, ict), 3, 10, date(2025, 4, 7)},
		{"Giỗ Tổ passed", date(2025, 4, 8), 3, 10, date(2026, 4, 26)},
		{"Tết from Christmas", date(2029, 12, 25), 1, 1, date(2030, 2, 2)},
		{"Trung thu", date(2025, 9, 1), 8, 15, date(2025, 10, 6)},
		{"never the leap month", date(2025, 7, 10), 6, 15, date(2026, 7, 28)},
		{"day 30 of a 29-day month", date(2025, 6, 1), 12, 30, date(2026, 2, 16)},
		{"day 30 of a 30-day month", date(2025, 6, 1), 6, 30, date(2025, 7, 24)},
		{"leap 11 of 2033 is skipped", date(2033, 12, 1), 11, 20, date(2033, 12, 11)},
		{"after month 11 of 2033", date(2033, 12, 12), 11, 20, date(2034, 12, 30)},
	}
	for _, tt := range tests {
		got := lunar.NextAnniversary(tt.from, tt.month, tt.day)
		if !got.Equal(tt.want) {
			t.Errorf("%s: NextAnniversary(%s, %d, %d) = %s (%v), want %s", tt.name, tt.from.Format("2006-01-02"),
				tt.month, tt.day, got.Format("2006-01-02"), lunar.FromTime(got), tt.want.Format("2006-01-02"))
		}
	}
	for _, md := range [][2]int{{0, 1}, {13, 1}, {3, 0}, {3, 31}} {
		if got := lunar.NextAnniversary(date(2025, 1, 1), md[0], md[1]); !got.IsZero() {
			t.Errorf("NextAnniversary(_, %d, %d) = %v, want the zero Time", md[0], md[1], got)
		}
	}
}
