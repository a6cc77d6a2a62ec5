// Package lunar is the Vietnamese lunar calendar (âm lịch): conversion between
// solar (Gregorian) dates and lunar dates, leap months, Tết, the can chi name of
// a year, and the next lunar day or anniversary for the scheduler.
//
// The calendar is computed, not tabulated, following the astronomical method
// published by Hồ Ngọc Đức for the Vietnamese calendar. Days are counted as
// Julian day numbers. The instant of each new moon (điểm sóc) comes from Jean
// Meeus' series for the mean lunation plus its main periodic terms (epoch
// 1900), and a lunar month begins on the civil day that contains the new moon.
// The sun's true longitude (Meeus' low-precision solar coordinates) gives
// the twelve major solar terms (trung khí), one every 30°. The month that
// contains the winter solstice (Đông chí, 270°) is month 11; when 13 new moons
// start between one month 11 and the next, the first month after month 11 that
// contains no major term is the leap month (tháng nhuận) and repeats the number
// of the month before it. The lunar year is numbered by the solar year in which
// its month 1 (Tết) falls.
//
// Every civil day here is a day of UTC+7, the meridian 105° E used for the
// Vietnamese calendar since 1968. The Chinese calendar is computed for UTC+8,
// so a new moon between 16:00 and 17:00 UTC falls on different days in the two
// calendars: Tết 2030 is 2 February in Vietnam and 3 February in China, and the
// months of 1984-85 differ by a whole month. A Chinese-calendar library is
// therefore wrong for Vietnam, and this package must not be replaced by one.
// (The North adopted UTC+7 with the calendar of 1968, the South only after
// 1975; before that the calendars in use followed UTC+8. This package applies
// UTC+7 to every year, as the published method does.)
//
// Valid range: solar dates from 1900-01-31 (Tết Canh Tý, lunar 1/1/1900) to
// 2100-12-31; the tests check every day of it. Outside it the same formulas
// still give a self-consistent calendar, but the approximations for the new
// moon and for ΔT (the clock correction) drift away from the true sky, so dates
// far from the twentieth and twenty-first centuries should not be trusted.
//
// The months of each lunar year are computed once and kept: lunar years
// 1890-2110 in a table built on first use, others in a cache filled on demand.
package lunar
