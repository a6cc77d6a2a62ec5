package lunar_test

import (
	"errors"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/lunar"
)

// day is a solar date, for tables.
type day struct {
	y int
	m time.Month
	d int
}

func (s day) String() string {
	return time.Date(s.y, s.m, s.d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
}

// TestNewYear checks Tết (1/1) against published dates.
//
// Sources: 2025 from thanhnien.vn ("năm âm lịch Ất Tỵ ... từ ngày 29.1.2025 đến
// ngày 16.2.2026", 22/8/2025), which also fixes 2026; 2026 also from the
// lunar-vn README (pypi.org); 2027-2033 from excelnotes.com's Chinese New Year
// list, the same dates as Vietnam's except 2030; 2030 from DESIGN.md §4 and
// scienceinfo.net ("in 2030 and 2053, Vietnam will eat Tet sooner than
// China"); 2031-2034 also from a table derived from the Korea Astronomy and
// Space Science Institute's (glama.ai, fortuneteller lunar_table_2031_2100).
// Before 2025: 1900 is the first day of the package's range; 1968 is the Tết
// of the Tết Offensive, a day earlier in the North (UTC+7 since 1967) than in
// the South; 1985 is the Tết a month before China's; 2007 is from viet-jo.com
// (Vietnam 17/2/2007, China 18/2).
func TestNewYear(t *testing.T) {
	tests := []struct {
		year int
		want day
	}{
		{1900, day{1900, time.January, 31}},
		{1968, day{1968, time.January, 29}},
		{1985, day{1985, time.January, 21}},
		{2007, day{2007, time.February, 17}},
		{2024, day{2024, time.February, 10}},
		{2025, day{2025, time.January, 29}},
		{2026, day{2026, time.February, 17}},
		{2027, day{2027, time.February, 6}},
		{2028, day{2028, time.January, 26}},
		{2029, day{2029, time.February, 13}},
		{2030, day{2030, time.February, 2}}, // China: 3 February
		{2031, day{2031, time.January, 23}},
		{2032, day{2032, time.February, 11}},
		{2033, day{2033, time.January, 31}},
		{2034, day{2034, time.February, 19}},
		{2053, day{2053, time.February, 18}}, // China: 19 February
	}
	for _, tt := range tests {
		got := lunar.NewYear(tt.year)
		want := time.Date(tt.want.y, tt.want.m, tt.want.d, 0, 0, 0, 0, time.FixedZone("", 7*3600))
		if !got.Equal(want) {
			t.Errorf("NewYear(%d) = %v, want %v", tt.year, got, want)
		}
		if _, off := got.Zone(); off != 7*3600 || got.Hour() != 0 || got.Minute() != 0 {
			t.Errorf("NewYear(%d) = %v, want midnight UTC+7", tt.year, got)
		}
		if d := lunar.FromSolar(tt.want.y, tt.want.m, tt.want.d); d != (lunar.Date{Year: tt.year, Month: 1, Day: 1}) {
			t.Errorf("FromSolar(%v) = %+v, want 1/1/%d", tt.want, d, tt.year)
		}
		eve := lunar.FromSolar(tt.want.y, tt.want.m, tt.want.d-1) // giao thừa: the last day of month 12
		if eve.Year != tt.year-1 || eve.Month != 12 || eve.Leap || (eve.Day != 29 && eve.Day != 30) {
			t.Errorf("FromSolar(day before %v) = %+v, want 29 or 30/12/%d", tt.want, eve, tt.year-1)
		}
		y, m, d, err := lunar.ToSolar(lunar.Date{Year: tt.year, Month: 1, Day: 1})
		if err != nil || (day{y, m, d}) != tt.want {
			t.Errorf("ToSolar(1/1/%d) = %v, %v, want %v", tt.year, day{y, m, d}, err, tt.want)
		}
	}
}

// TestVietnamIsNotChina shows that the calendar is computed for UTC+7: the
// same method at UTC+8 gives the Chinese dates, which are wrong for Vietnam.
// China's dates: 2030 from DESIGN.md §4, 2007 from viet-jo.com and
// encyclopedia.kids.net.au, 1985 and 1968 the well-known Chinese New Years
// (20/2/1985, 30/1/1968), 2053 from viet-jo.com's list of differing years.
func TestVietnamIsNotChina(t *testing.T) {
	tests := []struct {
		year           int
		vietnam, china day
	}{
		{1968, day{1968, time.January, 29}, day{1968, time.January, 30}},
		{1985, day{1985, time.January, 21}, day{1985, time.February, 20}},
		{2007, day{2007, time.February, 17}, day{2007, time.February, 18}},
		{2030, day{2030, time.February, 2}, day{2030, time.February, 3}},
		{2053, day{2053, time.February, 18}, day{2053, time.February, 19}},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			tz   float64
			want day
		}{{7, tt.vietnam}, {8, tt.china}} {
			y, m, d := lunar.NewYearIn(c.tz, tt.year)
			if (day{y, m, d}) != c.want {
				t.Errorf("Tết %d at UTC+%v = %v, want %v", tt.year, c.tz, day{y, m, d}, c.want)
			}
		}
		// The public API is the UTC+7 one: China's Tết is a later day in Vietnam.
		if got := lunar.FromSolar(tt.china.y, tt.china.m, tt.china.d); got.Year != tt.year || got == (lunar.Date{Year: tt.year, Month: 1, Day: 1}) {
			t.Errorf("FromSolar(%v) = %v, want a day after Tết %d in Vietnam", tt.china, got, tt.year)
		}
	}
	// 1984-85: at UTC+8 the 13-month year has leap month 10 of 1984; at
	// UTC+7 it is leap month 2 of 1985, hence Tết a month apart.
	if got := lunar.LeapMonthIn(8, 1984); got != 10 {
		t.Errorf("LeapMonth(1984) at UTC+8 = %d, want 10", got)
	}
	if got, got85 := lunar.LeapMonth(1984), lunar.LeapMonth(1985); got != 0 || got85 != 2 {
		t.Errorf("LeapMonth(1984, 1985) = %d, %d, want 0, 2", got, got85)
	}
}

