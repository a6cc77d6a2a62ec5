package bot_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// startCampaigns runs a bot for officials whose campaign changes are
// counted, with the built-in catalogue in its store.
func startCampaigns(tb testing.TB) (*env, *atomic.Int64) {
	tb.Helper()
	srv := telegramtest.NewServer(telegramtest.Options{Token: testToken})
	tb.Cleanup(srv.Close)
	db := MustOpenDB(tb, filepath.Join(tb.TempDir(), "test.db"))
	seedAreas(tb, db)
	if _, err := scheduler.EnsureCatalogue(context.Background(), db); err != nil {
		tb.Fatal(err)
	}
	var changed atomic.Int64
	cfg := officialsConfig()
	cfg.SchedulesChanged = func() { changed.Add(1) }
	e := runBot(tb, srv, db, cfg)
	tb.Cleanup(func() {
		if strings.Contains(e.logs.String(), "level=ERROR") {
			tb.Errorf("errors logged:\n%s", e.logs.String())
		}
	})
	return e, &changed
}

// campaigns returns every campaign with the ended ones, newest first.
func (e *env) campaigns(tb testing.TB) []store.Campaign {
	tb.Helper()
	cs, err := e.db.Campaigns(context.Background(), true)
	if err != nil {
		tb.Fatal(err)
	}
	return cs
}

