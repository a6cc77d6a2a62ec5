package store

import (
	"fmt"
	"time"
)

// Zone is the time zone of every calendar, schedule and time a person
// types or reads: Asia/Ho_Chi_Minh. Vietnam has kept UTC+7 without daylight
// saving since 1975, so a machine without a zone database loses nothing.
var Zone = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		return time.FixedZone("Asia/Ho_Chi_Minh", 7*60*60)
	}
	return loc
}()

// DefaultQuietHours is when non-urgent reminders and news wait for morning,
// unless configured otherwise.
const DefaultQuietHours = "21:00-06:30"

// QuietHours is a daily window in Zone, in minutes after midnight; it may
// wrap past midnight. The zero value is no window at all.
type QuietHours struct {
	Start, End int
}

// ParseQuietHours parses "HH:MM-HH:MM" or "off".
func ParseQuietHours(s string) (QuietHours, error) {
	if s == "off" {
		return QuietHours{}, nil
	}
	if !quietHoursPattern.MatchString(s) {
		return QuietHours{}, Errorf(EINVALID, "quiet hours %q: want HH:MM-HH:MM or off", s)
	}
	var h1, m1, h2, m2 int
	if _, err := fmt.Sscanf(s, "%d:%d-%d:%d", &h1, &m1, &h2, &m2); err != nil {
		return QuietHours{}, Errorf(EINVALID, "quiet hours %q: want HH:MM-HH:MM or off", s)
	}
	return QuietHours{Start: h1*60 + m1, End: h2*60 + m2}, nil
}

// Until returns the end of the window if t falls inside it.
func (q QuietHours) Until(t time.Time) (time.Time, bool) {
	if q.Start == q.End {
		return time.Time{}, false
	}
	t = t.In(Zone)
	now := t.Hour()*60 + t.Minute()
	inside := q.Start <= now && now < q.End // same day: 12:00-14:00
	if q.Start > q.End {                    // past midnight: 21:00-06:30
		inside = now >= q.Start || now < q.End
	}
	if !inside {
		return time.Time{}, false
	}
	midnight := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, Zone)
	end := midnight.Add(time.Duration(q.End) * time.Minute)
	if !end.After(t) {
		end = midnight.AddDate(0, 0, 1).Add(time.Duration(q.End) * time.Minute)
	}
	return end, true
}