// TestLeapMonth checks the leap months of some years. Sources: 2023
// (kinhtedothi.vn, alokhoai.com: "Quý mão sẽ có nhuận tháng 2"), 2025
// (thanhnien.vn: "tháng 6 nhuận ... từ ngày 25.7 - 22.8"), 2020, 2028, 2031,
// 2033 and 2036 as in the Chinese calendar, which agrees with Vietnam's in
// these years (the UTC+8 computation gives the same). 2033 is the year in
// which a naive rule goes wrong: counting from month 11 (the solstice), the
// first month without a major term is the one after month 11 of 2033, so the
// leap month is 11 nhuận (22/12/2033 - 19/1/2034), not 7 nhuận.
func TestLeapMonth(t *testing.T) {
	tests := []struct{ year, leap int }{
		{2017, 6}, {2020, 4}, {2021, 0}, {2023, 2}, {2024, 0}, {2025, 6}, {2026, 0},
		{2027, 0}, {2028, 5}, {2029, 0}, {2030, 0}, {2031, 3}, {2032, 0}, {2033, 11},
		{2034, 0}, {2036, 6},
	}
	for _, tt := range tests {
		if got := lunar.LeapMonth(tt.year); got != tt.leap {
			t.Errorf("LeapMonth(%d) = %d, want %d", tt.year, got, tt.leap)
		}
	}
}

