package bot_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/store"
)

var (
	lan   = telegramtest.User{ID: 1001, FirstName: "Lan", LanguageCode: "vi"}
	minh  = telegramtest.User{ID: 1002, FirstName: "Minh", LanguageCode: "vi"}
	hoa   = telegramtest.User{ID: 1003, FirstName: "Hoa"}
	admin = telegramtest.User{ID: 1004, FirstName: "Tổ trưởng"}
)

func TestStartChooseWardThenQuarter(t *testing.T) {
	e := startBot(t, bot.Config{})
	chat := telegramtest.PrivateChat(lan)
	e.srv.SendText(chat, lan, "/start")
	m := e.message(t, chat.ID, 1)
	if !strings.Contains(m.Text, "Chào bạn") || !hasButton(m, "Phường Phú Thọ Hòa") || !hasButton(m, "Phường Tây Thạnh") {
		t.Fatalf("welcome = %q, buttons %v", m.Text, labels(m))
	}
	e.press(t, chat, lan, "Phường Phú Thọ Hòa")
	m = e.message(t, chat.ID, 1)
	// Ten khu phố: the first page shows eight, then a next-page button.
	if !hasButton(m, "Khu phố 1") || hasButton(m, "Khu phố 9") || !hasButton(m, "Trang sau ›") {
		t.Fatalf("ward view buttons = %v", labels(m))
	}
	e.press(t, chat, lan, "Trang sau ›")
	m = e.message(t, chat.ID, 1)
	if !hasButton(m, "Khu phố 9") || !hasButton(m, "‹ Trang trước") {
		t.Fatalf("page 2 buttons = %v", labels(m))
	}
	e.press(t, chat, lan, "‹ Trang trước")
	e.press(t, chat, lan, "Khu phố 2")
	m = e.message(t, chat.ID, 1)
	if !strings.Contains(m.Text, "Bạn đã đăng ký nhận tin của Khu phố 2 · Phường Phú Thọ Hòa") {
		t.Fatalf("confirmation = %q", m.Text)
	}
	if got := e.subs(t, chat.ID); !slices.Equal(got, []string{"kp2-phu-tho-hoa"}) {
		t.Fatalf("subscriptions = %v", got)
	}
	// A khu phố with buildings opens instead of subscribing.
	e.press(t, chat, lan, "➕ Đăng ký thêm khu vực")
	e.press(t, chat, lan, "Phường Phú Thọ Hòa")
	e.press(t, chat, lan, "Khu phố 3")
	m = e.message(t, chat.ID, 1)
	if !hasButton(m, "Chung cư Ehome") || !hasButton(m, "✅ Nhận tin cả Khu phố 3") || !hasButton(m, "« Quay lại") {
		t.Fatalf("khu phố view = %v", labels(m))
	}
	e.press(t, chat, lan, "✅ Nhận tin cả Khu phố 3")
	if got := e.subs(t, chat.ID); !slices.Equal(got, []string{"kp2-phu-tho-hoa", "kp3-phu-tho-hoa"}) {
		t.Fatalf("subscriptions = %v", got)
	}
	if n := len(e.srv.Messages(chat.ID)); n != 1 {
		t.Errorf("navigation should edit one message, got %d messages", n)
	}
	for _, a := range e.srv.CallbackAnswers() {
		if a.QueryID == "" {
			t.Errorf("callback answered without id")
		}
	}
	if got, want := len(e.srv.CallbackAnswers()), e.srv.Count("editMessageText"); got < want {
		t.Errorf("%d callback answers for %d presses", got, want)
	}
}

