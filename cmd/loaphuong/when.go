package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// vietnam is the time zone of every time a person types or reads.
var vietnam = store.Zone

// localLayouts are the forms of a time without a zone that --at accepts,
// read in Asia/Ho_Chi_Minh.
var localLayouts = []string{
	"2006-01-02 15:04",
	"2006-01-02T15:04",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04:05",
}

// parseWhen reads a time given on the command line: one of localLayouts
// in Asia/Ho_Chi_Minh, or RFC 3339 with its own zone. It must be after now.
func parseWhen(s string, now time.Time) (time.Time, error) {
	s = strings.TrimSpace(s)
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		ok := false
		for _, layout := range localLayouts {
			if t, err = time.ParseInLocation(layout, s, vietnam); err == nil {
				ok = true
				break
			}
		}
		if !ok {
			return time.Time{}, fmt.Errorf("time %q: want \"2006-01-02 15:04\" (Asia/Ho_Chi_Minh) or RFC 3339 such as \"2006-01-02T15:04:00+07:00\"", s)
		}
	}
	if !t.After(now) {
		return time.Time{}, fmt.Errorf("%q is in the past: it is now %s", s, formatWhen(now))
	}
	return t, nil
}

// formatWhen shows a time as people in the ward read it.
func formatWhen(t time.Time) string {
	return t.In(vietnam).Format("2006-01-02 15:04") + " (Asia/Ho_Chi_Minh)"
}
