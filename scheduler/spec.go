package scheduler

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/robfig/cron/v3"

	"github.com/loaphuong/loaphuong/scheduler/lunar"
	"github.com/loaphuong/loaphuong/store"
)

// Schedule says when something fires next: the first time after t, or the
// zero time when it never fires again.
type Schedule interface {
	Next(t time.Time) time.Time
}

// The presets an official chooses from; Parse also reads variants of them
// ("mỗi tối thứ Bảy 19:30", "mùng 1 âm lịch", "ngày 15 hằng tháng 8:00"),
// with or without diacritics.
const (
	PresetSunday  = "mỗi sáng Chủ nhật 7:00"
	PresetDaily   = "mỗi ngày 7:00"
	PresetLunar   = "mùng 1 và rằm âm lịch 7:00"
	PresetMonthly = "ngày 1 hằng tháng 7:00"
)

// Presets are the presets in the order they are offered.
var Presets = []string{PresetSunday, PresetDaily, PresetLunar, PresetMonthly}

// Why a spec was refused; Parse wraps them with the details.
var (
	ErrSpec     = errors.New("not a schedule")
	ErrTooOften = errors.New("fires more often than once an hour")
	ErrNever    = errors.New("never fires")
)

// minGap is the least time between two firings of one schedule: residents
// are reminded, not flooded, whatever an official types.
const minGap = time.Hour

// defaultClock is the time of a preset given without one: 7:00.
const defaultClock = 7 * 60

// cronParser reads 5-field cron expressions, and 6-field ones whose first
// field is the second.
var cronParser = cron.NewParser(cron.SecondOptional | cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow)

// The parts of a preset, matched on folded text (store.Fold, with ':' read
// as 'h' first so that "7:30" survives as "7h30").
var (
	specClock   = regexp.MustCompile(`(?:^| )(\d{1,2})(?:h(\d{2})?| gio(?: (\d{2})(?: phut)?)?)(?: |$)`)
	specPeriod  = regexp.MustCompile(`(?:^| )(sang|trua|chieu|toi)(?: |$)`)
	specFiller  = regexp.MustCompile(`(?:^| )(luc|vao|cac|cua)(?: |$)`)
	specWeekday = regexp.MustCompile(`^(?:moi|hang) (?:ngay )?(thu (?:hai|ba|tu|nam|sau|bay|[2-7])|chu nhat|cn)$`)
	specDaily   = regexp.MustCompile(`^(?:moi ngay|hang ngay|moi|hang)$`)
	specMonthly = regexp.MustCompile(`^(?:ngay (\d{1,2}) (?:hang|moi) thang|(?:hang|moi) thang (?:vao )?ngay (\d{1,2}))$`)
	specLunar   = regexp.MustCompile(`^(?:(?:vao )?(?:cac )?ngay )?((?:mung \d{1,2}|ram|\d{1,2})(?: (?:va|,) (?:mung \d{1,2}|ram|\d{1,2}))*)(?: (?:hang|moi) thang)? (?:am lich|al)(?: (?:hang|moi) thang)?$`)
	specMung    = regexp.MustCompile(`^(?:mung \d{1,2}|ram)(?: va (?:mung \d{1,2}|ram))*$`)
	specAnd     = regexp.MustCompile(` (?:va|,) `)
)

// weekdays are the folded names of the days of the week.
var weekdays = map[string]time.Weekday{
	"thu hai": time.Monday, "thu 2": time.Monday, "thu ba": time.Tuesday, "thu 3": time.Tuesday,
	"thu tu": time.Wednesday, "thu 4": time.Wednesday, "thu nam": time.Thursday, "thu 5": time.Thursday,
	"thu sau": time.Friday, "thu 6": time.Friday, "thu bay": time.Saturday, "thu 7": time.Saturday,
	"chu nhat": time.Sunday, "cn": time.Sunday,
}

// Parse reads a schedule: a preset (see Presets) or a cron expression of 5
// fields (minute hour day-of-month month day-of-week), or 6 with the
// second first, in Asia/Ho_Chi_Minh. A lunar preset counts days of the
// Vietnamese lunar calendar, leap months included. A schedule that never
// fires, or fires more often than once an hour, is refused.
func Parse(spec string) (Schedule, error) {
	s, err := parse(spec)
	if err != nil {
		return nil, err
	}
	return s, checkGaps(strings.TrimSpace(spec), s)
}

// parse is Parse without the year of firings that checks the gaps: a
// stored spec was checked when it was stored, and loading ten thousand of
// them should not compute four million firings.
func parse(spec string) (Schedule, error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return nil, fmt.Errorf("%w: the schedule is empty", ErrSpec)
	}
	s, err := parsePreset(spec)
	if s == nil && err == nil {
		s, err = parseCron(spec)
	}
	return s, err
}

