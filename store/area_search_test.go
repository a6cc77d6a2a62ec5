package store_test

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"github.com/loaphuong/loaphuong/store"
)

func TestSearchAreas(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	mustImportTanPhu(t, db)
	if _, err := db.ImportAreas(ctx, []store.Area{
		// Found by its code only: its name matches nothing typed below.
		{Code: "ab-cd", ParentCode: "tan-phu", Kind: store.KindQuarter, Name: "Xyz"},
	}); err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		query string
		limit int
		want  []string // the first results, in order
		all   bool     // want is the whole result
	}{
		// The same ward however it is typed.
		{query: "P. Phú Thọ Hoà", want: []string{"phu-tho-hoa"}},
		{query: "phu tho hoa", want: []string{"phu-tho-hoa"}},
		{query: "PHÚ THỌ HÒA", want: []string{"phu-tho-hoa"}},
		{query: "phường phú thọ hòa", want: []string{"phu-tho-hoa"}},
		{query: "Phuong Phu Tho Hoa", want: []string{"phu-tho-hoa"}},
		// An alias of two wards (former Tân Quý was split between them).
		{query: "tan quy", want: []string{"phu-tho-hoa", "tan-son-nhi"}, all: true},
		{query: "Tân Quý", want: []string{"phu-tho-hoa", "tan-son-nhi"}, all: true},
		// đ folds to d.
		{query: "dong hung", want: []string{"pth-dong-hung"}, all: true},
		{query: "Đông Hưng", want: []string{"pth-dong-hung"}, all: true},
		{query: "kp dong hung", want: []string{"pth-dong-hung"}, all: true},
		// Codes, ignoring case.
		{query: "TAN-SON-NHI", want: []string{"tan-son-nhi"}},
		{query: "ab-cd", want: []string{"ab-cd"}, all: true},
		{query: "AB-C", want: []string{"ab-cd"}, all: true},
		// LIKE wildcards typed by a user are text: "_" does not match "-".
		{query: "ab_cd", want: []string{}, all: true},
		{query: "a%d", want: []string{}, all: true},
		// Nothing to search for finds nothing, not everything.
		{query: "", want: []string{}, all: true},
		{query: "   ", want: []string{}, all: true},
		{query: "...", want: []string{}, all: true},
		{query: "%", want: []string{}, all: true},
		{query: "_", want: []string{}, all: true},
		{query: "%_%", want: []string{}, all: true},
		// Exact (with the prefix stripped) before the start of a longer name.
		{query: "kp 3", want: []string{"pth-kp3"}},
		{query: "khu pho 1", want: []string{"pth-kp1", "tsn-kp1", "pth-kp10"}},
		{query: "khu pho 1", limit: 2, want: []string{"pth-kp1", "tsn-kp1"}, all: true},
		// A city by its abbreviations.
		{query: "TP.HCM", want: []string{"hcm"}},
		{query: "tphcm", want: []string{"hcm"}},
		{query: "Sài Gòn", want: []string{"hcm"}},
		// Words in another order.
		{query: "hoa tho phu", want: []string{"phu-tho-hoa"}, all: true},
		{query: "zzz", want: []string{}, all: true},
	} {
		t.Run(fmt.Sprintf("%q limit %d", tt.query, tt.limit), func(t *testing.T) {
			got, err := db.SearchAreas(ctx, tt.query, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			gotCodes := codes(got)
			if !tt.all && len(gotCodes) > len(tt.want) {
				gotCodes = gotCodes[:len(tt.want)]
			}
			if !reflect.DeepEqual(gotCodes, tt.want) {
				t.Errorf("SearchAreas(%q) = %v, want %v (all results: %v)", tt.query, gotCodes, tt.want, tt.all)
			}
		})
	}
}

