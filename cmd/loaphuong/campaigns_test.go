package main_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
	main "github.com/loaphuong/loaphuong/cmd/loaphuong"
	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// addCampaign runs "campaigns add" and returns the new campaign's id.
func addCampaign(t *testing.T, env map[string]string, args ...string) int64 {
	t.Helper()
	out, errOut, err := run(t, env, append([]string{"campaigns", "add"}, args...)...)
	if err != nil {
		t.Fatalf("campaigns add: %v\n%s%s", err, out, errOut)
	}
	m := regexp.MustCompile(`campaign #(\d+)`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no campaign id in %q", out)
	}
	var id int64
	fmt.Sscan(m[1], &id)
	return id
}

func TestCampaignsCommand(t *testing.T) {
	db, env := broadcastWorld(t)
	id := addCampaign(t, env, "--area", "kp1-pth,kp2-pth", "--title", "Ngày Chủ nhật xanh", "--text", "Dọn vệ sinh <kênh> & đường",
		"--schedule", "mỗi sáng Chủ nhật 7:00", "--until", "2099-12-31")
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		c, err := s.CampaignByID(ctx, id)
		if err != nil || c.Title != "Ngày Chủ nhật xanh" || c.Text != "Dọn vệ sinh <kênh> & đường" || len(c.Schedules) != 2 ||
			c.Schedules[1].AreaCode != "kp2-pth" || c.Schedules[0].Spec != "mỗi sáng Chủ nhật 7:00" || c.Until.Format("2006-01-02") != "2099-12-31" {
			t.Fatalf("campaign = %+v, %v", c, err)
		}
	})
	out, _, err := run(t, env, "campaigns", "list")
	if err != nil || !strings.Contains(out, "Ngày Chủ nhật xanh") || !strings.Contains(out, "kp2-pth") || !strings.Contains(out, "active") {
		t.Fatalf("campaigns list: %q %v", out, err)
	}
	// Its next reminder is a Sunday at 7:00.
	next := regexp.MustCompile(`\d{4}-\d{2}-\d{2} 07:00`).FindString(out)
	if d, err := time.ParseInLocation("2006-01-02 15:04", next, store.Zone); err != nil || d.Weekday() != time.Sunday {
		t.Errorf("next reminder %q is not a Sunday 7:00:\n%s", next, out)
	}

	for _, step := range []struct{ verb, want, status string }{
		{"pause", "paused", "paused"}, {"resume", "resumed", "active"}, {"end", "ended", "ended"},
	} {
		out, _, err := run(t, env, "campaigns", step.verb, fmt.Sprint(id))
		if err != nil || !strings.Contains(out, step.want) {
			t.Fatalf("campaigns %s: %q %v", step.verb, out, err)
		}
		withDB(t, db, func(ctx context.Context, s *store.DB) {
			if c, _ := s.CampaignByID(ctx, id); string(c.Status) != step.status {
				t.Fatalf("after %s: status %s", step.verb, c.Status)
			}
		})
	}
	if _, _, err := run(t, env, "campaigns", "resume", fmt.Sprint(id)); main.ExitCode(err) != 2 || !strings.Contains(err.Error(), "ended") {
		t.Fatalf("resume an ended campaign: %v", err)
	}
	if out, _, _ := run(t, env, "campaigns", "list"); !strings.Contains(out, "no campaigns") {
		t.Errorf("ended campaigns listed:\n%s", out)
	}
	if out, _, _ := run(t, env, "campaigns", "list", "--all"); !strings.Contains(out, "ended") {
		t.Errorf("--all does not list the ended one:\n%s", out)
	}
	// The audit log has the command line's actions.
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		log, _ := s.AuditLog(ctx, 0, 10)
		if len(log) < 4 || log[0].Action != "campaign_end" || log[3].Action != "campaign_create" {
			t.Errorf("audit = %+v", log)
		}
	})
}

func TestCampaignsFromCatalogue(t *testing.T) {
	db, env := broadcastWorld(t)
	id := addCampaign(t, env, "--area", "kp1-pth", "--catalogue", "15-phut-xanh-sach-dep", "--schedule", "mỗi sáng thứ Bảy 6:30")
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		c, _ := s.CampaignByID(ctx, id)
		if c.CatalogueKey != "15-phut-xanh-sach-dep" || !strings.Contains(c.Title, "15 phút vì thành phố văn minh - xanh - sạch - đẹp") ||
			c.Text == "" || c.Schedules[0].Spec != "mỗi sáng thứ Bảy 6:30" {
			t.Fatalf("campaign = %+v", c)
		}
	})
}

