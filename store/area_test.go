package store_test

import (
	"context"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/loaphuong/loaphuong/store"
)

// tanPhuQuarters are khu phố added under the wards of the example file, as
// officials add their own. Their order here is not the order of a list.
var tanPhuQuarters = []store.Area{
	{Code: "pth-kp10", ParentCode: "phu-tho-hoa", Kind: store.KindQuarter, Name: "Khu phố 10"},
	{Code: "pth-kp2", ParentCode: "phu-tho-hoa", Kind: store.KindQuarter, Name: "Khu phố 2"},
	{Code: "pth-kp1", ParentCode: "phu-tho-hoa", Kind: store.KindQuarter, Name: "Khu phố 1", Aliases: []string{"KP1", "Tổ dân phố 1"}},
	{Code: "pth-kp3", ParentCode: "phu-tho-hoa", Kind: store.KindQuarter, Name: "Khu phố 3"},
	{Code: "pth-dong-hung", ParentCode: "phu-tho-hoa", Kind: store.KindQuarter, Name: "Khu phố Đông Hưng"},
	{Code: "pth-kp3-cc-ht", ParentCode: "pth-kp3", Kind: store.KindBuilding, Name: "Chung cư Hòa Thạnh"},
	{Code: "tsn-kp1", ParentCode: "tan-son-nhi", Kind: store.KindQuarter, Name: "Khu phố 1"},
}

// mustImportTanPhu imports testdata/tanphu-areas.csv and tanPhuQuarters,
// and returns the live areas by code.
func mustImportTanPhu(tb testing.TB, db *store.DB) map[string]store.Area {
	tb.Helper()
	ctx := context.Background()
	areas := mustReadCSVFile(tb, "testdata/tanphu-areas.csv")
	if n, err := db.ImportAreas(ctx, append(areas, tanPhuQuarters...)); err != nil {
		tb.Fatal(err)
	} else if want := len(areas) + len(tanPhuQuarters); n != want {
		tb.Fatalf("ImportAreas = %d, want %d", n, want)
	}
	return mustAreasByCode(tb, db)
}

// mustReadCSVFile reads an areas file.
func mustReadCSVFile(tb testing.TB, path string) []store.Area {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	areas, err := store.ReadAreasCSV(f)
	if err != nil {
		tb.Fatal(err)
	}
	return areas
}

// mustAreasByCode returns every live area, by code.
func mustAreasByCode(tb testing.TB, db *store.DB) map[string]store.Area {
	tb.Helper()
	list, err := db.ListAreas(context.Background())
	if err != nil {
		tb.Fatal(err)
	}
	byCode := map[string]store.Area{}
	for _, a := range list {
		byCode[a.Code] = a
	}
	return byCode
}

// codes returns the codes of areas, in order.
func codes(areas []store.Area) []string {
	cs := []string{}
	for _, a := range areas {
		cs = append(cs, a.Code)
	}
	return cs
}

func TestImportAreas_TanPhu(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	byCode := mustImportTanPhu(t, db)
	if len(byCode) != 6+len(tanPhuQuarters) {
		t.Fatalf("%d areas, want %d", len(byCode), 6+len(tanPhuQuarters))
	}

	pth, err := db.AreaByCode(ctx, "phu-tho-hoa")
	if err != nil {
		t.Fatal(err)
	}
	want := store.Area{
		ID:         pth.ID,
		Code:       "phu-tho-hoa",
		ParentID:   byCode["hcm"].ID,
		ParentCode: "hcm",
		Kind:       store.KindWard,
		Name:       "Phường Phú Thọ Hòa",
		Aliases:    []string{"P. Phú Thọ Hòa", "Phú Thọ Hoà", "Tân Quý", "Tân Thành"},
		Children:   5,
	}
	if !reflect.DeepEqual(*pth, want) {
		t.Errorf("AreaByCode(phu-tho-hoa) =\n%+v, want\n%+v", *pth, want)
	}

	hcm := byCode["hcm"]
	if hcm.ParentID != 0 || hcm.ParentCode != "" || hcm.Kind != store.KindCity || hcm.Children != 5 {
		t.Errorf("hcm = %+v, want a root city with 5 wards", hcm)
	}
	if got := byCode["pth-kp1"].Aliases; !reflect.DeepEqual(got, []string{"KP1", "Tổ dân phố 1"}) {
		t.Errorf("pth-kp1 aliases = %q", got)
	}

	byID, err := db.AreaByID(ctx, pth.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(byID, pth) {
		t.Errorf("AreaByID = %+v, want %+v", byID, pth)
	}
}

func TestAreaByCode_NotFound(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	mustImportTanPhu(t, db)
	// Codes are matched exactly: a deep link is case-sensitive.
	for _, code := range []string{"nope", "Phu-Tho-Hoa", "PHU-THO-HOA", "", "phu-tho-hoa "} {
		if _, err := db.AreaByCode(ctx, code); store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("AreaByCode(%q): %v, want %s", code, err, store.ENOTFOUND)
		}
	}
	if _, err := db.AreaByID(ctx, 12345); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("AreaByID(12345): %v, want %s", err, store.ENOTFOUND)
	}
}