// TestKnownDays converts dates both ways. Sources: Giỗ Tổ 2026
// (kenh14.vn, 24h.com.vn: Chủ nhật 26/4/2026); Rằm tháng Giêng, Phật Đản,
// Đoan Ngọ and Vu Lan 2025 (vi-lunaire README on pypi.org); Trung thu 2025
// (vietnamnet.vn, vietbao.vn: thứ Hai 6/10); the months 6 and 6 nhuận of 2025
// (thanhnien.vn, 22/8/2025: 6 from 25/6 to 24/7, 30 days; 6 nhuận from 25/7 to
// 22/8, 29 days; month 7 from 23/8); 2 nhuận 2023 (vnlunar on pub.dev: 23/3/2023
// is 2/2 nhuận). Giỗ Tổ 2025 (thứ Hai 7/4/2025, a public holiday) was not
// found in the reference corpus; it follows from the sourced Tết and Rằm
// tháng Giêng and agrees with China's calendar, identical that spring.
func TestKnownDays(t *testing.T) {
	tests := []struct {
		name  string
		solar day
		lunar lunar.Date
	}{
		{"Giỗ Tổ Hùng Vương 2025", day{2025, time.April, 7}, lunar.Date{Year: 2025, Month: 3, Day: 10}},
		{"Giỗ Tổ Hùng Vương 2026", day{2026, time.April, 26}, lunar.Date{Year: 2026, Month: 3, Day: 10}},
		{"Rằm tháng Giêng 2025", day{2025, time.February, 12}, lunar.Date{Year: 2025, Month: 1, Day: 15}},
		{"Phật Đản 2025", day{2025, time.May, 12}, lunar.Date{Year: 2025, Month: 4, Day: 15}},
		{"Tết Đoan Ngọ 2025", day{2025, time.May, 31}, lunar.Date{Year: 2025, Month: 5, Day: 5}},
		{"mùng 1 tháng 6 2025", day{2025, time.June, 25}, lunar.Date{Year: 2025, Month: 6, Day: 1}},
		{"30 tháng 6 2025", day{2025, time.July, 24}, lunar.Date{Year: 2025, Month: 6, Day: 30}},
		{"mùng 1 tháng 6 nhuận 2025", day{2025, time.July, 25}, lunar.Date{Year: 2025, Month: 6, Day: 1, Leap: true}},
		{"rằm tháng 6 nhuận 2025", day{2025, time.August, 8}, lunar.Date{Year: 2025, Month: 6, Day: 15, Leap: true}},
		{"29 tháng 6 nhuận 2025", day{2025, time.August, 22}, lunar.Date{Year: 2025, Month: 6, Day: 29, Leap: true}},
		{"mùng 1 tháng 7 2025", day{2025, time.August, 23}, lunar.Date{Year: 2025, Month: 7, Day: 1}},
		{"Vu Lan 2025", day{2025, time.September, 6}, lunar.Date{Year: 2025, Month: 7, Day: 15}},
		{"Trung thu 2025", day{2025, time.October, 6}, lunar.Date{Year: 2025, Month: 8, Day: 15}},
		{"giao thừa Ất Tỵ", day{2026, time.February, 16}, lunar.Date{Year: 2025, Month: 12, Day: 29}},
		{"mùng 1 tháng 2 nhuận 2023", day{2023, time.March, 22}, lunar.Date{Year: 2023, Month: 2, Day: 1, Leap: true}},
		{"mùng 2 tháng 2 nhuận 2023", day{2023, time.March, 23}, lunar.Date{Year: 2023, Month: 2, Day: 2, Leap: true}},
		{"mùng 1 tháng 11 nhuận 2033", day{2033, time.December, 22}, lunar.Date{Year: 2033, Month: 11, Day: 1, Leap: true}},
		{"mùng 1 tháng 12 2033", day{2034, time.January, 20}, lunar.Date{Year: 2033, Month: 12, Day: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lunar.FromSolar(tt.solar.y, tt.solar.m, tt.solar.d); got != tt.lunar {
				t.Errorf("FromSolar(%v) = %v %+v, want %v %+v", tt.solar, got, got, tt.lunar, tt.lunar)
			}
			y, m, d, err := lunar.ToSolar(tt.lunar)
			if err != nil || (day{y, m, d}) != tt.solar {
				t.Errorf("ToSolar(%+v) = %v, %v, want %v", tt.lunar, day{y, m, d}, err, tt.solar)
			}
		})
	}
}

// TestMonthLength checks the lengths of the months around the 2025 leap month
// (thanhnien.vn) and the errors for months that do not exist.
func TestMonthLength(t *testing.T) {
	tests := []struct {
		year, month int
		leap        bool
		want        int // 0: an error
	}{
		{2025, 6, false, 30},
		{2025, 6, true, 29},
		{2025, 12, false, 29},
		{2023, 2, true, 29},
		{2025, 5, true, 0},
		{2024, 6, true, 0},
		{2025, 0, false, 0},
		{2025, 13, false, 0},
	}
	for _, tt := range tests {
		got, err := lunar.MonthLength(tt.year, tt.month, tt.leap)
		switch {
		case tt.want == 0 && !errors.Is(err, lunar.ErrNoSuchDate):
			t.Errorf("MonthLength(%d, %d, %v) = %d, %v, want ErrNoSuchDate", tt.year, tt.month, tt.leap, got, err)
		case tt.want != 0 && (err != nil || got != tt.want):
			t.Errorf("MonthLength(%d, %d, %v) = %d, %v, want %d", tt.year, tt.month, tt.leap, got, err, tt.want)
		}
	}
}

