package lunar

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// This file is the conversion between solar and lunar dates.

// vietnam is UTC+7 as a fixed zone. The calendar is defined at UTC+7 whatever
// the clocks of the time said (southern Vietnam kept UTC+8 until 1975), so a
// fixed zone is the right one here, and it needs no time zone database.
var vietnam = time.FixedZone("ICT", 7*3600)

// ErrNoSuchDate is returned (wrapped) for a lunar date that does not exist.
var ErrNoSuchDate = errors.New("lunar: no such date")

// Date is a day of the Vietnamese lunar calendar.
type Date struct {
	Year  int  // the solar year in which this lunar year's Tết falls
	Month int  // 1..12
	Day   int  // 1..30
	Leap  bool // the day is in the leap month (tháng nhuận) repeating Month
}

// String returns the date as Vietnamese write it, e.g. "15/6 nhuận năm Ất Tỵ".
func (d Date) String() string {
	b := make([]byte, 0, 32)
	b = strconv.AppendInt(b, int64(d.Day), 10)
	b = append(b, '/')
	b = strconv.AppendInt(b, int64(d.Month), 10)
	if d.Leap {
		b = append(b, " nhuận"...)
	}
	b = append(b, " năm "...)
	b = append(b, CanChi(d.Year)...)
	return string(b)
}

// FromSolar returns the lunar date of a solar (Gregorian) date in Vietnam;
// out-of-range months and days are normalized as time.Date does.
func FromSolar(year int, month time.Month, day int) Date {
	return fromJDN(jdnFromCivil(year, int(month), day), yearOf)
}

// FromTime returns the lunar date of the day that contains t in UTC+7.
func FromTime(t time.Time) Date {
	return fromJDN(jdnOf(t), yearOf)
}

// ToSolar returns the solar date of a lunar date, or an error wrapping
// ErrNoSuchDate if the date does not exist: a month outside 1..12, a leap month
// the year does not have, or a day outside the month (day 30 of a 29-day month).
func ToSolar(d Date) (year int, month time.Month, day int, err error) {
	jdn, err := toJDN(d, yearOf)
	if err != nil {
		return 0, 0, 0, err
	}
	y, m, dd := civilFromJDN(jdn)
	return y, time.Month(m), dd, nil
}

// LeapMonth returns the leap month of lunar year `year` (1..12), 0 if none.
func LeapMonth(year int) int {
	return yearOf(year).leap
}

// MonthLength returns the number of days (29 or 30) of a month of a lunar
// year, or an error wrapping ErrNoSuchDate if the year has no such month.
func MonthLength(year, month int, leap bool) (int, error) {
	ly := yearOf(year)
	i := ly.monthIndex(month, leap)
	if i < 0 {
		return 0, noSuchMonth(year, month, ly.leap)
	}
	return ly.length(i), nil
}

// NewYear returns Tết (1/1) of lunar year `year`, at midnight UTC+7.
func NewYear(year int) time.Time {
	return timeOf(int(yearOf(year).starts[0]))
}

// fromJDN returns the lunar date of the day jdn, with years from yearOf.
func fromJDN(jdn int, yearOf func(int) *lunarYear) Date {
	y, ly, i := locate(jdn, yearOf)
	m, leap := ly.monthAt(i)
	return Date{Year: y, Month: m, Day: jdn - int(ly.starts[i]) + 1, Leap: leap}
}

// toJDN returns the Julian day number of a lunar date, with years from yearOf.
func toJDN(d Date, yearOf func(int) *lunarYear) (int, error) {
	ly := yearOf(d.Year)
	i := ly.monthIndex(d.Month, d.Leap)
	if i < 0 {
		return 0, noSuchMonth(d.Year, d.Month, ly.leap)
	}
	if d.Day < 1 || d.Day > ly.length(i) {
		return 0, fmt.Errorf("%w: %d/%d%s/%d has %d days, not day %d", ErrNoSuchDate,
			d.Day, d.Month, leapMark(d.Leap), d.Year, ly.length(i), d.Day)
	}
	return int(ly.starts[i]) + d.Day - 1, nil
}

// noSuchMonth is the error for a month that a lunar year, whose leap month
// is l (0 if none), does not have.
func noSuchMonth(year, month, l int) error {
	if month < 1 || month > 12 {
		return fmt.Errorf("%w: month %d is not in 1..12", ErrNoSuchDate, month)
	}
	if l != 0 {
		return fmt.Errorf("%w: lunar year %d has leap month %d, not %d", ErrNoSuchDate, year, l, month)
	}
	return fmt.Errorf("%w: lunar year %d has no leap month", ErrNoSuchDate, year)
}

// leapMark is the suffix that marks a leap month in messages.
func leapMark(leap bool) string {
	if leap {
		return " (nhuận)"
	}
	return ""
}

// jdnOf returns the Julian day number of the day that contains t in UTC+7.
func jdnOf(t time.Time) int {
	return floorDiv(int(t.Unix())+7*3600, 86400) + unixEpochJDN
}

// timeOf returns midnight UTC+7 at the start of the day jdn.
func timeOf(jdn int) time.Time {
	return time.Unix(int64(jdn-unixEpochJDN)*86400-7*3600, 0).In(vietnam)
}
