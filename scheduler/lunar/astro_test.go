package lunar_test

import (
	"math"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/lunar"
)

// TestNewMoonInstants checks the new-moon series against published instants.
// The series of the method is good to a few minutes; 5 minutes is allowed.
// Sources: Meeus, Astronomical Algorithms, example 49.a (18/2/1977 03:36:54
// UT), as quoted in the astronomia and time4j test suites; H. Aslaksen, "When
// is Chinese New Year?", as quoted in the astronomia tests (times in UTC+8);
// lunaf.com lunar calendar pages (UTC).
func TestNewMoonInstants(t *testing.T) {
	cst := time.FixedZone("CST", 8*3600)
	tests := []time.Time{
		time.Date(1977, 2, 18, 3, 36, 54, 0, time.UTC),
		time.Date(1990, 10, 18, 23, 36, 31, 0, cst),
		time.Date(1990, 11, 17, 17, 4, 27, 0, cst),
		time.Date(1990, 12, 17, 12, 21, 43, 0, cst),
		time.Date(1991, 1, 16, 7, 49, 41, 0, cst),
		time.Date(1991, 2, 15, 1, 31, 47, 0, cst),
		time.Date(2008, 7, 3, 2, 19, 0, 0, time.UTC),
		time.Date(2057, 2, 3, 22, 10, 0, 0, time.UTC),
		time.Date(2073, 10, 30, 19, 13, 0, 0, time.UTC),
		time.Date(2087, 5, 2, 17, 51, 0, 0, time.UTC),
		time.Date(2089, 10, 4, 1, 15, 0, 0, time.UTC),
		time.Date(2093, 1, 27, 3, 22, 0, 0, time.UTC),
		time.Date(2094, 1, 16, 19, 5, 0, 0, time.UTC),
	}
	for _, want := range tests {
		got := lunar.NewMoonNear(want)
		if d := got.Sub(want); d < -5*time.Minute || d > 5*time.Minute {
			t.Errorf("new moon near %v computed at %v (%v off)", want.UTC(), got, d.Round(time.Second))
		}
	}
}

// TestSunLongitude checks the solar longitude against Meeus' example 25.a:
// on 13/10/1992 at 0h TD the sun's true longitude is 199.90988°.
func TestSunLongitude(t *testing.T) {
	if got := lunar.SunLongitude(2448908.5); math.Abs(got-199.90988) > 0.00005 {
		t.Errorf("SunLongitude(2448908.5) = %.5f, want 199.90988", got)
	}
}
