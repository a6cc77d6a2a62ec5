package bot

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/loaphuong/loaphuong/store"
)

// vietnam is the time zone of every time a person types or reads.
var vietnam = store.Zone

// Why parseWhen refused a time; the handlers turn each into a Vietnamese answer.
var (
	errWhenUnknown = errors.New("not a time")
	errWhenNoClock = errors.New("no hour")
	errWhenBadDate = errors.New("no such date")
	errWhenPast    = errors.New("in the past")
	errWhenTooFar  = errors.New("too far ahead")
)

// maxAhead is how far ahead a broadcast may be scheduled: further is
// almost always a typo in the year.
const maxAhead = 2 * 366 * 24 * time.Hour

// The parts of a time as officials type it, matched on folded text (lower
// case, no diacritics): "20:00", "7h", "7h30", "7 giờ 30", "15/4",
// "15/4/2027", "15-4-27", "ngày 15 tháng 4", "2027-04-15", "ngày mai".
var (
	whenClock     = regexp.MustCompile(`\b(\d{1,2})\s*(?::|gio|h|g)\s*(\d{2})?(?:\s*(?:phut|p))?\b`)
	whenISODate   = regexp.MustCompile(`\b(\d{4})-(\d{1,2})-(\d{1,2})\b`)
	whenDate      = regexp.MustCompile(`\b(\d{1,2})[/-](\d{1,2})(?:[/-](\d{4}|\d{2}))?\b`)
	whenWordDate  = regexp.MustCompile(`\b(\d{1,2})\s+thang\s+(\d{1,2})(?:\s+nam\s+(\d{4}))?\b`)
	whenRelative  = regexp.MustCompile(`\b(hom nay|ngay mai|ngay kia|ngay mot|nay|mai|mot)\b`)
	whenPeriod    = regexp.MustCompile(`\b(sang|trua|chieu|toi|dem)\b`)
	whenFiller    = regexp.MustCompile(`\b(ngay|luc|vao|hen|gui)\b|[,.]`)
	whenDateForms = []*regexp.Regexp{whenISODate, whenDate, whenWordDate}
	relativeDays  = map[string]int{"hom nay": 0, "nay": 0, "ngay mai": 1, "mai": 1, "ngay kia": 2, "ngay mot": 2, "mot": 2}
	// đ is a letter of its own, not d with a mark: NFD keeps it.
	foldReplacer = strings.NewReplacer("đ", "d", "Đ", "d")
)

// parseWhen reads the time an official types to schedule a broadcast, in
// Asia/Ho_Chi_Minh, with or without diacritics: a clock time ("20:00",
// "7h30", "8 giờ tối") and optionally a day ("hôm nay", "ngày mai", "15/4",
// "15/4/2027"), in either order. A clock time alone means today, or
// tomorrow once it has passed; a date without a year that has passed means
// next year. The result must be after now and within two years.
func parseWhen(s string, now time.Time) (time.Time, error) {
	now = now.In(vietnam)
	text := " " + foldWhen(s) + " "

	clock, text, err := takeOne(whenClock, text)
	if err != nil {
		return time.Time{}, err
	}
	var date []string
	for _, re := range whenDateForms {
		var d []string
		if d, text, err = takeOne(re, text); err != nil {
			return time.Time{}, err
		}
		if d != nil {
			if date != nil {
				return time.Time{}, errWhenUnknown
			}
			if re == whenISODate { // year first: put it last, as in the others
				d = []string{d[0], d[3], d[2], d[1]}
			}
			date = d
		}
	}
	rel, text, err := takeOne(whenRelative, text)
	if err != nil {
		return time.Time{}, err
	}
	period, text, err := takeOne(whenPeriod, text)
	if err != nil {
		return time.Time{}, err
	}
	if strings.TrimSpace(whenFiller.ReplaceAllString(text, " ")) != "" || (date != nil && rel != nil) {
		return time.Time{}, errWhenUnknown
	}
	if clock == nil {
		if date == nil && rel == nil {
			return time.Time{}, errWhenUnknown
		}
		return time.Time{}, errWhenNoClock
	}
	hour, _ := strconv.Atoi(clock[1])
	minute := 0
	if clock[2] != "" {
		minute, _ = strconv.Atoi(clock[2])
	}
	if period != nil {
		if hour, err = applyPeriod(hour, period[1]); err != nil {
			return time.Time{}, err
		}
	}
	if hour > 23 || minute > 59 {
		return time.Time{}, errWhenUnknown
	}

	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, vietnam)
	day := today
	switch {
	case date != nil:
		if day, err = dateOf(date, today); err != nil {
			return time.Time{}, err
		}
	case rel != nil:
		day = today.AddDate(0, 0, relativeDays[rel[1]])
	}
	t := time.Date(day.Year(), day.Month(), day.Day(), hour, minute, 0, 0, vietnam)
	if date == nil && rel == nil && !t.After(now) {
		t = t.AddDate(0, 0, 1)
	}
	switch {
	case !t.After(now):
		return time.Time{}, errWhenPast
	case t.Sub(now) > maxAhead:
		return time.Time{}, errWhenTooFar
	}
	return t, nil
}