func TestDeepLinkSubscribesAndUndo(t *testing.T) {
	e := startBot(t, bot.Config{})
	chat := telegramtest.PrivateChat(minh)
	e.srv.SendDeepLink(minh, "kp5-phu-tho-hoa")
	m := e.message(t, chat.ID, 1)
	if !strings.Contains(m.Text, "Khu phố 5 · Phường Phú Thọ Hòa") || !hasButton(m, "↩️ Hoàn tác") {
		t.Fatalf("deep link answer = %q %v", m.Text, labels(m))
	}
	if got := e.subs(t, chat.ID); !slices.Equal(got, []string{"kp5-phu-tho-hoa"}) {
		t.Fatalf("subscriptions = %v", got)
	}
	// The same poster scanned twice does not subscribe twice.
	e.srv.SendDeepLink(minh, "kp5-phu-tho-hoa")
	m = e.message(t, chat.ID, 2)
	if !strings.Contains(m.Text, "từ trước") {
		t.Fatalf("second scan = %q", m.Text)
	}
	e.press(t, chat, minh, "↩️ Hoàn tác")
	if got := e.subs(t, chat.ID); len(got) != 0 {
		t.Fatalf("after undo subscriptions = %v", got)
	}
	m = e.message(t, chat.ID, 1)
	if !strings.Contains(m.Text, "Đã hủy đăng ký") {
		t.Fatalf("undo answer = %q", m.Text)
	}
}

func TestDeepLinkUnknownOrOddPayload(t *testing.T) {
	e := startBot(t, bot.Config{})
	chat := telegramtest.PrivateChat(hoa)
	for i, payload := range []string{"khong-co", "YnZiMTIzbWlzY0BnbWFpbC5jb20=", "<b>&x", strings.Repeat("x", 300)} {
		e.srv.SendDeepLink(hoa, payload)
		m := e.message(t, chat.ID, i+1)
		if !strings.Contains(m.Text, "Không tìm thấy khu vực có mã") || !hasButton(m, "Phường Phú Thọ Hòa") {
			t.Fatalf("payload %q: answer %q %v", payload, m.Text, labels(m))
		}
	}
	if got := e.subs(t, chat.ID); len(got) != 0 {
		t.Fatalf("subscriptions = %v", got)
	}
}

func TestSearchByTyping(t *testing.T) {
	e := startBot(t, bot.Config{})
	chat := telegramtest.PrivateChat(hoa)
	n := 0
	for _, q := range []string{"phu tho hoa", "P. Phú Thọ Hoà", "PHÚ THỌ HÒA", "tan quy"} {
		e.srv.SendText(chat, hoa, q)
		n++
		m := e.message(t, chat.ID, n)
		if !hasButton(m, "Phường Phú Thọ Hòa") {
			t.Errorf("search %q: buttons %v", q, labels(m))
		}
	}
	e.srv.SendText(chat, hoa, "phu tho hoa")
	n++
	e.message(t, chat.ID, n)
	e.press(t, chat, hoa, "Phường Phú Thọ Hòa")
	e.press(t, chat, hoa, "Khu phố 7")
	if got := e.subs(t, chat.ID); !slices.Equal(got, []string{"kp7-phu-tho-hoa"}) {
		t.Fatalf("subscriptions = %v", got)
	}

	// Nothing found, and text that looks like HTML, shown literally.
	e.srv.SendText(chat, hoa, "<b>Quận 99</b> & co")
	n++
	m := e.message(t, chat.ID, n)
	if !strings.Contains(m.Text, "Không tìm thấy khu vực nào khớp với “<b>Quận 99</b> & co”") {
		t.Fatalf("no result answer = %q", m.Text)
	}
}

func TestMineTopicsAndStop(t *testing.T) {
	e := startBot(t, bot.Config{})
	chat := telegramtest.PrivateChat(lan)
	e.srv.SendDeepLink(lan, "kp1-phu-tho-hoa")
	e.srv.SendDeepLink(lan, "tay-thanh")
	e.message(t, chat.ID, 2)
	e.srv.SendText(chat, lan, "/mine")
	m := e.message(t, chat.ID, 3)
	if !strings.Contains(m.Text, "2 khu vực") || !hasButton(m, "❌ Bỏ Phường Tây Thạnh") {
		t.Fatalf("/mine = %q %v", m.Text, labels(m))
	}
	e.press(t, chat, lan, "🏷 Chủ đề Khu phố 1")
	e.press(t, chat, lan, "✅ Tin tức")
	e.press(t, chat, lan, "✅ Nhắc lịch")
	e.press(t, chat, lan, "✅ Thông báo") // the last one stays on
	subs, err := e.db.Subscriptions(context.Background(), chat.ID)
	if err != nil {
		t.Fatal(err)
	}
	if subs[0].Topics != store.TopicAnnouncements {
		t.Fatalf("topics = %b, want announcements only", subs[0].Topics)
	}
	if a := e.srv.CallbackAnswers(); !strings.Contains(a[len(a)-1].Text, "ít nhất một chủ đề") {
		t.Fatalf("last answer = %q", a[len(a)-1].Text)
	}
	e.press(t, chat, lan, "« Xong")
	e.press(t, chat, lan, "❌ Bỏ Phường Tây Thạnh")
	if got := e.subs(t, chat.ID); !slices.Equal(got, []string{"kp1-phu-tho-hoa"}) {
		t.Fatalf("subscriptions = %v", got)
	}
	e.srv.SendText(chat, lan, "/stop")
	m = e.message(t, chat.ID, 4)
	if !strings.Contains(m.Text, "Đã ngừng nhận tin: hủy 1 đăng ký") {
		t.Fatalf("/stop = %q", m.Text)
	}
	if got := e.subs(t, chat.ID); len(got) != 0 {
		t.Fatalf("after /stop subscriptions = %v", got)
	}
	e.srv.SendText(chat, lan, "/stop")
	if m := e.message(t, chat.ID, 5); !strings.Contains(m.Text, "chưa đăng ký") {
		t.Fatalf("second /stop = %q", m.Text)
	}
}

