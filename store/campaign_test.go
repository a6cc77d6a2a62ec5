package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// mustCampaign creates a campaign with one schedule per area.
func mustCampaign(tb testing.TB, db *store.DB, spec string, areas ...store.Area) *store.Campaign {
	tb.Helper()
	c := &store.Campaign{Title: "Ngày Chủ nhật xanh", Text: "Mời bà con ra quân dọn vệ sinh <đường phố> & kênh rạch.", CreatedBy: 2001}
	for _, a := range areas {
		c.Schedules = append(c.Schedules, store.CampaignSchedule{AreaID: a.ID, Spec: spec})
	}
	if err := db.CreateCampaign(context.Background(), c); err != nil {
		tb.Fatal(err)
	}
	return c
}

func TestCreateCampaign(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	areas := mustImportTanPhu(t, db)
	v0, err := db.ScheduleVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	c := mustCampaign(t, db, "0 7 * * 0", areas["pth-kp1"], areas["pth-kp3"])
	got, err := db.CampaignByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != "Ngày Chủ nhật xanh" || got.Status != store.CampaignActive || got.CreatedBy != 2001 || len(got.Schedules) != 2 ||
		got.Schedules[0].AreaCode != "pth-kp1" || got.Schedules[1].Spec != "0 7 * * 0" || got.ActiveSince.IsZero() {
		t.Fatalf("campaign = %+v", got)
	}
	if v, _ := db.ScheduleVersion(ctx); v == v0 {
		t.Error("creating a campaign did not change the schedule version")
	}
	log, err := db.AuditLog(ctx, 2001, 10)
	if err != nil || len(log) == 0 || log[0].Action != "campaign_create" || log[0].AreaID != areas["pth-kp1"].ID {
		t.Fatalf("audit = %+v, %v", log, err)
	}

	due, err := db.ActiveSchedules(ctx, time.Now())
	if err != nil || len(due) != 2 || due[0].CampaignID != c.ID || due[0].Spec != "0 7 * * 0" {
		t.Fatalf("ActiveSchedules = %+v, %v", due, err)
	}
}

func TestCreateCampaign_Invalid(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	areas := mustImportTanPhu(t, db)
	kp1 := store.CampaignSchedule{AreaID: areas["pth-kp1"].ID, Spec: "0 7 * * 0"}
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation("2006-01-02", s, store.Zone)
		return d
	}
	for name, c := range map[string]store.Campaign{
		"no title":        {Text: "x", Schedules: []store.CampaignSchedule{kp1}},
		"no text":         {Title: "x", Text: "  ", Schedules: []store.CampaignSchedule{kp1}},
		"no area":         {Title: "x", Text: "y"},
		"no schedule":     {Title: "x", Text: "y", Schedules: []store.CampaignSchedule{{AreaID: kp1.AreaID}}},
		"unknown area":    {Title: "x", Text: "y", Schedules: []store.CampaignSchedule{{AreaID: 99999, Spec: "0 7 * * *"}}},
		"area twice":      {Title: "x", Text: "y", Schedules: []store.CampaignSchedule{kp1, kp1}},
		"ends before":     {Title: "x", Text: "y", From: day("2026-05-01"), Until: day("2026-04-30"), Schedules: []store.CampaignSchedule{kp1}},
		"title too long":  {Title: string(make([]rune, store.MaxCampaignTitle+1)), Text: "y", Schedules: []store.CampaignSchedule{kp1}},
		"invalid unicode": {Title: "\xff", Text: "y", Schedules: []store.CampaignSchedule{kp1}},
	} {
		t.Run(name, func(t *testing.T) {
			c := c
			err := db.CreateCampaign(ctx, &c)
			if code := store.ErrorCode(err); code != store.EINVALID && code != store.ENOTFOUND {
				t.Fatalf("err = %v (%s), want EINVALID or ENOTFOUND", err, code)
			}
		})
	}
	if cs, err := db.Campaigns(ctx, true); err != nil || len(cs) != 0 {
		t.Fatalf("after refusals: %d campaigns, %v", len(cs), err)
	}
}

