package bot

import (
	"errors"
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	// Friday 10 April 2026, 15:30 in Ho Chi Minh City.
	now := time.Date(2026, 4, 10, 15, 30, 0, 0, vietnam)
	at := func(y int, m time.Month, d, h, min int) time.Time {
		return time.Date(y, m, d, h, min, 0, 0, vietnam)
	}
	ok := []struct {
		in   string
		want time.Time
	}{
		{"20:00", at(2026, 4, 10, 20, 0)},
		{" 20:00 ", at(2026, 4, 10, 20, 0)},
		{"8:00", at(2026, 4, 11, 8, 0)},    // already past today: tomorrow
		{"15:30", at(2026, 4, 11, 15, 30)}, // now is not later
		{"7h", at(2026, 4, 11, 7, 0)},
		{"7h30", at(2026, 4, 11, 7, 30)},
		{"17H45", at(2026, 4, 10, 17, 45)},
		{"20g", at(2026, 4, 10, 20, 0)},
		{"7 giờ 30", at(2026, 4, 11, 7, 30)},
		{"7 gio 30 phut", at(2026, 4, 11, 7, 30)},
		{"8 giờ tối", at(2026, 4, 10, 20, 0)},
		{"2h chiều mai", at(2026, 4, 11, 14, 0)},
		{"7h sáng mai", at(2026, 4, 11, 7, 0)},
		{"9 giờ tối nay", at(2026, 4, 10, 21, 0)},
		{"7:00 ngày mai", at(2026, 4, 11, 7, 0)},
		{"7:00 ngay mai", at(2026, 4, 11, 7, 0)},
		{"ngày mai 7:00", at(2026, 4, 11, 7, 0)},
		{"NGÀY MAI LÚC 7H", at(2026, 4, 11, 7, 0)},
		{"7:00 mai", at(2026, 4, 11, 7, 0)},
		{"16:00 hôm nay", at(2026, 4, 10, 16, 0)},
		{"16:00 hom nay", at(2026, 4, 10, 16, 0)},
		{"8:00 ngày kia", at(2026, 4, 12, 8, 0)},
		{"8:00 ngày mốt", at(2026, 4, 12, 8, 0)},
		{"20:00 15/4", at(2026, 4, 15, 20, 0)},
		{"15/4 20:00", at(2026, 4, 15, 20, 0)},
		{"20:00 ngày 15/4", at(2026, 4, 15, 20, 0)},
		{"20:00, 15/04", at(2026, 4, 15, 20, 0)},
		{"15-4 20h", at(2026, 4, 15, 20, 0)},
		{"15/4/2027 8:00", at(2027, 4, 15, 8, 0)},
		{"8:00 15/4/27", at(2027, 4, 15, 8, 0)},
		{"2027-04-15 08:00", at(2027, 4, 15, 8, 0)},
		{"8 giờ ngày 15 tháng 4", at(2026, 4, 15, 8, 0)},
		{"20:00 10/4", at(2026, 4, 10, 20, 0)},                  // today, later on
		{"8:00 1/4", at(2027, 4, 1, 8, 0)},                      // a date already past: next year
		{"8:00 30/4", at(2026, 4, 30, 8, 0)},                    // 51 years since 30/4/1975
		{"0:00 1/1", at(2027, 1, 1, 0, 0)},                      // new year's midnight
		{"20:00 10/4/2026", at(2026, 4, 10, 20, 0)},             // with the year
		{"23:59 9/4/2028", at(2028, 4, 9, 23, 59)},              // within two years
		{"lúc 7h30 sáng ngày 11/4", at(2026, 4, 11, 7, 30)},     // every filler word
		{"gửi lúc 20:00 ngày 15/4", at(2026, 4, 15, 20, 0)},     // the official says what for
		{"20:00 15/4", at(2026, 4, 15, 20, 0).In(time.UTC)},     // same instant in any zone
		{"11h đêm", at(2026, 4, 10, 23, 0)},                     // late at night
		{"7:00 NGÀY MAI", at(2026, 4, 11, 7, 0).In(time.Local)}, // upper case with marks
	}
	for _, c := range ok {
		got, err := parseWhen(c.in, now)
		if err != nil {
			t.Errorf("parseWhen(%q): %v", c.in, err)
			continue
		}
		if !got.Equal(c.want) {
			t.Errorf("parseWhen(%q) = %s, want %s", c.in, formatWhen(got), formatWhen(c.want))
		}
	}

	bad := []struct {
		in   string
		want error
	}{
		{"", errWhenUnknown},
		{"sớm nhất có thể", errWhenUnknown},
		{"abc 20:00", errWhenUnknown},
		{"20", errWhenUnknown},
		{"25:00", errWhenUnknown},
		{"20:75", errWhenUnknown},
		{"7:5", errWhenUnknown},
		{"7:00 8:00", errWhenUnknown},
		{"7:00 ngày mai 15/4", errWhenUnknown},
		{"20h sáng", errWhenUnknown},
		{"15/4", errWhenNoClock},
		{"ngày mai", errWhenNoClock},
		{"31/4 8:00", errWhenBadDate},
		{"29/2/2027 8:00", errWhenBadDate},
		{"8:00 13/13", errWhenBadDate},
		{"8:00 hôm nay", errWhenPast},
		{"15:30 hôm nay", errWhenPast},
		{"8:00 10/4", errWhenPast}, // today, already past: not next year
		{"8:00 1/4/2026", errWhenPast},
		{"8:00 15/4/2028", errWhenTooFar},
		{"8:00 15/4/2062", errWhenTooFar},
	}
	for _, c := range bad {
		got, err := parseWhen(c.in, now)
		if !errors.Is(err, c.want) {
			t.Errorf("parseWhen(%q) = %v, %v; want error %v", c.in, got, err, c.want)
		}
	}
}

func TestParseWhenNearMidnight(t *testing.T) {
	// 23:50 on 31 December: "0:10" is in ten minutes, on the next day and year.
	now := time.Date(2026, 12, 31, 23, 50, 0, 0, vietnam)
	got, err := parseWhen("0:10", now)
	if want := time.Date(2027, 1, 1, 0, 10, 0, 0, vietnam); err != nil || !got.Equal(want) {
		t.Fatalf("parseWhen(0:10) = %v, %v; want %v", got, err, want)
	}
	// The same instant given in UTC is read in Vietnam: 16:50 UTC is 23:50 there.
	got, err = parseWhen("23:55", now.UTC())
	if want := time.Date(2026, 12, 31, 23, 55, 0, 0, vietnam); err != nil || !got.Equal(want) {
		t.Fatalf("parseWhen(23:55) at %v = %v, %v; want %v", now.UTC(), got, err, want)
	}
}

func TestFormatWhen(t *testing.T) {
	got := formatWhen(time.Date(2026, 4, 15, 13, 0, 0, 0, time.UTC))
	if want := "20:00 ngày 15/4/2026"; got != want {
		t.Fatalf("formatWhen = %q, want %q", got, want)
	}
}