func TestCampaignFlow(t *testing.T) {
	e, changed := startCampaigns(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	e.residents(t, "kp3-phu-tho-hoa", 3001)

	e.say(t, wardOff, "/campaigns")
	m := e.last(t, wardOff.ID)
	if !strings.Contains(m.Text, "Phong trào, cuộc vận động") || !strings.Contains(m.Text, "Chưa có phong trào") ||
		!hasButton(m, "➕ Tạo phong trào mới") || !hasButton(m, "📚 Bật từ danh mục") {
		t.Fatalf("/campaigns = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, wardOff, "➕ Tạo phong trào mới")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "bước 1/5") {
		t.Fatalf("step 1 = %q", m.Text)
	}
	const title, text = "Ngày <Chủ nhật> xanh", "Mời bà con dọn vệ sinh & trồng cây."
	e.say(t, wardOff, title)
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "bước 2/5") || !strings.Contains(m.Text, title) {
		t.Fatalf("step 2 = %q", m.Text)
	}
	e.say(t, wardOff, text)
	m = e.last(t, wardOff.ID)
	if !strings.Contains(m.Text, "bước 3/5") || !hasButton(m, "Khu phố 1") || !hasButton(m, "☑️ Chọn cả Phường Phú Thọ Hòa") {
		t.Fatalf("step 3 = %q, buttons %v", m.Text, labels(m))
	}
	if a := e.tap(t, wardOff, "Khu phố 1"); a.Text != "Đã chọn" {
		t.Fatalf("choosing Khu phố 1 answered %+v", a)
	}
	if m := e.last(t, wardOff.ID); !hasButton(m, "✅ Khu phố 1") || !hasButton(m, "✅ Xong, chọn lịch (1 khu vực)") {
		t.Fatalf("after choosing: buttons %v", labels(m))
	}
	e.tap(t, wardOff, "Khu phố 3") // it has a building inside: it opens
	e.tap(t, wardOff, "☑️ Chọn cả Khu phố 3")
	e.tap(t, wardOff, "✅ Xong, chọn lịch (2 khu vực)")
	m = e.last(t, wardOff.ID)
	if !strings.Contains(m.Text, "bước 4/5") || !hasButton(m, "🗓 "+scheduler.PresetSunday) || !hasButton(m, "🗓 "+scheduler.PresetLunar) {
		t.Fatalf("step 4 = %q, buttons %v", m.Text, labels(m))
	}
	e.say(t, wardOff, "thỉnh thoảng")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "chưa hiểu lịch này") {
		t.Fatalf("a bad schedule = %q", m.Text)
	}
	e.say(t, wardOff, "*/10 * * * *")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "ít nhất một giờ") {
		t.Fatalf("a schedule too often = %q", m.Text)
	}
	e.tap(t, wardOff, "🗓 "+scheduler.PresetSunday)
	if m := e.find(t, wardOff.ID, "bước 5/5"); !hasButton(m, "♾ Từ nay, không hẹn ngày kết thúc") {
		t.Fatalf("step 5 = %q, buttons %v", m.Text, labels(m))
	}
	e.say(t, wardOff, "31/2/2099")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "chưa hiểu khoảng thời gian") {
		t.Fatalf("a bad day = %q", m.Text)
	}
	before := len(e.srv.Messages(wardOff.ID))
	e.say(t, wardOff, "đến 31/12/2099")
	msgs := e.srv.Messages(wardOff.ID)
	if len(msgs) != before+2 {
		t.Fatalf("%d new messages after the days, want the preview and the controls", len(msgs)-before)
	}
	preview, control := msgs[len(msgs)-2], msgs[len(msgs)-1]
	if want := scheduler.CampaignReminder("Khu phố 1 · Phường Phú Thọ Hòa", title, text); preview.HTML != want {
		t.Fatalf("preview = %q, want %q", preview.HTML, want)
	}
	for _, want := range []string{"Khu phố 1 · Phường Phú Thọ Hòa; Khu phố 3 · Phường Phú Thọ Hòa", scheduler.PresetSunday,
		"đến hết 31/12/2099", "Chủ nhật", "Hiện có <b>1</b> nơi nhận"} {
		if !strings.Contains(control.HTML, want) {
			t.Errorf("controls %q lack %q", control.HTML, want)
		}
	}
	e.tap(t, wardOff, "✅ Bắt đầu nhắc")
	cs := e.campaigns(t)
	if len(cs) != 1 {
		t.Fatalf("%d campaigns, want 1", len(cs))
	}
	c := cs[0]
	if c.Title != title || c.Text != text || c.CreatedBy != wardOff.ID || len(c.Schedules) != 2 || c.Schedules[0].AreaCode != "kp1-phu-tho-hoa" ||
		c.Schedules[1].AreaCode != "kp3-phu-tho-hoa" || c.Schedules[0].Spec != scheduler.PresetSunday || c.Until.Format("2006-01-02") != "2099-12-31" {
		t.Fatalf("campaign = %+v", c)
	}
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "Đã bắt đầu phong trào #") || len(m.Buttons) != 0 {
		t.Fatalf("after start = %q, buttons %v", m.Text, labels(m))
	}
	if changed.Load() != 1 {
		t.Errorf("the scheduler was told %d times, want 1", changed.Load())
	}
	e.wantAudit(t, wardOff.ID, "campaign_create", areaOf(t, e.db, "kp1-phu-tho-hoa"))
	if e.hasCampaignDraft(t, wardOff) {
		t.Error("the draft outlived its campaign")
	}

	// Pause, resume, end from the list.
	e.say(t, wardOff, "/campaigns")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "▶️ đang nhắc") || !strings.Contains(m.Text, "Lần nhắc tới") {
		t.Fatalf("list = %q", m.Text)
	}
	pause := "⏸ Dừng #" + itoa(c.ID)
	if a := e.tap(t, wardOff, pause); a.Text != "Đã tạm dừng" {
		t.Fatalf("pause answered %+v", a)
	}
	if c := e.campaigns(t)[0]; c.Status != store.CampaignPaused {
		t.Fatalf("after pause: %s", c.Status)
	}
	e.wantAudit(t, wardOff.ID, "campaign_pause", 0)
	e.tap(t, wardOff, "▶️ Tiếp #"+itoa(c.ID))
	if c := e.campaigns(t)[0]; c.Status != store.CampaignActive {
		t.Fatalf("after resume: %s", c.Status)
	}

	// A khu phố official of Khu phố 3 alone may not manage it (Khu phố 1 is
	// not theirs), even with forged data; nor may a stranger.
	e.grant(t, kpOff, "kp3-phu-tho-hoa")
	e.say(t, kpOff, "/campaigns")
	m = e.last(t, kpOff.ID)
	if strings.Contains(m.Text, title) || hasButton(m, pause) {
		t.Fatalf("kp official sees %q, buttons %v", m.Text, labels(m))
	}
	if a := e.forge(t, kpOff, m.MessageID, "ce:"+itoa(c.ID)); !a.ShowAlert || !strings.Contains(a.Text, "không có quyền") {
		t.Fatalf("forged end answered %+v", a)
	}
	e.wantAudit(t, kpOff.ID, "refused", areaOf(t, e.db, "kp1-phu-tho-hoa"))
	e.say(t, stranger, "/campaigns")
	if m := e.last(t, stranger.ID); !strings.Contains(m.Text, "chỉ dành cho cán bộ") {
		t.Fatalf("stranger got %q", m.Text)
	}
	if c := e.campaigns(t)[0]; c.Status != store.CampaignActive {
		t.Fatalf("a refused press changed the campaign: %s", c.Status)
	}

	e.tap(t, wardOff, "⏹ Kết thúc #"+itoa(c.ID))
	if c := e.campaigns(t)[0]; c.Status != store.CampaignEnded {
		t.Fatalf("after end: %s", c.Status)
	}
	if changed.Load() != 4 {
		t.Errorf("the scheduler was told %d times, want 4", changed.Load())
	}
}