func TestChildAreas_Order(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	byCode := mustImportTanPhu(t, db)

	for _, tt := range []struct {
		parent string
		want   []string
	}{
		// Folded names, numbers by value: 2 before 10; "Đông" sorts as "dong".
		{"phu-tho-hoa", []string{"pth-kp1", "pth-kp2", "pth-kp3", "pth-kp10", "pth-dong-hung"}},
		{"hcm", []string{"phu-thanh", "phu-tho-hoa", "tan-phu", "tan-son-nhi", "tay-thanh"}},
		{"pth-kp3", []string{"pth-kp3-cc-ht"}},
		{"pth-kp1", []string{}},
		{"", []string{"hcm"}},
	} {
		id := byCode[tt.parent].ID // 0 for "": the roots
		got, err := db.ChildAreas(ctx, id)
		if err != nil {
			t.Fatalf("ChildAreas(%s): %v", tt.parent, err)
		}
		if !reflect.DeepEqual(codes(got), tt.want) {
			t.Errorf("ChildAreas(%s) = %v, want %v", tt.parent, codes(got), tt.want)
		}
	}

	kids, err := db.ChildAreas(ctx, byCode["phu-tho-hoa"].ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range kids {
		want := 0
		if a.Code == "pth-kp3" {
			want = 1
		}
		if a.Children != want || a.ParentCode != "phu-tho-hoa" {
			t.Errorf("%s: Children %d, ParentCode %q; want %d, phu-tho-hoa", a.Code, a.Children, a.ParentCode, want)
		}
	}

	if _, err := db.ChildAreas(ctx, 98765); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("ChildAreas(missing): %v, want %s", err, store.ENOTFOUND)
	}
}

func TestListAreas_TreeOrder(t *testing.T) {
	db := MustOpenDB(t)
	mustImportTanPhu(t, db)
	list, err := db.ListAreas(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"hcm",
		"phu-thanh",
		"phu-tho-hoa", "pth-kp1", "pth-kp2", "pth-kp3", "pth-kp3-cc-ht", "pth-kp10", "pth-dong-hung",
		"tan-phu",
		"tan-son-nhi", "tsn-kp1",
		"tay-thanh",
	}
	if !reflect.DeepEqual(codes(list), want) {
		t.Errorf("ListAreas =\n%v, want\n%v", codes(list), want)
	}
	for _, a := range list {
		if a.Code == "tay-thanh" && (a.ParentCode != "hcm" || !reflect.DeepEqual(a.Aliases, []string{"P. Tây Thạnh", "Sơn Kỳ"})) {
			t.Errorf("tay-thanh = %+v, want ParentCode and Aliases filled", a)
		}
	}
}

