package lunar_test

import (
	"testing"

	"github.com/loaphuong/loaphuong/scheduler/lunar"
)

// TestCanChi checks year names; 1984 and 2044 begin a sixty-year cycle.
func TestCanChi(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{1900, "Canh Tý"},
		{1945, "Ất Dậu"},
		{1968, "Mậu Thân"},
		{1975, "Ất Mão"},
		{1984, "Giáp Tý"},
		{2023, "Quý Mão"},
		{2024, "Giáp Thìn"},
		{2025, "Ất Tỵ"},
		{2026, "Bính Ngọ"},
		{2030, "Canh Tuất"},
		{2033, "Quý Sửu"},
		{2043, "Quý Hợi"},
		{2044, "Giáp Tý"},
		{4, "Giáp Tý"},
		{3, "Quý Hợi"},
		{-1, "Kỷ Mùi"},
	}
	for _, tt := range tests {
		if got := lunar.CanChi(tt.year); got != tt.want {
			t.Errorf("CanChi(%d) = %q, want %q", tt.year, got, tt.want)
		}
	}
}
