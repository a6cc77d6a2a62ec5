package store_test

import (
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

func TestQuietHours(t *testing.T) {
	at := func(day, h, m int) time.Time { return time.Date(2026, 4, day, h, m, 0, 0, store.Zone) }
	tests := []struct {
		window string
		t      time.Time
		until  time.Time // zero: not quiet
	}{
		{"21:00-06:30", at(15, 22, 0), at(16, 6, 30)},
		{"21:00-06:30", at(15, 21, 0), at(16, 6, 30)},
		{"21:00-06:30", at(16, 3, 15), at(16, 6, 30)},
		{"21:00-06:30", at(16, 6, 30), time.Time{}},
		{"21:00-06:30", at(16, 12, 0), time.Time{}},
		{"12:00-13:30", at(16, 12, 45), at(16, 13, 30)},
		{"12:00-13:30", at(16, 11, 59), time.Time{}},
		{"off", at(16, 23, 0), time.Time{}},
	}
	for _, tt := range tests {
		q, err := store.ParseQuietHours(tt.window)
		if err != nil {
			t.Fatal(err)
		}
		until, quiet := q.Until(tt.t.UTC())
		if quiet != !tt.until.IsZero() || !until.Equal(tt.until) {
			t.Errorf("%s at %s: %v %s, want %s", tt.window, tt.t.Format("02 15:04"), quiet, until, tt.until)
		}
	}
	for _, bad := range []string{"", "21-06", "25:00-06:00", "21:00-6:30"} {
		if _, err := store.ParseQuietHours(bad); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("ParseQuietHours(%q) = %v, want EINVALID", bad, err)
		}
	}
}