// takeOne finds re in text at most once and returns its submatches and the
// text without it; twice is ambiguous ("7:00 8:00").
func takeOne(re *regexp.Regexp, text string) ([]string, string, error) {
	locs := re.FindAllStringSubmatchIndex(text, -1)
	switch len(locs) {
	case 0:
		return nil, text, nil
	case 1:
	default:
		return nil, text, errWhenUnknown
	}
	loc := locs[0]
	m := make([]string, len(loc)/2)
	for i := range m {
		if loc[2*i] >= 0 {
			m[i] = text[loc[2*i]:loc[2*i+1]]
		}
	}
	return m, text[:loc[0]] + " " + text[loc[1]:], nil
}

// applyPeriod reads "8 giờ tối" as 20:00 and "2 giờ chiều" as 14:00.
func applyPeriod(hour int, period string) (int, error) {
	switch period {
	case "sang":
		if hour > 12 {
			return 0, errWhenUnknown
		}
	case "trua":
		if hour >= 1 && hour <= 2 {
			hour += 12
		}
	case "chieu", "toi":
		if hour >= 1 && hour <= 11 {
			hour += 12
		}
	case "dem":
		if hour >= 7 && hour <= 11 {
			hour += 12
		}
	}
	return hour, nil
}

// dateOf is the day a date names: m[1] day, m[2] month, m[3] year or "".
// Without a year it is this year's, or next year's once it has passed.
func dateOf(m []string, today time.Time) (time.Time, error) {
	d, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	year := today.Year()
	if m[3] != "" {
		year, _ = strconv.Atoi(m[3])
		if len(m[3]) == 2 {
			year += 2000
		}
	}
	day := time.Date(year, time.Month(mo), d, 0, 0, 0, 0, vietnam)
	if m[3] == "" && day.Before(today) {
		year++
		day = time.Date(year, time.Month(mo), d, 0, 0, 0, 0, vietnam)
	}
	// time.Date turns 31/4 into 1/5: a date that does not exist comes back changed.
	if day.Day() != d || int(day.Month()) != mo {
		return time.Time{}, errWhenBadDate
	}
	return day, nil
}

// foldWhen lowers s and strips its diacritics, keeping the punctuation that
// separates hours from minutes and days from months.
func foldWhen(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(foldReplacer.Replace(strings.TrimSpace(s))) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if unicode.IsSpace(r) {
			r = ' '
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// formatWhen shows a time as officials read it: "20:00 ngày 15/4/2026".
func formatWhen(t time.Time) string {
	return t.In(vietnam).Format("15:04 ngày 2/1/2006")
}