func TestSearchAreas_Ranking(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	if _, err := db.ImportAreas(ctx, []store.Area{
		{Code: "city", Kind: store.KindCity, Name: "Thành phố"},
		{Code: "all-words", ParentCode: "city", Kind: store.KindWard, Name: "Phường Bình Hòa"},
		{Code: "substring", ParentCode: "city", Kind: store.KindWard, Name: "Phường Nhòa Bình"},
		{Code: "alias-exact", ParentCode: "city", Kind: store.KindWard, Name: "Phường Thạnh Lộc", Aliases: []string{"Hòa Bình"}},
		{Code: "exact-ward", ParentCode: "city", Kind: store.KindWard, Name: "Phường Hòa Bình"},
		{Code: "exact-quarter", ParentCode: "exact-ward", Kind: store.KindQuarter, Name: "Khu phố Hòa Bình"},
		{Code: "prefix", ParentCode: "exact-quarter", Kind: store.KindBuilding, Name: "Chung cư Hòa Bình Tower"},
		{Code: "unrelated", ParentCode: "city", Kind: store.KindWard, Name: "Phường Tân Định"},
	}); err != nil {
		t.Fatal(err)
	}
	got, err := db.SearchAreas(ctx, "hoà bình", 0)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"exact-ward", "exact-quarter", "alias-exact", "prefix", "substring", "all-words"}
	if !reflect.DeepEqual(codes(got), want) {
		t.Errorf("ranking\n%v, want\n%v", codes(got), want)
	}
}

func TestSearchAreas_DistinctAndLimit(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	var areas []store.Area
	areas = append(areas, store.Area{Code: "w", Kind: store.KindWard, Name: "Phường Tân Phú", Aliases: []string{"Tân Phú", "P. Tân Phú", "Tân Phú cũ"}})
	for i := 1; i <= 30; i++ {
		areas = append(areas, store.Area{Code: fmt.Sprintf("kp%d", i), ParentCode: "w", Kind: store.KindQuarter,
			Name: fmt.Sprintf("Khu phố %d Tân Phú", i), Aliases: []string{fmt.Sprintf("KP%d Tân Phú", i)}})
	}
	if _, err := db.ImportAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		limit, want int
	}{{0, 20}, {-1, 20}, {5, 5}, {100, 31}} {
		got, err := db.SearchAreas(ctx, "tan phu", tt.limit)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != tt.want {
			t.Errorf("limit %d: %d results, want %d", tt.limit, len(got), tt.want)
		}
		seen := map[string]bool{}
		for _, a := range got {
			if seen[a.Code] {
				t.Errorf("limit %d: %s returned twice", tt.limit, a.Code)
			}
			seen[a.Code] = true
		}
		if len(got) > 0 && got[0].Code != "w" {
			t.Errorf("limit %d: first %s, want the ward", tt.limit, got[0].Code)
		}
	}
}

func BenchmarkSearchAreas(b *testing.B) {
	db := MustOpenDB(b)
	ctx := context.Background()
	mustImportTanPhu(b, db)
	// A city's worth of khu phố and buildings: 5 wards x 40 khu phố x 5 buildings.
	var areas []store.Area
	for _, ward := range []string{"tay-thanh", "tan-son-nhi", "phu-tho-hoa", "phu-thanh", "tan-phu"} {
		for k := 1; k <= 40; k++ {
			kp := fmt.Sprintf("%s-kp%d", ward, k)
			areas = append(areas, store.Area{Code: kp, ParentCode: ward, Kind: store.KindQuarter, Name: fmt.Sprintf("Khu phố %d", k)})
			for c := 1; c <= 5; c++ {
				areas = append(areas, store.Area{Code: fmt.Sprintf("%s-cc%d", kp, c), ParentCode: kp, Kind: store.KindBuilding,
					Name: fmt.Sprintf("Chung cư Hòa Bình %d", c)})
			}
		}
	}
	if _, err := db.ImportAreas(ctx, areas); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		got, err := db.SearchAreas(ctx, "P. Phú Thọ Hoà", 10)
		if err != nil {
			b.Fatal(err)
		}
		if len(got) == 0 {
			b.Fatal("no result")
		}
	}
}
