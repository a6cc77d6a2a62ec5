package store_test

import (
	"testing"

	"github.com/loaphuong/loaphuong/store"
)

func TestFold(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"P. Phú Thọ Hoà", "p phu tho hoa"},
		{"PHÚ THỌ HÒA", "phu tho hoa"},
		{"Phường Phú Thọ Hòa", "phuong phu tho hoa"},
		{"Đông", "dong"},
		{"\u00D0ông Hưng", "dong hung"}, // Eth for Đ, from an old encoding
		{"đường Đồng Khởi", "duong dong khoi"},
		{"Tân Sơn Nhì", "tan son nhi"},
		{"  Khu phố   3  ", "khu pho 3"},
		{"TP.HCM", "tp hcm"},
		{"Chung cư Hòa Bình – Block A/B", "chung cu hoa binh block a b"},
		{"Phu\u0301 Tho\u0323 Ho\u0300a", "phu tho hoa"}, // decomposed, as macOS writes it
		{"Ứng Thiên, Ưu Đàm", "ung thien uu dam"},
		{"...", ""},
		{"", ""},
	} {
		if got := store.Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