func TestGroups(t *testing.T) {
	e := startBot(t, bot.Config{})
	group := telegramtest.Chat{ID: -100123, Type: "supergroup", Title: "KP3 Phú Thọ Hòa"}
	e.srv.SetChatMember(group.ID, admin.ID, "administrator")

	// Plain chatter, other bots' commands and unknown commands: no answer.
	var last int
	for _, text := range []string{"chào cả nhà", "/start@other_bot", "/random@other_bot 20 30", "/report"} {
		last = e.srv.SendText(group, lan, text)
	}
	// A non-admin may not subscribe the group.
	last = e.srv.SendText(group, lan, "/start@loaphuong_test_bot kp3-phu-tho-hoa")
	m := e.message(t, group.ID, 1)
	if !strings.Contains(m.Text, "quản trị viên") {
		t.Fatalf("non-admin answer = %q", m.Text)
	}
	e.handled(t, last)
	if n := len(e.srv.Messages(group.ID)); n != 1 {
		t.Fatalf("group got %d messages, want 1: %v", n, e.srv.Messages(group.ID))
	}
	// The admin may.
	e.srv.SendText(group, admin, "/start@loaphuong_test_bot kp3-phu-tho-hoa")
	m = e.message(t, group.ID, 2)
	if got := e.subs(t, group.ID); !slices.Equal(got, []string{"kp3-phu-tho-hoa"}) {
		t.Fatalf("group subscriptions = %v (answer %q)", got, m.Text)
	}
	// A member pressing the group's buttons is refused, with an alert.
	id, err := e.srv.PressButton(group, lan, "↩️ Hoàn tác")
	if err != nil {
		t.Fatal(err)
	}
	e.handled(t, id)
	if got := e.subs(t, group.ID); len(got) != 1 {
		t.Fatalf("a member undid the group's subscription")
	}
	a := e.srv.CallbackAnswers()
	if last := a[len(a)-1]; !last.ShowAlert || !strings.Contains(last.Text, "quản trị viên") {
		t.Fatalf("answer to member = %+v", last)
	}
}

func TestHelpAndCommands(t *testing.T) {
	e := startBot(t, bot.Config{})
	cmds := e.srv.Commands()
	var names []string
	for _, c := range cmds {
		names = append(names, c.Command)
		if c.Description == "" || c.Description == strings.ToLower(c.Description) && !strings.ContainsAny(c.Description, "àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ") {
			t.Errorf("command %s: description %q is not Vietnamese", c.Command, c.Description)
		}
	}
	if !slices.Equal(names, []string{"start", "mine", "events", "stop", "quiet", "forget", "help"}) {
		t.Fatalf("commands = %v", names)
	}
	chat := telegramtest.PrivateChat(lan)
	e.srv.SendText(chat, lan, "/help")
	if m := e.message(t, chat.ID, 1); !strings.Contains(m.Text, "/mine") {
		t.Fatalf("/help = %q", m.Text)
	}
	e.srv.SendText(chat, lan, "/xyz")
	if m := e.message(t, chat.ID, 2); !strings.Contains(m.Text, "chưa hiểu lệnh /xyz") {
		t.Fatalf("unknown command = %q", m.Text)
	}
}