func TestAreaPath(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	byCode := mustImportTanPhu(t, db)
	for _, tt := range []struct {
		code string
		want []string
	}{
		{"pth-kp3-cc-ht", []string{"hcm", "phu-tho-hoa", "pth-kp3", "pth-kp3-cc-ht"}},
		{"pth-kp3", []string{"hcm", "phu-tho-hoa", "pth-kp3"}},
		{"hcm", []string{"hcm"}},
	} {
		path, err := db.AreaPath(ctx, byCode[tt.code].ID)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(codes(path), tt.want) {
			t.Errorf("AreaPath(%s) = %v, want %v", tt.code, codes(path), tt.want)
		}
	}
	path, err := db.AreaPath(ctx, byCode["pth-kp3"].ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, a := range path[1:] {
		names = append(names, a.Name)
	}
	if got := strings.Join(names, " › "); got != "Phường Phú Thọ Hòa › Khu phố 3" {
		t.Errorf("breadcrumb %q", got)
	}
	if _, err := db.AreaPath(ctx, 424242); store.ErrorCode(err) != store.ENOTFOUND {
		t.Errorf("AreaPath(missing): %v, want %s", err, store.ENOTFOUND)
	}
}

func TestImportAreas_Upsert(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	before := mustImportTanPhu(t, db)

	// Re-import one khu phố renamed, with other aliases, moved to another
	// ward; and one building turned into... a building with a new name.
	n, err := db.ImportAreas(ctx, []store.Area{
		{Code: "pth-kp2", ParentCode: "tan-son-nhi", Kind: store.KindQuarter, Name: "Khu phố 2 mới", Aliases: []string{"KP2"}},
		{Code: "pth-kp1", ParentCode: "phu-tho-hoa", Kind: store.KindQuarter, Name: "Khu phố 1", Aliases: []string{"Tổ dân phố 1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("ImportAreas = %d, want 2", n)
	}
	kp2, err := db.AreaByCode(ctx, "pth-kp2")
	if err != nil {
		t.Fatal(err)
	}
	want := store.Area{
		ID: before["pth-kp2"].ID, Code: "pth-kp2",
		ParentID: before["tan-son-nhi"].ID, ParentCode: "tan-son-nhi",
		Kind: store.KindQuarter, Name: "Khu phố 2 mới", Aliases: []string{"KP2"},
	}
	if !reflect.DeepEqual(*kp2, want) {
		t.Errorf("after upsert\n%+v, want\n%+v", *kp2, want)
	}
	kp1, err := db.AreaByCode(ctx, "pth-kp1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(kp1.Aliases, []string{"Tổ dân phố 1"}) {
		t.Errorf("pth-kp1 aliases %q, want the dropped alias gone", kp1.Aliases)
	}
	if got := len(mustAreasByCode(t, db)); got != len(before) {
		t.Errorf("%d areas after upsert, want %d", got, len(before))
	}
}

func TestImportAreas_Errors(t *testing.T) {
	ctx := context.Background()
	good := []store.Area{
		{Code: "hcm", Kind: store.KindCity, Name: "Thành phố Hồ Chí Minh"},
		{Code: "w1", ParentCode: "hcm", Kind: store.KindWard, Name: "Phường Một"},
	}
	for _, tt := range []struct {
		name     string
		areas    []store.Area
		wantCode string   // in the message
		wantText []string // in the message
	}{
		{"bad code", []store.Area{{Code: "kp 1", ParentCode: "w1", Kind: store.KindQuarter, Name: "KP 1"}}, "kp 1", []string{"code"}},
		{"long code", []store.Area{{Code: strings.Repeat("a", 65), Kind: store.KindCity, Name: "X"}}, "aaaa", []string{"64"}},
		{"unknown kind", []store.Area{{Code: "q1", ParentCode: "hcm", Kind: "district", Name: "Quận 1"}}, "q1", []string{`unknown kind "district"`}},
		{"empty name", []store.Area{{Code: "kp1", ParentCode: "w1", Kind: store.KindQuarter, Name: "  "}}, "kp1", []string{"name is empty"}},
		{"bad utf-8", []store.Area{{Code: "kp1", ParentCode: "w1", Kind: store.KindQuarter, Name: "Khu ph\xff"}}, "kp1", []string{"UTF-8"}},
		{"duplicate", []store.Area{
			{Code: "kp1", ParentCode: "w1", Kind: store.KindQuarter, Name: "KP 1"},
			{Code: "kp1", ParentCode: "w1", Kind: store.KindQuarter, Name: "KP 1 again"},
		}, "kp1", []string{"twice"}},
		{"own parent", []store.Area{{Code: "kp1", ParentCode: "kp1", Kind: store.KindQuarter, Name: "KP 1"}}, "kp1", []string{"own parent"}},
		{"missing parent", []store.Area{{Code: "kp1", ParentCode: "w9", Kind: store.KindQuarter, Name: "KP 1"}}, "kp1", []string{`"w9"`}},
		{"parent later", []store.Area{
			{Code: "kp1", ParentCode: "w2", Kind: store.KindQuarter, Name: "KP 1"},
			{Code: "w2", ParentCode: "hcm", Kind: store.KindWard, Name: "Phường Hai"},
		}, "kp1", []string{`"w2"`, "earlier"}},
		{"ward inside quarter", []store.Area{
			{Code: "kp1", ParentCode: "w1", Kind: store.KindQuarter, Name: "KP 1"},
			{Code: "w2", ParentCode: "kp1", Kind: store.KindWard, Name: "Phường Hai"},
		}, "w2", []string{"ward", "quarter"}},
		{"cycle", []store.Area{
			{Code: "w3", ParentCode: "w1", Kind: store.KindWard, Name: "Phường Ba"},
			{Code: "w1", ParentCode: "w3", Kind: store.KindWard, Name: "Phường Một"},
		}, "w", []string{"inside it"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			db := MustOpenDB(t)
			if _, err := db.ImportAreas(ctx, good); err != nil {
				t.Fatal(err)
			}
			before, err := db.ListAreas(ctx)
			if err != nil {
				t.Fatal(err)
			}
			// The good rows go first: the bad one must undo them too.
			areas := append([]store.Area{
				{Code: "w1", ParentCode: "hcm", Kind: store.KindWard, Name: "Phường Một đổi tên"},
				{Code: "new-ward", ParentCode: "hcm", Kind: store.KindWard, Name: "Phường Mới"},
			}, tt.areas...)
			if tt.name == "cycle" { // it renames w1 itself
				areas = tt.areas
			}
			n, err := db.ImportAreas(ctx, areas)
			if store.ErrorCode(err) != store.EINVALID {
				t.Fatalf("ImportAreas: %d, %v; want %s", n, err, store.EINVALID)
			}
			msg := store.ErrorMessage(err)
			for _, s := range append([]string{tt.wantCode}, tt.wantText...) {
				if !strings.Contains(msg, s) {
					t.Errorf("message %q does not contain %q", msg, s)
				}
			}
			after, err := db.ListAreas(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(after, before) {
				t.Errorf("a failed import changed the areas:\n%+v\nwas\n%+v", after, before)
			}
		})
	}
}

func TestImportAreas_ReimportKeepsMerge(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	mustImportTanPhu(t, db)
	if err := db.MergeArea(ctx, "pth-kp2", "pth-kp1"); err != nil {
		t.Fatal(err)
	}
	// The operator imports the original file again.
	if _, err := db.ImportAreas(ctx, append(mustReadCSVFile(t, "testdata/tanphu-areas.csv"), tanPhuQuarters...)); err != nil {
		t.Fatal(err)
	}
	a, err := db.AreaByCode(ctx, "pth-kp2")
	if err != nil {
		t.Fatal(err)
	}
	if a.Code != "pth-kp1" {
		t.Errorf("after re-import, pth-kp2 leads to %s, want pth-kp1 still", a.Code)
	}
	if !reflect.DeepEqual(a.Aliases, []string{"KP1", "Tổ dân phố 1", "Khu phố 2"}) {
		t.Errorf("pth-kp1 aliases %q, want the merged name kept", a.Aliases)
	}
}

func TestAreaLabel(t *testing.T) {
	city := store.Area{Kind: store.KindCity, Name: "Thành phố Hồ Chí Minh"}
	ward := store.Area{Kind: store.KindWard, Name: "Phường Phú Thọ Hòa"}
	kp := store.Area{Kind: store.KindQuarter, Name: "Khu phố 3"}
	tests := []struct {
		path []store.Area
		want string
	}{
		{[]store.Area{city, ward, kp}, "Khu phố 3 · Phường Phú Thọ Hòa"},
		{[]store.Area{city, ward}, "Phường Phú Thọ Hòa"},
		{[]store.Area{city}, "Thành phố Hồ Chí Minh"},
		{[]store.Area{ward, kp}, "Khu phố 3 · Phường Phú Thọ Hòa"},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := store.AreaLabel(tt.path); got != tt.want {
			t.Errorf("AreaLabel(%d areas) = %q, want %q", len(tt.path), got, tt.want)
		}
	}
}
