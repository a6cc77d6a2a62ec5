package lunar

import "time"

// This file lets the external tests compute the calendar for another time
// zone, to show what UTC+8 (the Chinese calendar) would give instead.

// FromSolarIn is FromSolar computed for the time zone tz (hours east of UTC),
// with nothing cached.
func FromSolarIn(tz float64, year int, month time.Month, day int) Date {
	return fromJDN(jdnFromCivil(year, int(month), day), func(y int) *lunarYear {
		return &buildYears(y, y, tz)[0]
	})
}

// NewYearIn is NewYear computed for the time zone tz, as a solar date.
func NewYearIn(tz float64, year int) (int, time.Month, int) {
	y, m, d := civilFromJDN(int(buildYears(year, year, tz)[0].starts[0]))
	return y, time.Month(m), d
}

// LeapMonthIn is LeapMonth computed for the time zone tz.
func LeapMonthIn(tz float64, year int) int {
	return buildYears(year, year, tz)[0].leap
}

// BuildYears computes lunar years lo..hi for Vietnam without caching them.
func BuildYears(lo, hi int) int { return len(buildYears(lo, hi, vietnamOffset)) }

// NewMoonNear returns the instant of the new moon nearest to t, as computed
// by the package's series.
func NewMoonNear(t time.Time) time.Time {
	k := lunationNear(jdnOf(t))
	best := newMoon(k - 1)
	jd := float64(t.Unix())/86400 + float64(unixEpochJDN) - 0.5
	for _, c := range []int{k, k + 1, k + 2} {
		if nm := newMoon(c); abs(nm-jd) < abs(best-jd) {
			best = nm
		}
	}
	sec := (best - float64(unixEpochJDN) + 0.5) * 86400
	return time.Unix(int64(sec), int64((sec-float64(int64(sec)))*1e9)).UTC()
}

// SunLongitude is the package's solar longitude, in degrees, at Julian date jd.
func SunLongitude(jd float64) float64 { return sunLongitude(jd) }

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