func TestCampaignStatus(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	areas := mustImportTanPhu(t, db)
	now := time.Date(2026, 3, 1, 8, 0, 0, 0, store.Zone)
	db.Now = func() time.Time { return now }
	c := mustCampaign(t, db, "0 7 * * *", areas["pth-kp1"])

	now = now.Add(time.Hour)
	if err := db.SetCampaignStatus(ctx, c.ID, store.CampaignPaused, 2001); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.ActiveSchedules(ctx, now); len(due) != 0 {
		t.Fatalf("a paused campaign has active schedules %+v", due)
	}
	if err := db.SetCampaignStatus(ctx, c.ID, store.CampaignPaused, 2001); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("pause twice: %v", err)
	}
	now = now.Add(48 * time.Hour)
	if err := db.SetCampaignStatus(ctx, c.ID, store.CampaignActive, 2001); err != nil {
		t.Fatal(err)
	}
	// Resuming starts afresh: the days of the pause are not caught up.
	due, err := db.ActiveSchedules(ctx, now)
	if err != nil || len(due) != 1 || !due[0].Since.Equal(now) {
		t.Fatalf("after resume: %+v, %v; want since %v", due, err, now)
	}
	if err := db.SetCampaignStatus(ctx, c.ID, store.CampaignEnded, 2002); err != nil {
		t.Fatal(err)
	}
	if err := db.SetCampaignStatus(ctx, c.ID, store.CampaignActive, 2001); store.ErrorCode(err) != store.ECONFLICT {
		t.Fatalf("resume an ended campaign: %v", err)
	}
	if err := db.SetCampaignStatus(ctx, 424242, store.CampaignPaused, 2001); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("pause a missing campaign: %v", err)
	}
	if cs, _ := db.Campaigns(ctx, false); len(cs) != 0 {
		t.Fatalf("ended campaigns listed: %+v", cs)
	}
	if cs, _ := db.Campaigns(ctx, true); len(cs) != 1 || cs[0].Status != store.CampaignEnded {
		t.Fatalf("with ended: %+v", cs)
	}
	var actions []string
	log, _ := db.AuditLog(ctx, 0, 10)
	for _, e := range log {
		actions = append(actions, e.Action)
	}
	want := []string{"campaign_end", "campaign_resume", "campaign_pause", "campaign_create"}
	for i, a := range want {
		if i >= len(actions) || actions[i] != a {
			t.Fatalf("audit actions = %v, want %v first", actions, want)
		}
	}
}

func TestActiveSchedules_EndedDays(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	areas := mustImportTanPhu(t, db)
	c := &store.Campaign{Title: "Hướng đến 30/4", Text: "Treo cờ", Until: time.Date(2025, 4, 30, 0, 0, 0, 0, store.Zone),
		Schedules: []store.CampaignSchedule{{AreaID: areas["pth-kp1"].ID, Spec: "0 7 * * *"}}}
	if err := db.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}
	if due, _ := db.ActiveSchedules(ctx, time.Date(2025, 4, 30, 12, 0, 0, 0, store.Zone)); len(due) != 1 {
		t.Fatalf("on its last day: %+v", due)
	}
	if due, _ := db.ActiveSchedules(ctx, time.Date(2025, 5, 1, 0, 0, 0, 0, store.Zone)); len(due) != 0 {
		t.Fatalf("after its last day: %+v", due)
	}
}

func TestCampaignDrafts(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	d := store.CampaignDraft{UserID: 7, ChatID: 7, Step: "areas", Title: "Tiêu đề", Text: "Nội dung", Areas: []int64{3, 5},
		From: time.Date(2026, 1, 2, 0, 0, 0, 0, store.Zone), Spec: "mỗi ngày 7:00", MessageID: 12}
	if err := db.SaveCampaignDraft(ctx, d); err != nil {
		t.Fatal(err)
	}
	got, err := db.CampaignDraftOf(ctx, 7)
	if err != nil || got.Step != "areas" || len(got.Areas) != 2 || got.Areas[1] != 5 || !got.From.Equal(d.From) || !got.Until.IsZero() ||
		got.Spec != d.Spec || got.MessageID != 12 {
		t.Fatalf("draft = %+v, %v", got, err)
	}
	if err := db.DeleteCampaignDraft(ctx, 7); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CampaignDraftOf(ctx, 7); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("after delete: %v", err)
	}
}
