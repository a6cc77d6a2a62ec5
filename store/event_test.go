package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/loaphuong/loaphuong/store"
)

func TestEvents(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	areas := mustImportTanPhu(t, db)
	e := &store.Event{Title: "Ngày Giải phóng miền Nam, thống nhất đất nước", Calendar: store.Solar, Month: 4, Day: 30, Since: 1975,
		Milestones: []int{1, 100, 7, 30, 0, 7}, RemindAt: store.DefaultRemindAt, CreatedBy: 2001}
	if err := db.CreateEvent(ctx, e); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(e.Milestones, store.DefaultMilestones) {
		t.Errorf("milestones = %v, want %v", e.Milestones, store.DefaultMilestones)
	}
	local := &store.Event{Title: "Ngày truyền thống khu phố", Calendar: store.Lunar, Month: 3, Day: 10, AreaID: areas["pth-kp3"].ID, RemindAt: 8 * 60}
	if err := db.CreateEvent(ctx, local); err != nil {
		t.Fatal(err)
	}
	es, err := db.Events(ctx, false)
	if err != nil || len(es) != 2 || es[0].Since != 1975 || es[1].AreaCode != "pth-kp3" || es[1].Calendar != store.Lunar || len(es[1].Milestones) != 0 {
		t.Fatalf("events = %+v, %v", es, err)
	}
	if err := db.DeleteEvent(ctx, local.ID, 2001); err != nil {
		t.Fatal(err)
	}
	if _, err := db.EventByID(ctx, local.ID); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("deleted event: %v", err)
	}
	if err := db.DeleteEvent(ctx, local.ID, 2001); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("delete twice: %v", err)
	}

	for name, bad := range map[string]store.Event{
		"31/4":           {Title: "x", Calendar: store.Solar, Month: 4, Day: 31},
		"29/2/2025":      {Title: "x", Calendar: store.Solar, Year: 2025, Month: 2, Day: 29},
		"lunar day 31":   {Title: "x", Calendar: store.Lunar, Month: 1, Day: 31},
		"month 13":       {Title: "x", Calendar: store.Solar, Month: 13, Day: 1},
		"no calendar":    {Title: "x", Month: 1, Day: 1},
		"no title":       {Calendar: store.Solar, Month: 1, Day: 1},
		"since after":    {Title: "x", Calendar: store.Solar, Year: 2025, Month: 1, Day: 1, Since: 2030},
		"milestone":      {Title: "x", Calendar: store.Solar, Month: 1, Day: 1, Milestones: []int{-1}},
		"reminder at 24": {Title: "x", Calendar: store.Solar, Month: 1, Day: 1, RemindAt: 24 * 60},
	} {
		if err := db.CreateEvent(ctx, &bad); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("%s: err = %v, want EINVALID", name, err)
		}
	}
	// 29/2 every year is a date: it comes in leap years.
	if err := db.CreateEvent(ctx, &store.Event{Title: "29/2", Calendar: store.Solar, Month: 2, Day: 29}); err != nil {
		t.Errorf("29/2 yearly: %v", err)
	}
}

func TestParseMilestones(t *testing.T) {
	ms, err := store.ParseMilestones(" 7, 100,0 ,30,1,,7")
	if err != nil || !slices.Equal(ms, []int{100, 30, 7, 1, 0}) || store.FormatMilestones(ms) != "100,30,7,1,0" {
		t.Fatalf("ParseMilestones = %v, %v", ms, err)
	}
	if ms, err := store.ParseMilestones(""); err != nil || len(ms) != 0 {
		t.Fatalf("empty = %v, %v", ms, err)
	}
	for _, s := range []string{"a", "-1", "1001"} {
		if _, err := store.ParseMilestones(s); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("ParseMilestones(%q) = %v", s, err)
		}
	}
}

func TestImportCatalogue(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	entries := []store.CatalogueEntry{
		{Kind: store.EntryCampaign, Key: "15-phut", Title: "15 phút vì thành phố văn minh - xanh - sạch - đẹp", Text: "Ra quân", Schedule: "mỗi sáng Chủ nhật 7:00"},
		{Kind: store.EntryEvent, Key: "gio-to", Title: "Giỗ Tổ Hùng Vương", Calendar: store.Lunar, Month: 3, Day: 10, Milestones: []int{7, 1, 0}, RemindAt: 420},
		{Kind: store.EntryCampaign, Key: "hang-viet", Title: "Người Việt Nam ưu tiên dùng hàng Việt Nam", Text: "Ưu tiên hàng Việt", Off: true},
	}
	added, updated, err := db.ImportCatalogue(ctx, entries, false)
	if err != nil || added != 3 || updated != 0 {
		t.Fatalf("import = %d, %d, %v", added, updated, err)
	}
	// Laid again without overwrite, an edit stays.
	entries[1].Title = "Giỗ Tổ Hùng Vương (sửa)"
	if added, updated, err := db.ImportCatalogue(ctx, entries, false); err != nil || added != 0 || updated != 0 {
		t.Fatalf("again = %d, %d, %v", added, updated, err)
	}
	es, _ := db.Events(ctx, false)
	if len(es) != 1 || es[0].Title != "Giỗ Tổ Hùng Vương" || es[0].CatalogueKey != "gio-to" {
		t.Fatalf("events = %+v", es)
	}
	if added, updated, err := db.ImportCatalogue(ctx, entries, true); err != nil || added != 0 || updated != 3 {
		t.Fatalf("overwrite = %d, %d, %v", added, updated, err)
	}
	cat, err := db.Catalogue(ctx)
	if err != nil || len(cat) != 3 || cat[0].Key != "15-phut" || cat[1].Key != "hang-viet" || cat[2].Title != "Giỗ Tổ Hùng Vương (sửa)" ||
		cat[2].Calendar != store.Lunar || !slices.Equal(cat[2].Milestones, []int{7, 1, 0}) || cat[0].Schedule != "mỗi sáng Chủ nhật 7:00" {
		t.Fatalf("catalogue = %+v, %v", cat, err)
	}
	ts, err := db.CampaignTemplates(ctx)
	if err != nil || len(ts) != 1 || ts[0].Key != "15-phut" {
		t.Fatalf("offered templates = %+v, %v", ts, err)
	}
	if _, err := db.CampaignTemplate(ctx, "nope"); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("missing template: %v", err)
	}

	// A bad entry imports nothing.
	bad := append(slices.Clone(entries), store.CatalogueEntry{Kind: store.EntryEvent, Key: "x", Title: "Sai", Calendar: store.Solar, Month: 2, Day: 30})
	bad[0].Title = "Không được lưu"
	if _, _, err := db.ImportCatalogue(ctx, bad, true); store.ErrorCode(err) != store.EINVALID {
		t.Fatalf("bad import: %v", err)
	}
	if ts, _ := db.CampaignTemplates(ctx); ts[0].Title == "Không được lưu" {
		t.Fatal("a failed import changed the catalogue")
	}
	for name, e := range map[string]store.CatalogueEntry{
		"bad key":  {Kind: store.EntryCampaign, Key: "a b", Title: "x", Text: "y"},
		"bad kind": {Kind: "party", Key: "k", Title: "x", Text: "y"},
		"twice":    entries[0],
	} {
		list := []store.CatalogueEntry{e}
		if name == "twice" {
			list = append(list, e)
		}
		if _, _, err := db.ImportCatalogue(ctx, list, true); store.ErrorCode(err) != store.EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
}
