package lunar

import "sync"

// This file turns new moons and solar terms into the months of each lunar
// year, and keeps them so that each is computed once.

// lunarYear holds the months of one lunar year, from its Tết to the next.
type lunarYear struct {
	// starts are the Julian day numbers of the first day of each month, in
	// order; starts[n] is the first day of the next year (its Tết).
	starts [14]int32
	n      int // number of months: 12, or 13 with a leap month
	leap   int // number of the leap month (1..12), 0 if none
}

// monthIndex returns the position (0-based) of month/leap in the year, or -1
// if the year has no such month.
func (ly *lunarYear) monthIndex(month int, leap bool) int {
	switch {
	case month < 1 || month > 12:
		return -1
	case leap && month != ly.leap:
		return -1
	case leap:
		return month // the leap month follows the month it repeats
	case ly.leap != 0 && month > ly.leap:
		return month
	default:
		return month - 1
	}
}

// monthAt returns the month number and leap flag of the month at position i.
func (ly *lunarYear) monthAt(i int) (month int, leap bool) {
	switch {
	case ly.leap == 0 || i < ly.leap:
		return i + 1, false
	case i == ly.leap:
		return ly.leap, true
	default:
		return i, false
	}
}

// length returns the number of days (29 or 30) of the month at position i.
func (ly *lunarYear) length(i int) int {
	return int(ly.starts[i+1] - ly.starts[i])
}

// month11 returns the number of the new moon that begins month 11 of lunar
// year y: the month that contains the winter solstice of solar year y.
func month11(y int, tz float64) int {
	k := lunationNear(jdnFromCivil(y, 12, 31))
	// The sun's longitude is between 210° and 330° around these new moons, so
	// term index 9 (270°, the solstice) is crossed once and never wraps.
	for termIndex(newMoonDay(k+1, tz), tz) < 9 {
		k++ // the next month also starts before the solstice
	}
	for termIndex(newMoonDay(k, tz), tz) >= 9 {
		k-- // this month starts after the solstice
	}
	return k
}

// leapPosition returns, for the months from the one begun by new moon k11
// (a month 11) up to the one begun by next11 (the following month 11), the
// position after month 11 (1..12) of the leap month, or 0 when there are only
// 12 months. The leap month is the first one without a major term: its first
// day and the first day of the month after it lie in the same 30° sector.
func leapPosition(k11, next11 int, tz float64) int {
	if next11-k11 < 13 {
		return 0
	}
	prev := termIndex(newMoonDay(k11+1, tz), tz)
	for i := 1; i <= 12; i++ {
		cur := termIndex(newMoonDay(k11+i+1, tz), tz)
		if cur == prev {
			return i
		}
		prev = cur
	}
	// Unreachable: 13 months share 12 terms, and month 11 has the solstice.
	return 12
}

// buildYears computes lunar years lo..hi for the time zone tz.
func buildYears(lo, hi int, tz float64) []lunarYear {
	// k11[y-lo+1] begins month 11 of year y, for y in lo-1..hi+1;
	// pos[y-lo] is the leap position in the months after it, for y in lo-1..hi.
	k11 := make([]int, hi-lo+3)
	for i := range k11 {
		k11[i] = month11(lo-1+i, tz)
	}
	pos := make([]int, hi-lo+2)
	for i := range pos {
		pos[i] = leapPosition(k11[i], k11[i+1], tz)
	}
	// Tết is two months after month 11, three when 11 or 12 is doubled.
	tet := func(i int) int {
		k := k11[i] + 2
		if pos[i] == 1 || pos[i] == 2 {
			k++
		}
		return k
	}
	years := make([]lunarYear, hi-lo+1)
	for i := range years {
		ly := &years[i]
		first, end := tet(i), tet(i+1)
		ly.n = end - first
		for j := 0; j <= ly.n; j++ {
			ly.starts[j] = int32(newMoonDay(first+j, tz))
		}
		switch p, q := pos[i], pos[i+1]; {
		case p >= 3:
			ly.leap = p - 2 // month 1 is the third month after month 11
		case q == 1 || q == 2:
			ly.leap = 10 + q // a doubled 11 or 12 belongs to the year that ends with it
		}
	}
	return years
}

// The table covers the years most callers ask about; it is built on first use
// (about a millisecond) so that importing the package costs nothing.
const tableLo, tableHi = 1890, 2110

var (
	tableOnce sync.Once
	table     []lunarYear
	farYears  sync.Map // int -> *lunarYear, for years outside the table
)

// yearOf returns the months of lunar year y in Vietnam.
func yearOf(y int) *lunarYear {
	if y >= tableLo && y <= tableHi {
		tableOnce.Do(func() { table = buildYears(tableLo, tableHi, vietnamOffset) })
		return &table[y-tableLo]
	}
	if v, ok := farYears.Load(y); ok {
		return v.(*lunarYear)
	}
	ly := &buildYears(y, y, vietnamOffset)[0]
	v, _ := farYears.LoadOrStore(y, ly)
	return v.(*lunarYear)
}

// locate returns the lunar year, its months and the position of the month that
// contain the day jdn.
func locate(jdn int, yearOf func(int) *lunarYear) (y int, ly *lunarYear, i int) {
	// Tết falls between 21 January and 20 February, so the lunar year is the
	// solar year or the one before.
	y, _, _ = civilFromJDN(jdn)
	ly = yearOf(y)
	for jdn < int(ly.starts[0]) {
		y--
		ly = yearOf(y)
	}
	for jdn >= int(ly.starts[ly.n]) {
		y++
		ly = yearOf(y)
	}
	i = ly.n - 1
	for jdn < int(ly.starts[i]) {
		i--
	}
	return y, ly, i
}
