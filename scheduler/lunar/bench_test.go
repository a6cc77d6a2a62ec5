package lunar_test

import (
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/lunar"
)

var sink lunar.Date

// BenchmarkFromSolar converts days spread over 2000-2050.
func BenchmarkFromSolar(b *testing.B) {
	lunar.FromSolar(2025, 1, 1) // build the table outside the timing
	for i := 0; b.Loop(); i++ {
		sink = lunar.FromSolar(2000+i%50, time.Month(1+i%12), 1+i%28)
	}
}

// BenchmarkToSolar converts lunar dates spread over 2000-2050.
func BenchmarkToSolar(b *testing.B) {
	lunar.FromSolar(2025, 1, 1)
	for i := 0; b.Loop(); i++ {
		_, _, _, _ = lunar.ToSolar(lunar.Date{Year: 2000 + i%50, Month: 1 + i%12, Day: 1 + i%29})
	}
}

// BenchmarkNextDay finds the next rằm from days spread over 2000-2050.
func BenchmarkNextDay(b *testing.B) {
	start := time.Date(2000, 1, 1, 8, 0, 0, 0, time.UTC)
	lunar.NextDay(start, 15)
	for i := 0; b.Loop(); i++ {
		lunar.NextDay(start.Add(time.Duration(i%18000)*24*time.Hour), 15)
	}
}

// BenchmarkBuildTable is the one-time cost of the table (1890-2110) that the
// first call pays.
func BenchmarkBuildTable(b *testing.B) {
	for b.Loop() {
		lunar.BuildYears(1890, 2110)
	}
}