func TestFloodIsSlowedDown(t *testing.T) {
	e := startBot(t, bot.Config{FloodBurst: 5})
	chat := telegramtest.PrivateChat(hoa)
	var last int
	for i := range 100 {
		last = e.srv.SendText(chat, hoa, fmt.Sprintf("tìm %d", i))
	}
	e.handled(t, last)
	msgs := e.srv.Messages(chat.ID)
	slow := 0
	for _, m := range msgs {
		if strings.Contains(m.Text, "nhanh quá") {
			slow++
		}
	}
	// Five answers, one notice, then silence; a refill during the test may
	// allow a few more, never a hundred.
	if slow != 1 || len(msgs) > 12 {
		t.Fatalf("%d messages, %d slow-down notices, for 100 messages", len(msgs), slow)
	}
}

func hasButton(m telegramtest.Message, label string) bool {
	return slices.Contains(labels(m), label)
}

func labels(m telegramtest.Message) []string {
	var out []string
	for _, row := range m.Buttons {
		for _, b := range row {
			out = append(out, b.Text)
		}
	}
	return out
}

func TestForgetDeletesEverything(t *testing.T) {
	e := startBot(t, bot.Config{})
	chat := telegramtest.PrivateChat(hoa)
	e.srv.SendDeepLink(hoa, "kp2-phu-tho-hoa")
	e.message(t, chat.ID, 1)
	id := e.srv.SendText(chat, hoa, "/forget")
	e.handled(t, id)
	m := e.message(t, chat.ID, 2)
	if !strings.Contains(m.Text, "xóa hết") || !hasButton(m, "🗑 Xóa dữ liệu của tôi") {
		t.Fatalf("/forget = %q, buttons %v", m.Text, labels(m))
	}
	e.press(t, chat, hoa, "🗑 Xóa dữ liệu của tôi")
	if m := e.message(t, chat.ID, 2); !strings.Contains(m.Text, "Đã xóa mọi dữ liệu") {
		t.Fatalf("after pressing = %q", m.Text)
	}
	if _, err := e.db.ChatByID(context.Background(), chat.ID); store.ErrorCode(err) != store.ENOTFOUND {
		t.Fatalf("the chat is still stored: %v", err)
	}
}

func TestQuietHoursOfAChat(t *testing.T) {
	e := startBot(t, bot.Config{})
	chat := telegramtest.PrivateChat(minh)
	e.handled(t, e.srv.SendText(chat, minh, "/quiet"))
	m := e.message(t, chat.ID, 1)
	if !strings.Contains(m.Text, "Giờ yên lặng: Mặc định (21:00 – 06:30)") || !hasButton(m, "⬜ 22:00 – 06:00") {
		t.Fatalf("/quiet = %q, buttons %v", m.Text, labels(m))
	}
	e.press(t, chat, minh, "⬜ 22:00 – 06:00")
	quiet := func() string {
		c, err := e.db.ChatByID(context.Background(), chat.ID)
		if err != nil {
			t.Fatal(err)
		}
		return c.QuietHours
	}
	if got := quiet(); got != "22:00-06:00" {
		t.Fatalf("after the button: %q", got)
	}
	if m := e.message(t, chat.ID, 1); !hasButton(m, "✅ 22:00 – 06:00") {
		t.Errorf("the choice is not marked: %v", labels(m))
	}
	e.handled(t, e.srv.SendText(chat, minh, "/quiet 23:15 - 05:45"))
	if got := quiet(); got != "23:15-05:45" {
		t.Errorf("typed: %q", got)
	}
	e.handled(t, e.srv.SendText(chat, minh, "/quiet tắt"))
	if got := quiet(); got != "off" {
		t.Errorf("/quiet tắt: %q", got)
	}
	e.handled(t, e.srv.SendText(chat, minh, "/quiet <b>25h</b>"))
	if m, _ := e.srv.LastMessage(chat.ID); !strings.Contains(m.Text, "Chưa hiểu giờ yên lặng “<b>25h</b>”") {
		t.Errorf("nonsense = %q", m.Text)
	}
	if got := quiet(); got != "off" {
		t.Errorf("nonsense changed the setting to %q", got)
	}
}
