package lunar

import "time"

// This file finds the next occurrences of lunar days, for the scheduler.

// NextDay returns the first solar day on or after `from` (a date in UTC+7)
// whose lunar day is `day` (1 for mùng 1, 15 for rằm), in every month including
// leap months, at midnight UTC+7. For day 30 in 29-day months, skip the month.
// Only the date of `from` counts: if that day matches, it is returned, even
// though its midnight is before `from`. A day outside 1..30 returns the zero
// Time.
func NextDay(from time.Time, day int) time.Time {
	if day < 1 || day > 30 {
		return time.Time{}
	}
	jdn := jdnOf(from)
	y, ly, i := locate(jdn, yearOf)
	for {
		if day <= ly.length(i) {
			if d := int(ly.starts[i]) + day - 1; d >= jdn {
				return timeOf(d)
			}
		}
		if i++; i == ly.n {
			y++
			ly, i = yearOf(y), 0
		}
	}
}

// NextAnniversary returns the first solar date on or after `from` (a date in
// UTC+7) of lunar month/day (non-leap month; if the day is 30 and that year's
// month has 29 days, use the 29th), at midnight UTC+7: for yearly lunar events
// such as Giỗ Tổ Hùng Vương 10/3. A month outside 1..12 or a day outside 1..30
// returns the zero Time.
func NextAnniversary(from time.Time, month, day int) time.Time {
	if month < 1 || month > 12 || day < 1 || day > 30 {
		return time.Time{}
	}
	jdn := jdnOf(from)
	y, _, _ := locate(jdn, yearOf)
	for ; ; y++ {
		ly := yearOf(y)
		i := ly.monthIndex(month, false)
		d := int(ly.starts[i]) + min(day, ly.length(i)) - 1
		if d >= jdn {
			return timeOf(d)
		}
	}
}