func TestCampaignsBadInput(t *testing.T) {
	_, env := broadcastWorld(t)
	base := []string{"campaigns", "add", "--area", "kp1-pth", "--title", "T", "--text", "X"}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"no area":        {[]string{"campaigns", "add", "--title", "T", "--text", "X", "--schedule", "mỗi ngày"}, "--area"},
		"unknown area":   {[]string{"campaigns", "add", "--area", "nope", "--title", "T", "--text", "X", "--schedule", "mỗi ngày"}, "no area"},
		"no schedule":    {base, "--schedule"},
		"bad schedule":   {append(base, "--schedule", "thỉnh thoảng"), "not a schedule"},
		"too often":      {append(base, "--schedule", "*/5 * * * *"), "more often than once an hour"},
		"bad day":        {append(base, "--schedule", "mỗi ngày", "--from", "1/5/2026"), "YYYY-MM-DD"},
		"ended":          {append(base, "--schedule", "mỗi ngày", "--until", "2020-01-01"), "has passed"},
		"ends before":    {append(base, "--schedule", "mỗi ngày", "--from", "2099-05-01", "--until", "2099-04-30"), "before it starts"},
		"no catalogue":   {[]string{"campaigns", "add", "--area", "kp1-pth", "--catalogue", "nope"}, "no campaign"},
		"unknown verb":   {[]string{"campaigns", "launch"}, "unknown command"},
		"no id":          {[]string{"campaigns", "pause"}, "number"},
		"missing id":     {[]string{"campaigns", "pause", "999"}, "not found"},
		"no title":       {[]string{"campaigns", "add", "--area", "kp1-pth", "--text", "X", "--schedule", "mỗi ngày"}, "--title"},
		"events unknown": {[]string{"events", "soon"}, "unknown command"},
	} {
		t.Run(name, func(t *testing.T) {
			_, _, err := run(t, env, tc.args...)
			if main.ExitCode(err) != 2 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v (exit %d), want a usage error with %q", err, main.ExitCode(err), tc.want)
			}
		})
	}
}

func TestEventsUpcoming(t *testing.T) {
	db, env := broadcastWorld(t)
	out, _, err := run(t, env, "events", "upcoming", "--days", "366")
	if err != nil {
		t.Fatal(err)
	}
	// Every national day of the catalogue comes within a year, with its date.
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) < 20 || !strings.HasPrefix(lines[0], "DATE") {
		t.Fatalf("events upcoming:\n%s", out)
	}
	dated := regexp.MustCompile(`^\d{4}-\d{2}-\d{2} `)
	for _, l := range lines[1:] {
		if !dated.MatchString(l) {
			t.Errorf("line without a date: %q", l)
		}
	}
	for _, want := range []string{"Ngày Giải phóng miền Nam, thống nhất đất nước, kỷ niệm", "Giỗ Tổ Hùng Vương", "(10/3 âm lịch)",
		"Quốc khánh", "Tết Nguyên Đán", "Ngày hội Đại đoàn kết toàn dân tộc"} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in:\n%s", want, out)
		}
	}
	// An event of one khu phố shows for it, not for another.
	o, _, err := run(t, env, "events", "add", "--title", "Ngày truyền thống Khu phố 1", "--date", "15/1", "--lunar", "--area", "kp1-pth",
		"--since", "1976", "--milestones", "7,0", "--at", "08:00")
	if err != nil || !strings.Contains(o, "event #") {
		t.Fatalf("events add: %q %v", o, err)
	}
	kp1, _, _ := run(t, env, "events", "upcoming", "--days", "400", "--area", "kp1-pth")
	kp2, _, _ := run(t, env, "events", "upcoming", "--days", "400", "--area", "kp2-pth")
	if !strings.Contains(kp1, "Ngày truyền thống Khu phố 1") || strings.Contains(kp2, "Ngày truyền thống Khu phố 1") || !strings.Contains(kp2, "Quốc khánh") {
		t.Errorf("kp1:\n%s\nkp2:\n%s", kp1, kp2)
	}
	// A few days ahead: only what falls in them, soonest first.
	short, _, _ := run(t, env, "events", "upcoming", "--days", "3")
	now := time.Now().In(store.Zone)
	for _, l := range strings.Split(strings.TrimSpace(short), "\n")[1:] {
		if !dated.MatchString(l) {
			continue
		}
		d, _ := time.ParseInLocation("2006-01-02", l[:10], store.Zone)
		if d.Before(now.AddDate(0, 0, -1)) || d.After(now.AddDate(0, 0, 4)) {
			t.Errorf("%q is not within 3 days", l)
		}
	}
	if _, _, err := run(t, env, "events", "upcoming", "--days", "-1"); main.ExitCode(err) != 2 {
		t.Errorf("--days -1: %v", err)
	}
	if _, _, err := run(t, env, "events", "add", "--title", "x", "--date", "31/4"); main.ExitCode(err) != 2 {
		t.Errorf("31/4: %v", err)
	}
	list, _, _ := run(t, env, "events", "list")
	if !strings.Contains(list, "giai-phong-mien-nam") || !strings.Contains(list, "Ngày truyền thống Khu phố 1") {
		t.Errorf("events list:\n%s", list)
	}
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		es, _ := s.Events(ctx, false)
		last := es[len(es)-1]
		if last.Calendar != store.Lunar || last.Since != 1976 || last.RemindAt != 8*60 || len(last.Milestones) != 2 {
			t.Errorf("event = %+v", last)
		}
		if _, _, err := run(t, env, "events", "remove", fmt.Sprint(last.ID)); err != nil {
			t.Errorf("events remove: %v", err)
		}
		if _, _, err := run(t, env, "events", "remove", fmt.Sprint(es[0].ID)); main.ExitCode(err) != 2 || !strings.Contains(err.Error(), "catalogue") {
			t.Errorf("removing a catalogue event: %v", err)
		}
	})
}