func TestCampaignFromCatalogue(t *testing.T) {
	e, _ := startCampaigns(t)
	e.grant(t, kpOff, "kp3-phu-tho-hoa")
	e.say(t, kpOff, "/campaigns")
	e.tap(t, kpOff, "📚 Bật từ danh mục")
	m := e.last(t, kpOff.ID)
	var label string
	for _, l := range labels(m) {
		if strings.Contains(l, "15 phút vì thành phố") {
			label = l
		}
		if strings.Contains(l, "Chỉ thị 21-CT/TU") {
			t.Errorf("a campaign whose last day has passed is offered: %q", l)
		}
	}
	if label == "" || !strings.Contains(m.Text, "Danh mục") {
		t.Fatalf("catalogue = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, kpOff, label)
	m = e.last(t, kpOff.ID)
	if !strings.Contains(m.Text, "Bật phong trào từ danh mục") || !hasButton(m, "Chung cư Ehome") || !hasButton(m, "☑️ Chọn cả Khu phố 3") {
		t.Fatalf("areas = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, kpOff, "☑️ Chọn cả Khu phố 3")
	e.tap(t, kpOff, "✅ Xong, chọn lịch (1 khu vực)")
	if m := e.last(t, kpOff.ID); !hasButton(m, "⭐ "+scheduler.PresetSunday) {
		t.Fatalf("the suggested schedule is not marked: %v", labels(m))
	}
	e.say(t, kpOff, "mỗi sáng thứ Bảy 6:30") // the khu phố's own day and time
	e.tap(t, kpOff, "♾ Từ nay, không hẹn ngày kết thúc")
	e.tap(t, kpOff, "✅ Bắt đầu nhắc")
	cs := e.campaigns(t)
	if len(cs) != 1 || cs[0].CatalogueKey != "15-phut-xanh-sach-dep" || cs[0].Schedules[0].Spec != "mỗi sáng thứ Bảy 6:30" ||
		!strings.Contains(cs[0].Text, "15 phút") || cs[0].CreatedBy != kpOff.ID {
		t.Fatalf("campaigns = %+v", cs)
	}
}

func TestCampaignDraftCancel(t *testing.T) {
	e, _ := startCampaigns(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	e.say(t, wardOff, "/campaigns")
	e.tap(t, wardOff, "➕ Tạo phong trào mới")
	e.say(t, wardOff, "Tiêu đề")
	e.say(t, wardOff, "/cancel")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "Đã hủy phong trào") {
		t.Fatalf("/cancel = %q", m.Text)
	}
	if e.hasCampaignDraft(t, wardOff) {
		t.Fatal("the draft survived /cancel")
	}
	// What the official types next is a search again, not a text.
	e.say(t, wardOff, "phu tho hoa")
	if len(e.campaigns(t)) != 0 {
		t.Fatal("a campaign was made")
	}
	// A button of the cancelled draft is stale.
	e.say(t, wardOff, "/campaigns")
	e.tap(t, wardOff, "➕ Tạo phong trào mới")
	old := e.last(t, wardOff.ID).MessageID
	e.tap(t, wardOff, "❌ Hủy")
	if a := e.forge(t, wardOff, old, "cd"); !strings.Contains(a.Text, "Bản nháp này không còn") {
		t.Fatalf("stale press answered %+v", a)
	}
}

// hasCampaignDraft says whether u has a campaign draft in the store.
func (e *env) hasCampaignDraft(tb testing.TB, u telegramtest.User) bool {
	tb.Helper()
	_, err := e.db.CampaignDraftOf(context.Background(), u.ID)
	if err != nil && store.ErrorCode(err) != store.ENOTFOUND {
		tb.Fatal(err)
	}
	return err == nil
}

// itoa writes an id as the buttons show it.
func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// find returns the newest message of the bot in a chat that contains sub.
func (e *env) find(tb testing.TB, chatID int64, sub string) telegramtest.Message {
	tb.Helper()
	msgs := e.srv.Messages(chatID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if strings.Contains(msgs[i].Text, sub) {
			return msgs[i]
		}
	}
	tb.Fatalf("no message with %q in chat %d", sub, chatID)
	return telegramtest.Message{}
}
