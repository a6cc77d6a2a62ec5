package scheduler

import (
	"cmp"
	"slices"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/lunar"
	"github.com/loaphuong/loaphuong/store"
)

// Occurrence is one day of an event.
type Occurrence struct {
	Event store.Event
	Date  time.Time  // midnight in Zone
	Lunar lunar.Date // the lunar date of that day
	// Anniversary is how many years it is since Event.Since (52 on
	// 30/4/2027 for 1975), 0 when the event commemorates no year.
	Anniversary int
}

// NextOccurrence returns the first day of an event on or after the day of
// from, and false when there is none (a one-off day that has passed). A
// yearly solar 29/2 comes in leap years; a yearly lunar day 30 falls on
// the 29th in a month of 29 days, and leap months are not counted.
func NextOccurrence(e store.Event, from time.Time) (Occurrence, bool) {
	day := midnight(from)
	var date time.Time
	switch {
	case e.Calendar == store.Lunar && e.Year == 0:
		date = lunar.NextAnniversary(day, e.Month, e.Day)
	case e.Calendar == store.Lunar:
		d := e.Day
		if n, err := lunar.MonthLength(e.Year, e.Month, false); err == nil && d > n {
			d = n
		}
		y, m, dd, err := lunar.ToSolar(lunar.Date{Year: e.Year, Month: e.Month, Day: d})
		if err != nil {
			return Occurrence{}, false
		}
		date = time.Date(y, m, dd, 0, 0, 0, 0, store.Zone)
	case e.Year != 0:
		date = time.Date(e.Year, time.Month(e.Month), e.Day, 0, 0, 0, 0, store.Zone)
	default:
		for y := day.Year(); y <= day.Year()+8; y++ {
			d := time.Date(y, time.Month(e.Month), e.Day, 0, 0, 0, 0, store.Zone)
			if d.Day() == e.Day && !d.Before(day) {
				date = d
				break
			}
		}
	}
	if date.IsZero() {
		return Occurrence{}, false
	}
	date = midnight(date)
	if date.Before(day) {
		return Occurrence{}, false
	}
	o := Occurrence{Event: e, Date: date, Lunar: lunar.FromTime(date)}
	if e.Since > 0 {
		year := date.Year()
		if e.Calendar == store.Lunar {
			year = o.Lunar.Year
		}
		o.Anniversary = max(0, year-e.Since)
	}
	return o, true
}

// Upcoming returns the days of the events that fall from the day of from
// to days later, both included, soonest first.
func Upcoming(events []store.Event, from time.Time, days int) []Occurrence {
	start := midnight(from)
	end := start.AddDate(0, 0, days)
	var out []Occurrence
	for _, e := range events {
		if e.Off {
			continue
		}
		for t := start; ; {
			o, ok := NextOccurrence(e, t)
			if !ok || o.Date.After(end) {
				break
			}
			out = append(out, o)
			t = o.Date.AddDate(0, 0, 1)
		}
	}
	slices.SortStableFunc(out, func(a, b Occurrence) int {
		if c := a.Date.Compare(b.Date); c != 0 {
			return c
		}
		return cmp.Compare(a.Event.Title, b.Event.Title)
	})
	return out
}

// DaysUntil is how many days there are from the day of now to the day of o.
func DaysUntil(o Occurrence, now time.Time) int {
	return int(o.Date.Sub(midnight(now)).Hours()+12) / 24
}

// countdown fires an event's reminders: at its time of day, on each
// milestone's day before each occurrence.
type countdown struct{ e store.Event }

// Next returns the first reminder after t.
func (c countdown) Next(t time.Time) time.Time {
	day := midnight(t)
	clock := time.Duration(c.e.RemindAt) * time.Minute
	var best time.Time
	for _, k := range c.e.Milestones {
		from := day.AddDate(0, 0, k)
		for range 3 {
			o, ok := NextOccurrence(c.e, from)
			if !ok {
				break
			}
			at := o.Date.AddDate(0, 0, -k).Add(clock)
			if at.After(t) {
				if best.IsZero() || at.Before(best) {
					best = at
				}
				break
			}
			from = o.Date.AddDate(0, 0, 1)
		}
	}
	return best
}

// milestoneAt returns the occurrence a reminder at `at` counts down to and
// how many days before it the reminder is.
func (c countdown) milestoneAt(at time.Time) (Occurrence, int, bool) {
	day := midnight(at)
	for _, k := range c.e.Milestones {
		target := day.AddDate(0, 0, k)
		if o, ok := NextOccurrence(c.e, target); ok && o.Date.Equal(target) {
			return o, k, true
		}
	}
	return Occurrence{}, 0, false
}

// Countdown is the schedule of an event's reminders: at its time of day, on
// each milestone's day before each of its occurrences.
func Countdown(e store.Event) Schedule { return countdown{e: e} }