// TestToSolarErrors checks that dates that do not exist are refused.
func TestToSolarErrors(t *testing.T) {
	bad := []lunar.Date{
		{Year: 2025, Month: 5, Day: 1, Leap: true},  // 2025 doubles month 6, not 5
		{Year: 2024, Month: 6, Day: 1, Leap: true},  // 2024 has no leap month
		{Year: 2025, Month: 6, Day: 30, Leap: true}, // 6 nhuận 2025 has 29 days
		{Year: 2025, Month: 12, Day: 30},            // 12/2025 has 29 days
		{Year: 2025, Month: 0, Day: 1},
		{Year: 2025, Month: 13, Day: 1},
		{Year: 2025, Month: 1, Day: 0},
		{Year: 2025, Month: 1, Day: 31},
	}
	for _, d := range bad {
		if y, m, dd, err := lunar.ToSolar(d); !errors.Is(err, lunar.ErrNoSuchDate) {
			t.Errorf("ToSolar(%+v) = %v, %v, want ErrNoSuchDate", d, day{y, m, dd}, err)
		}
	}
}

// TestFromTime checks that an instant is taken as a day of UTC+7.
func TestFromTime(t *testing.T) {
	tests := []struct {
		t    time.Time
		want lunar.Date
	}{
		// 16:59 UTC on 1 February 2030 is 23:59 on the eve of Tết in Vietnam
		// (29/12: month 12 of Kỷ Dậu is short).
		{time.Date(2030, 2, 1, 16, 59, 0, 0, time.UTC), lunar.Date{Year: 2029, Month: 12, Day: 29}},
		// 17:00 UTC is midnight: Tết Canh Tuất in Vietnam, still the eve in China.
		{time.Date(2030, 2, 1, 17, 0, 0, 0, time.UTC), lunar.Date{Year: 2030, Month: 1, Day: 1}},
		{time.Date(2025, 7, 25, 9, 30, 0, 0, time.FixedZone("ICT", 7*3600)), lunar.Date{Year: 2025, Month: 6, Day: 1, Leap: true}},
		{time.Date(2025, 7, 24, 23, 0, 0, 0, time.FixedZone("PDT", -7*3600)), lunar.Date{Year: 2025, Month: 6, Day: 1, Leap: true}},
	}
	for _, tt := range tests {
		if got := lunar.FromTime(tt.t); got != tt.want {
			t.Errorf("FromTime(%v) = %+v, want %+v", tt.t, got, tt.want)
		}
	}
}

// TestFromSolarNormalizes checks that out-of-range days roll over as in time.Date.
func TestFromSolarNormalizes(t *testing.T) {
	if got, want := lunar.FromSolar(2025, time.July, 32), lunar.FromSolar(2025, time.August, 1); got != want {
		t.Errorf("FromSolar(2025-07-32) = %+v, want %+v", got, want)
	}
	if got, want := lunar.FromSolar(2024, time.Month(14), 0), lunar.FromSolar(2025, time.January, 31); got != want {
		t.Errorf("FromSolar(2024-14-00) = %+v, want %+v", got, want)
	}
}

// TestString checks the Vietnamese rendering of a date.
func TestString(t *testing.T) {
	tests := []struct {
		d    lunar.Date
		want string
	}{
		{lunar.Date{Year: 2025, Month: 6, Day: 15, Leap: true}, "15/6 nhuận năm Ất Tỵ"},
		{lunar.Date{Year: 2025, Month: 8, Day: 15}, "15/8 năm Ất Tỵ"},
		{lunar.Date{Year: 2030, Month: 1, Day: 1}, "1/1 năm Canh Tuất"},
	}
	for _, tt := range tests {
		if got := tt.d.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.d, got, tt.want)
		}
	}
}
