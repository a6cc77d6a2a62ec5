package bot_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

func TestEventsCommand(t *testing.T) {
	e, _ := startOfficials(t)
	ctx := context.Background()
	now := time.Now().In(store.Zone)
	in5 := now.AddDate(0, 0, 5)
	in40 := now.AddDate(0, 0, 40)
	events := []store.Event{
		// Everywhere: the city's day, 40 days from now, since 2000.
		{Title: "Ngày truyền thống <Thành phố>", Calendar: store.Solar, Month: int(in40.Month()), Day: in40.Day(), Since: in40.Year() - 26},
		// The ward's: reaches its khu phố.
		{Title: "Ngày hội Đại đoàn kết của phường", Calendar: store.Solar, Month: int(in5.Month()), Day: in5.Day(), AreaID: areaOf(t, e.db, "phu-tho-hoa")},
		// Another khu phố's: not shown in Khu phố 3.
		{Title: "Ngày của Khu phố 5", Calendar: store.Solar, Month: int(in5.Month()), Day: in5.Day(), AreaID: areaOf(t, e.db, "kp5-phu-tho-hoa")},
		// Switched off.
		{Title: "Đã tắt", Calendar: store.Solar, Month: int(in5.Month()), Day: in5.Day(), Off: true},
	}
	for i := range events {
		if err := e.db.CreateEvent(ctx, &events[i]); err != nil {
			t.Fatal(err)
		}
	}
	c := &store.Campaign{Title: "Ngày Chủ nhật xanh", Text: "Dọn vệ sinh",
		Schedules: []store.CampaignSchedule{{AreaID: areaOf(t, e.db, "kp3-phu-tho-hoa"), Spec: scheduler.PresetSunday}}}
	if err := e.db.CreateCampaign(ctx, c); err != nil {
		t.Fatal(err)
	}

	resident := telegramtest.User{ID: 4001, FirstName: "Lan"}
	e.residents(t, "kp3-phu-tho-hoa", resident.ID)
	e.say(t, resident, "/events")
	m := e.last(t, resident.ID)
	for _, want := range []string{
		"Sắp tới</b> ở Khu phố 3 · Phường Phú Thọ Hòa",
		"<b>Còn 5 ngày</b> · " + scheduler.Weekday(in5) + " " + in5.Format("2/1/2006") + "\n   Ngày hội Đại đoàn kết của phường",
		"<b>Còn 40 ngày</b>",
		"Ngày truyền thống &lt;Thành phố&gt;, kỷ niệm 26 năm",
		"Phong trào đang nhắc lịch</b>\n• Ngày Chủ nhật xanh\n   Lần nhắc tới: 07:00 Chủ nhật",
	} {
		if !strings.Contains(m.HTML, want) {
			t.Errorf("/events lacks %q:\n%s", want, m.HTML)
		}
	}
	if strings.Contains(m.Text, "Khu phố 5") || strings.Contains(m.Text, "Đã tắt") {
		t.Errorf("/events shows what does not reach Khu phố 3:\n%s", m.Text)
	}
	if strings.Index(m.Text, "Còn 5 ngày") > strings.Index(m.Text, "Còn 40 ngày") {
		t.Errorf("not soonest first:\n%s", m.Text)
	}

	// Without a subscription: the days everywhere, and how to subscribe.
	nobody := telegramtest.User{ID: 4002, FirstName: "Minh"}
	e.say(t, nobody, "/events")
	m = e.last(t, nobody.ID)
	if !strings.Contains(m.Text, "Ngày truyền thống <Thành phố>") || strings.Contains(m.Text, "Đại đoàn kết của phường") ||
		!strings.Contains(m.Text, "/start") || strings.Contains(m.Text, "Phong trào đang nhắc") {
		t.Errorf("/events without subscriptions:\n%s", m.Text)
	}

	// In a group, any member may ask: it changes nothing.
	group := telegramtest.Chat{ID: -100777, Type: "supergroup", Title: "Cư dân Khu phố 3"}
	e.residents(t, "kp3-phu-tho-hoa", group.ID)
	e.handled(t, e.srv.SendText(group, resident, "/events"))
	if m, ok := e.srv.LastMessage(group.ID); !ok || !strings.Contains(m.Text, "Ngày hội Đại đoàn kết của phường") {
		t.Errorf("/events in a group = %q", m.Text)
	}
}
