package scheduler_test

import (
	"bytes"
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// mustOpenDB opens a database file that is closed when the test ends.
func mustOpenDB(tb testing.TB) *store.DB {
	tb.Helper()
	db, err := store.Open(filepath.Join(tb.TempDir(), "loaphuong.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestBuiltinCatalogue(t *testing.T) {
	entries := scheduler.BuiltinCatalogue()
	byKey := map[string]store.CatalogueEntry{}
	for _, e := range entries {
		byKey[e.Key] = e
	}
	// The movements of the source article, as campaign templates.
	for _, title := range []string{
		"Toàn dân đoàn kết xây dựng đời sống văn hóa",
		"Toàn dân bảo vệ an ninh Tổ quốc",
		"Người Việt Nam ưu tiên dùng hàng Việt Nam",
		"Chỉ thị 19-CT/TU",
		"không xả rác ra đường và kênh rạch, vì Thành phố sạch và giảm ngập nước",
		"15 phút vì thành phố văn minh - xanh - sạch - đẹp",
		"Chỉ thị 21-CT/TU",
	} {
		found := false
		for _, e := range entries {
			if e.Kind == store.EntryCampaign && strings.Contains(e.Title, title) {
				found = true
				if _, err := scheduler.Parse(e.Schedule); err != nil {
					t.Errorf("%s: schedule %q: %v", e.Key, e.Schedule, err)
				}
			}
		}
		if !found {
			t.Errorf("no campaign %q in the catalogue", title)
		}
	}
	if c := byKey["chi-thi-21-ct-tu-50-nam"]; c.Until.Format("2006-01-02") != "2025-04-30" {
		t.Errorf("Chỉ thị 21 until %v, want 2025-04-30", c.Until)
	}
	// The national and lunar days, with their dates.
	days := []struct {
		key      string
		calendar store.Calendar
		day, mon int
		title    string
	}{
		{"tet-nguyen-dan", store.Lunar, 1, 1, "Tết Nguyên Đán"},
		{"ram-thang-gieng", store.Lunar, 15, 1, "Rằm tháng Giêng"},
		{"gio-to-hung-vuong", store.Lunar, 10, 3, "Giỗ Tổ Hùng Vương"},
		{"tet-trung-thu", store.Lunar, 15, 8, "Tết Trung thu"},
		{"thanh-lap-dang", store.Solar, 3, 2, "Đảng Cộng sản Việt Nam"},
		{"quoc-te-phu-nu", store.Solar, 8, 3, "Quốc tế Phụ nữ"},
		{"giai-phong-mien-nam", store.Solar, 30, 4, "Giải phóng miền Nam"},
		{"quoc-te-lao-dong", store.Solar, 1, 5, "Quốc tế Lao động"},
		{"sinh-nhat-bac", store.Solar, 19, 5, "Chủ tịch Hồ Chí Minh"},
		{"quoc-te-thieu-nhi", store.Solar, 1, 6, "Thiếu nhi"},
		{"thuong-binh-liet-si", store.Solar, 27, 7, "Thương binh – Liệt sĩ"},
		{"an-ninh-to-quoc-19-8", store.Solar, 19, 8, "Toàn dân bảo vệ an ninh Tổ quốc"},
		{"quoc-khanh", store.Solar, 2, 9, "Quốc khánh"},
		{"phu-nu-viet-nam", store.Solar, 20, 10, "Phụ nữ Việt Nam"},
		{"dai-doan-ket", store.Solar, 18, 11, "Ngày hội Đại đoàn kết toàn dân tộc"},
		{"nha-giao-viet-nam", store.Solar, 20, 11, "Nhà giáo Việt Nam"},
		{"quan-doi-nhan-dan", store.Solar, 22, 12, "Quân đội nhân dân Việt Nam"},
	}
	for _, d := range days {
		e, ok := byKey[d.key]
		if !ok || e.Kind != store.EntryEvent || e.Calendar != d.calendar || e.Day != d.day || e.Month != d.mon || !strings.Contains(e.Title, d.title) {
			t.Errorf("%s = %+v, want %s %d/%d %q", d.key, e, d.calendar, d.day, d.mon, d.title)
		}
	}
	if e := byKey["giai-phong-mien-nam"]; e.Since != 1975 || !reflect.DeepEqual(e.Milestones, store.DefaultMilestones) {
		t.Errorf("30/4 = %+v, want since 1975 with the default milestones", e)
	}
}

func TestCatalogueRoundTrip(t *testing.T) {
	entries := scheduler.BuiltinCatalogue()
	var buf bytes.Buffer
	if err := scheduler.WriteCatalogue(&buf, entries); err != nil {
		t.Fatal(err)
	}
	again, err := scheduler.ReadCatalogue(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(entries, again) {
		t.Fatalf("round trip changed the catalogue:\n%+v\n%+v", entries, again)
	}
}

func TestReadCatalogueErrors(t *testing.T) {
	head := "kind,key,title,calendar,date,since,milestones,time,schedule,from,until,off,text\n"
	for name, body := range map[string]string{
		"empty":          "",
		"no key column":  "kind,title\nevent,x\n",
		"bad kind":       head + "party,k,T,,,,,,,,,,\n",
		"bad date":       head + "event,k,T,solar,30-4,,,,,,,,\n",
		"bad calendar":   head + "event,k,T,mayan,1/1,,,,,,,,\n",
		"bad milestones": head + "event,k,T,solar,1/1,,x,,,,,,\n",
		"bad time":       head + "event,k,T,solar,1/1,,0,7h,,,,,\n",
		"bad schedule":   head + "campaign,k,T,,,,,,every minute,,,,text\n",
		"bad until":      head + "campaign,k,T,,,,,,,,30/4/2025,,text\n",
		"bad off":        head + "campaign,k,T,,,,,,,,,maybe,text\n",
	} {
		_, err := scheduler.ReadCatalogue(strings.NewReader(body))
		if err == nil {
			t.Errorf("%s: no error", name)
		} else if name != "empty" && name != "no key column" && !strings.Contains(err.Error(), "line 2") {
			t.Errorf("%s: %v does not name line 2", name, err)
		}
	}
}

func TestEnsureCatalogue(t *testing.T) {
	db := mustOpenDB(t)
	ctx := context.Background()
	n, err := scheduler.EnsureCatalogue(ctx, db)
	if err != nil || n != len(scheduler.BuiltinCatalogue()) {
		t.Fatalf("EnsureCatalogue = %d, %v", n, err)
	}
	if n, err := scheduler.EnsureCatalogue(ctx, db); err != nil || n != 0 {
		t.Fatalf("again = %d, %v", n, err)
	}
	ts, _ := db.CampaignTemplates(ctx)
	es, _ := db.Events(ctx, false)
	if len(ts) != 6 || len(es) != len(scheduler.BuiltinCatalogue())-6 {
		t.Fatalf("%d templates, %d events", len(ts), len(es))
	}
}
