package bot_test

import (
	"strings"
	"testing"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

// TestStatsCommand: an official sees the areas of their scope only, with
// subscribers and growth; an admin sees everything; a resident is refused.
func TestStatsCommand(t *testing.T) {
	e, _ := startOfficials(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	for i, code := range []string{"kp3-phu-tho-hoa", "kp3-phu-tho-hoa", "kp1-phu-tho-hoa", "tay-thanh"} {
		u := telegramtest.User{ID: int64(3001 + i), FirstName: "Cư dân"}
		e.handled(t, e.srv.SendDeepLink(u, code))
	}
	quitter := telegramtest.User{ID: 3001, FirstName: "Cư dân"}
	e.say(t, quitter, "/stop")
	e.say(t, chief, "/broadcast kp3-phu-tho-hoa")
	e.tap(t, chief, "📢 Thông báo")
	e.say(t, chief, "Họp tổ dân phố <tối nay>")
	e.tap(t, chief, "✅ Gửi")

	e.say(t, wardOff, "/stats")
	text := e.last(t, wardOff.ID).Text
	for _, want := range []string{
		"Phường Phú Thọ Hòa: 2 nơi nhận tin",
		"7 ngày qua: +2 (3 mới, 1 ngừng)",
		"• Khu phố 3: 1 · 7 ngày +1 · 30 ngày +1",
		"• Khu phố 1: 1 · 7 ngày +1",
		"• Khu phố 2: 0 · 7 ngày 0",
		"#1 · Khu phố 3",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q in\n%s", want, text)
		}
	}
	if strings.Contains(text, "Tây Thạnh") {
		t.Errorf("a ward official sees another ward:\n%s", text)
	}

	e.say(t, chief, "/stats")
	if text := e.last(t, chief.ID).Text; !strings.Contains(text, "Thành phố Hồ Chí Minh: 3 nơi nhận tin") || !strings.Contains(text, "• Phường Tây Thạnh: 1") {
		t.Errorf("the admin's /stats:\n%s", text)
	}
	e.say(t, stranger, "/stats")
	if text := e.last(t, stranger.ID).Text; !strings.Contains(text, "chỉ dành cho cán bộ") {
		t.Errorf("a resident's /stats: %q", text)
	}
}