// parsePreset reads the presets; nil and no error when spec is not one.
func parsePreset(spec string) (Schedule, error) {
	text := " " + store.Fold(strings.ReplaceAll(spec, ":", "h")) + " "
	if strings.Trim(text, " 0123456789*/,-?") == "" || strings.ContainsAny(spec, "*/") {
		return nil, nil // looks like cron
	}
	clock := defaultClock
	if m := specClock.FindStringSubmatch(text); m != nil {
		h, _ := strconv.Atoi(m[1])
		mm := m[2] + m[3]
		minute := 0
		if mm != "" {
			minute, _ = strconv.Atoi(mm)
		}
		if p := specPeriod.FindStringSubmatch(text); p != nil && h >= 1 && h <= 11 && p[1] != "sang" {
			if p[1] != "trua" || h <= 2 {
				h += 12
			}
		}
		if h > 23 || minute > 59 {
			return nil, fmt.Errorf("%w: %q: no such time of day", ErrSpec, spec)
		}
		clock = h*60 + minute
		text = strings.Replace(text, strings.TrimSpace(m[0]), " ", 1)
	}
	text = specPeriod.ReplaceAllString(text, " ")
	text = specFiller.ReplaceAllString(text, " ")
	text = strings.Join(strings.Fields(text), " ")
	hour, minute := clock/60, clock%60
	switch {
	case specDaily.MatchString(text):
		return parseCron(fmt.Sprintf("0 %d %d * * *", minute, hour))
	case specWeekday.MatchString(text):
		d := weekdays[specWeekday.FindStringSubmatch(text)[1]]
		return parseCron(fmt.Sprintf("0 %d %d * * %d", minute, hour, d))
	case specMonthly.MatchString(text):
		m := specMonthly.FindStringSubmatch(text)
		day, _ := strconv.Atoi(m[1] + m[2])
		if day < 1 || day > 31 {
			return nil, fmt.Errorf("%w: %q: day %d of the month", ErrSpec, spec, day)
		}
		return parseCron(fmt.Sprintf("0 %d %d %d * *", minute, hour, day))
	case specLunar.MatchString(text) || specMung.MatchString(text):
		list := text
		if m := specLunar.FindStringSubmatch(text); m != nil {
			list = m[1]
		}
		var days []int
		for _, part := range specAnd.Split(list, -1) {
			d := 15
			if part != "ram" {
				d, _ = strconv.Atoi(strings.TrimPrefix(part, "mung "))
			}
			if d < 1 || d > 30 {
				return nil, fmt.Errorf("%w: %q: lunar day %d", ErrSpec, spec, d)
			}
			if !slices.Contains(days, d) {
				days = append(days, d)
			}
		}
		slices.Sort(days)
		return lunarSchedule{days: days, clock: clock}, nil
	}
	if strings.IndexFunc(text, func(r rune) bool { return r >= 'a' && r <= 'z' }) >= 0 {
		return nil, fmt.Errorf("%w: %q: want one of %s, or a cron expression", ErrSpec, spec, strings.Join(Presets, "; "))
	}
	return nil, nil
}

// parseCron reads a cron expression in Asia/Ho_Chi_Minh.
func parseCron(spec string) (Schedule, error) {
	if strings.HasPrefix(spec, "@") || strings.Contains(spec, "TZ=") {
		return nil, fmt.Errorf("%w: %q: want 5 fields (minute hour day month weekday), in Asia/Ho_Chi_Minh", ErrSpec, spec)
	}
	if n := len(strings.Fields(spec)); n != 5 && n != 6 {
		return nil, fmt.Errorf("%w: %q has %d fields: want 5 (minute hour day month weekday)", ErrSpec, spec, n)
	}
	s, err := cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("%w: %q: %v", ErrSpec, spec, err)
	}
	if cs, ok := s.(*cron.SpecSchedule); ok {
		cs.Location = store.Zone
	}
	return s, nil
}

// checkGaps refuses a schedule that never fires or fires too often: it
// looks at a year of firings from a fixed day, so the answer is the same
// whenever it is asked.
func checkGaps(spec string, s Schedule) error {
	t := time.Date(2025, time.January, 1, 0, 0, 0, 0, store.Zone)
	end := t.AddDate(1, 0, 0)
	prev := time.Time{}
	for i := 0; i < 400; i++ {
		next := s.Next(t)
		if next.IsZero() {
			if i == 0 {
				return fmt.Errorf("%w: %q", ErrNever, spec)
			}
			return nil
		}
		if !prev.IsZero() && next.Sub(prev) < minGap {
			return fmt.Errorf("%w: %q fires at %s and again at %s", ErrTooOften, spec,
				prev.In(store.Zone).Format("15:04:05"), next.In(store.Zone).Format("15:04:05"))
		}
		if next.After(end) {
			return nil
		}
		prev, t = next, next
	}
	return nil
}

// lunarSchedule fires on days of every lunar month (leap months too) at a
// time of day.
type lunarSchedule struct {
	days  []int // lunar days, 1 is mùng 1, 15 is rằm
	clock int   // minutes after midnight
}

// Next returns the first firing after t.
func (s lunarSchedule) Next(t time.Time) time.Time {
	var best time.Time
	for _, d := range s.days {
		from := t
		for range 3 {
			day := lunar.NextDay(from, d)
			if day.IsZero() {
				break
			}
			at := midnight(day).Add(time.Duration(s.clock) * time.Minute)
			if at.After(t) {
				if best.IsZero() || at.Before(best) {
					best = at
				}
				break
			}
			from = day.AddDate(0, 0, 1)
		}
	}
	return best
}

// midnight returns the start of t's day in Zone.
func midnight(t time.Time) time.Time {
	t = t.In(store.Zone)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, store.Zone)
}

// NextWithin returns a schedule's next firing after now on the days from
// until (in store.Zone, until included; a zero time is no bound), or the
// zero time when it has none left.
func NextWithin(s Schedule, from, until, now time.Time) time.Time {
	if !from.IsZero() && from.After(now) {
		now = from.Add(-time.Nanosecond)
	}
	next := s.Next(now)
	if !until.IsZero() && !next.Before(until.AddDate(0, 0, 1)) {
		return time.Time{}
	}
	return next
}