func TestCatalogueExportImport(t *testing.T) {
	db, env := broadcastWorld(t)
	file := t.TempDir() + "/catalogue.csv"
	out, _, err := run(t, env, "catalogue", "export", file)
	if err != nil || !strings.Contains(out, fmt.Sprintf("wrote %d entries", len(scheduler.BuiltinCatalogue()))) {
		t.Fatalf("export: %q %v", out, err)
	}
	stdout, _, _ := run(t, env, "catalogue", "export")
	if !strings.HasPrefix(stdout, "kind,key,title,calendar,date,since,milestones,time,schedule,from,until,off,text\n") {
		t.Fatalf("export to stdout:\n%s", stdout)
	}
	// The operator switches Lễ Vu Lan off and gives 30/4 a longer countdown.
	edited := strings.Replace(stdout, "event,le-vu-lan,Lễ Vu Lan,lunar,15/7,,0,07:00,,,,,", "event,le-vu-lan,Lễ Vu Lan,lunar,15/7,,0,07:00,,,,1,", 1)
	edited = strings.Replace(edited, `30/4,1975,"100,30,7,1,0"`, `30/4,1975,"200,100,30,7,1,0"`, 1)
	edited += "event,truyen-thong-phuong,Ngày truyền thống Phường Phú Thọ Hòa,solar,12/9,2025,\"7,0\",07:30,,,,,\n"
	if edited == stdout {
		t.Fatal("the edit did not apply")
	}
	writeFile(t, file, edited)
	out, _, err = run(t, env, "catalogue", "import", file)
	if err != nil || !strings.Contains(out, "1 added") {
		t.Fatalf("import: %q %v", out, err)
	}
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		es, _ := s.Events(ctx, true)
		for _, e := range es {
			switch e.CatalogueKey {
			case "le-vu-lan":
				if !e.Off {
					t.Error("Lễ Vu Lan is not off")
				}
			case "giai-phong-mien-nam":
				if store.FormatMilestones(e.Milestones) != "200,100,30,7,1,0" {
					t.Errorf("30/4 milestones = %v", e.Milestones)
				}
			}
		}
		if es[len(es)-1].CatalogueKey != "truyen-thong-phuong" || es[len(es)-1].RemindAt != 7*60+30 {
			t.Errorf("new entry = %+v", es[len(es)-1])
		}
	})
	// A bad file imports nothing and says which line.
	writeFile(t, file, "kind,key,title,calendar,date\nevent,x,X,solar,31/4\n")
	if _, _, err := run(t, env, "catalogue", "import", file); main.ExitCode(err) != 2 || !strings.Contains(err.Error(), "nothing imported") {
		t.Errorf("bad import: %v", err)
	}
}

// TestServeBadCatchUp: --catch-up and LOAPHUONG_CATCH_UP are checked.
func TestServeBadCatchUp(t *testing.T) {
	srv := telegramtest.NewServer(telegramtest.Options{Token: token})
	defer srv.Close()
	db := t.TempDir() + "/x.db"
	env := map[string]string{"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": srv.URL, "LOAPHUONG_DB": db}
	for _, args := range [][]string{{"serve", "--catch-up", "soon"}, {"serve", "--catch-up", "-1h"}} {
		if _, _, err := run(t, env, args...); main.ExitCode(err) != 2 {
			t.Errorf("%v: %v", args, err)
		}
	}
	env["LOAPHUONG_CATCH_UP"] = "two hours"
	if _, _, err := run(t, env, "serve"); main.ExitCode(err) != 2 || !strings.Contains(err.Error(), "LOAPHUONG_CATCH_UP") {
		t.Errorf("bad LOAPHUONG_CATCH_UP: %v", err)
	}
}
