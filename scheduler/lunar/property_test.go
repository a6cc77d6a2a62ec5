package lunar_test

import (
	"sync"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/lunar"
)

// TestEveryDay walks every day of the valid range, 1900-01-31 to 2100-12-31:
// solar -> lunar -> solar is the identity, the lunar day goes up by one or
// starts a new month at 1, months follow each other in order (a leap month
// right after the month it repeats), and every month has 29 or 30 days.
func TestEveryDay(t *testing.T) {
	first := time.Date(1900, time.January, 31, 0, 0, 0, 0, time.UTC)
	last := time.Date(2100, time.December, 31, 0, 0, 0, 0, time.UTC)
	if d := lunar.FromSolar(1900, time.January, 31); d != (lunar.Date{Year: 1900, Month: 1, Day: 1}) {
		t.Fatalf("the range starts on %+v, want 1/1/1900", d)
	}
	var prev lunar.Date
	days := 0
	for s := first; !s.After(last); s = s.AddDate(0, 0, 1) {
		days++
		d := lunar.FromSolar(s.Year(), s.Month(), s.Day())
		y, m, dd, err := lunar.ToSolar(d)
		if err != nil || y != s.Year() || m != s.Month() || dd != s.Day() {
			t.Fatalf("%s -> %+v -> %04d-%02d-%02d, %v", s.Format("2006-01-02"), d, y, m, dd, err)
		}
		if s.Equal(first) {
			prev = d
			continue
		}
		switch {
		case d.Day == prev.Day+1:
			if d.Year != prev.Year || d.Month != prev.Month || d.Leap != prev.Leap || d.Day > 30 {
				t.Fatalf("%s: %+v follows %+v", s.Format("2006-01-02"), d, prev)
			}
		case d.Day == 1:
			if prev.Day != 29 && prev.Day != 30 {
				t.Fatalf("%s: a month of %d days ends on %+v", s.Format("2006-01-02"), prev.Day, prev)
			}
			if n, err := lunar.MonthLength(prev.Year, prev.Month, prev.Leap); err != nil || n != prev.Day {
				t.Fatalf("MonthLength(%+v) = %d, %v, want %d", prev, n, err, prev.Day)
			}
			if want := nextMonth(prev); d != want {
				t.Fatalf("%s: %+v follows %+v, want %+v", s.Format("2006-01-02"), d, prev, want)
			}
		default:
			t.Fatalf("%s: %+v follows %+v", s.Format("2006-01-02"), d, prev)
		}
		prev = d
	}
	if days != 73384 {
		t.Errorf("walked %d days, want 73384", days)
	}
}

// nextMonth returns the first day of the month after the one of d.
func nextMonth(d lunar.Date) lunar.Date {
	switch {
	case !d.Leap && lunar.LeapMonth(d.Year) == d.Month:
		return lunar.Date{Year: d.Year, Month: d.Month, Day: 1, Leap: true}
	case d.Month == 12:
		return lunar.Date{Year: d.Year + 1, Month: 1, Day: 1}
	default:
		return lunar.Date{Year: d.Year, Month: d.Month + 1, Day: 1}
	}
}

// TestEveryYear checks each lunar year 1900-2100: Tết between 21 January and
// 20 February, 353 to 355 days or 383 to 385 with a leap month, and a leap
// month in 7 years of every 19 on average.
func TestEveryYear(t *testing.T) {
	leaps := 0
	for y := 1900; y <= 2100; y++ {
		tet, next := lunar.NewYear(y), lunar.NewYear(y+1)
		lo := time.Date(y, time.January, 21, 0, 0, 0, 0, tet.Location())
		hi := time.Date(y, time.February, 20, 0, 0, 0, 0, tet.Location())
		if tet.Before(lo) || tet.After(hi) {
			t.Errorf("Tết %d is %s", y, tet.Format("2006-01-02"))
		}
		n := int(next.Sub(tet).Hours()/24 + 0.5)
		months := 12
		if lunar.LeapMonth(y) != 0 {
			months = 13
			leaps++
		}
		if (months == 12 && (n < 353 || n > 355)) || (months == 13 && (n < 383 || n > 385)) {
			t.Errorf("lunar year %d has %d days and %d months", y, n, months)
		}
	}
	// 201 years hold 74 leap months (7 in 19 years: 74.05).
	if leaps != 74 {
		t.Errorf("%d leap years in 1900-2100, want 74", leaps)
	}
}

// TestOutsideRange checks that years outside the table still make a
// consistent calendar (accuracy is not claimed there), from several
// goroutines at once, as a scheduler would call it.
func TestOutsideRange(t *testing.T) {
	spans := [][2]time.Time{
		{time.Date(1700, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)},
		{time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2300, 1, 1, 0, 0, 0, 0, time.UTC)},
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			span := spans[g%2]
			for s := span[0].AddDate(0, 0, g); s.Before(span[1]); s = s.AddDate(0, 0, 7) {
				d := lunar.FromSolar(s.Year(), s.Month(), s.Day())
				y, m, dd, err := lunar.ToSolar(d)
				if err != nil || y != s.Year() || m != s.Month() || dd != s.Day() {
					t.Errorf("%s -> %+v -> %04d-%02d-%02d, %v", s.Format("2006-01-02"), d, y, m, dd, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
