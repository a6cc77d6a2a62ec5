package lunar

import "math"

// This file holds the astronomy: day numbers, the instant of a new moon and
// the longitude of the sun. Angles are in degrees unless a name says otherwise.

// vietnamOffset is the time zone of the Vietnamese calendar, in hours east of
// UTC (meridian 105° E). The Chinese calendar uses 8: that one hour is the
// whole difference between the two calendars.
const vietnamOffset = 7.0

// unixEpochJDN is the Julian day number of 1970-01-01.
const unixEpochJDN = 2440588

// synodicMonth is the mean length of a lunation in days, used to guess which
// new moon is near a given day before the exact one is computed.
const synodicMonth = 29.530588853

// newMoonEpochJD is (near) the Julian date of new moon number 0, that of
// 1900-01-01, from which the new moons are numbered.
const newMoonEpochJD = 2415021.076998695

// jdnFromCivil returns the Julian day number of a proleptic Gregorian date.
// Out-of-range months and days are normalized as time.Date does: month 13 is
// January of the next year, day 0 the last day of the previous month.
func jdnFromCivil(year, month, day int) int {
	// Bring the month into 1..12, carrying whole years.
	m := month - 1
	year += floorDiv(m, 12)
	m -= floorDiv(m, 12) * 12
	// Count from 1 March so that the leap day is the last day of the year.
	if m < 2 {
		year--
		m += 12
	}
	m -= 2 // 0 = March ... 11 = February
	era := floorDiv(year, 400)
	yoe := year - era*400                  // year of era, 0..399
	doy := (153*m+2)/5 + day - 1           // day of the March-based year
	doe := yoe*365 + yoe/4 - yoe/100 + doy // day of era, 0..146096
	// 719468 days separate 0000-03-01 from 1970-01-01.
	return era*146097 + doe - 719468 + unixEpochJDN
}

// civilFromJDN returns the proleptic Gregorian date of a Julian day number.
func civilFromJDN(jdn int) (year, month, day int) {
	z := jdn - unixEpochJDN + 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153 // 0 = March ... 11 = February
	day = doy - (153*mp+2)/5 + 1
	month = mp + 3
	if month > 12 {
		month -= 12
	}
	year = yoe + era*400
	if month <= 2 {
		year++
	}
	return year, month, day
}

// floorDiv is integer division rounding toward minus infinity.
func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// sinDeg is the sine of an angle in degrees.
func sinDeg(x float64) float64 { return math.Sin(x * math.Pi / 180) }

// newMoon returns the instant, as a Julian date in UT, of new moon number k
// (k = 0 is the new moon of 1 January 1900, k = 1 the next one, and so on).
//
// The series is Meeus' (Astronomical Formulae for Calculators): a mean lunation
// with its secular terms, then the largest periodic terms from the anomalies
// of the sun (m) and the moon (mp) and the moon's argument of latitude (f).
// It is the series of the published Vietnamese method, good to about three
// minutes: checked against Meeus' full series (Astronomical Algorithms, ch. 49)
// for 1900-2100, it puts four new moons on another civil day of UTC+7
// (June 1944, July 1967, December 2072, November 2077), each less than two
// minutes from midnight; the later two are within the uncertainty of ΔT.
func newMoon(k int) float64 {
	kf := float64(k)
	t := kf / 1236.85 // Julian centuries since 1900 January 0.5, counted in lunations
	t2 := t * t
	t3 := t2 * t
	jde := 2415020.75933 + 29.53058868*kf + 0.0001178*t2 - 0.000000155*t3 +
		0.00033*sinDeg(166.56+132.87*t-0.009173*t2)
	m := 359.2242 + 29.10535608*kf - 0.0000333*t2 - 0.00000347*t3
	mp := 306.0253 + 385.81691806*kf + 0.0107306*t2 + 0.00001236*t3
	f := 21.2964 + 390.67050646*kf - 0.0016528*t2 - 0.00000239*t3
	c := (0.1734-0.000393*t)*sinDeg(m) +
		0.0021*sinDeg(2*m) -
		0.4068*sinDeg(mp) +
		0.0161*sinDeg(2*mp) -
		0.0004*sinDeg(3*mp) +
		0.0104*sinDeg(2*f) -
		0.0051*sinDeg(m+mp) -
		0.0074*sinDeg(m-mp) +
		0.0004*sinDeg(2*f+m) -
		0.0004*sinDeg(2*f-m) -
		0.0006*sinDeg(2*f+mp) +
		0.0010*sinDeg(2*f-mp) +
		0.0005*sinDeg(m+2*mp)
	return jde + c - deltaT(t)
}

// deltaT is the difference between dynamical time (in which the series runs)
// and universal time, in days, t being Julian centuries since 1900, as the
// published method approximates it.
func deltaT(t float64) float64 {
	t2 := t * t
	if t < -11 {
		return 0.001 + 0.000839*t + 0.0002261*t2 - 0.00000845*t2*t - 0.000000081*t2*t2
	}
	return -0.000278 + 0.000265*t + 0.000262*t2
}

// sunLongitude returns the sun's true (geometric) ecliptic longitude in
// degrees, 0 <= L < 360, at the Julian date jd, from Meeus' low-precision
// solar coordinates: mean longitude plus the equation of the centre, good to
// 0.01°, while the sun moves about 1° a day. Like the published method it
// leaves out aberration and nutation (about 0.006°, some 8 minutes of time);
// checked for 1900-2100, that changes the sector of no first day of a month.
func sunLongitude(jd float64) float64 {
	t := (jd - 2451545.0) / 36525 // Julian centuries since J2000.0
	t2 := t * t
	m := 357.52910 + 35999.05030*t - 0.0001559*t2 - 0.00000048*t*t2 // mean anomaly
	l0 := 280.46645 + 36000.76983*t + 0.0003032*t2                  // mean longitude
	c := (1.914600-0.004817*t-0.000014*t2)*sinDeg(m) +
		(0.019993-0.000101*t)*sinDeg(2*m) +
		0.000290*sinDeg(3*m)
	l := math.Mod(l0+c, 360)
	if l < 0 {
		l += 360
	}
	return l
}

// newMoonDay returns the Julian day number of the civil day, in the time zone
// tz (hours east of UTC), that contains new moon number k: the first day of a
// lunar month.
func newMoonDay(k int, tz float64) int {
	// A Julian date starts at noon UT; +0.5 moves to midnight, +tz/24 to local time.
	return int(math.Floor(newMoon(k) + 0.5 + tz/24))
}

// termIndex returns which 30° sector of the ecliptic the sun is in at the start
// (local midnight in tz) of the civil day jdn: 0 from the March equinox, 9 from
// the winter solstice. A month contains a major term exactly when the index at
// its first day differs from the index at the first day of the next month.
func termIndex(jdn int, tz float64) int {
	return int(sunLongitude(float64(jdn)-0.5-tz/24) / 30)
}

// lunationNear returns the number of a new moon close to (within about one
// lunation of) the day jdn; callers step from it to the exact one they need.
func lunationNear(jdn int) int {
	return int(math.Floor((float64(jdn) - newMoonEpochJD) / synodicMonth))
}
