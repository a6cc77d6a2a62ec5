package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/store"
)

var (
	chief    = telegramtest.User{ID: 2001, FirstName: "Chủ tịch", LastName: "UBND", LanguageCode: "vi"} // an admin by configuration
	wardOff  = telegramtest.User{ID: 2002, FirstName: "Bí thư", LastName: "Phú Thọ Hòa", LanguageCode: "vi"}
	kpOff    = telegramtest.User{ID: 2003, FirstName: "Trưởng", LastName: "Khu phố 3", LanguageCode: "vi"}
	stranger = telegramtest.User{ID: 2004, FirstName: "Người", LastName: "Lạ"}
	tayThanh = telegramtest.User{ID: 2005, FirstName: "Cán bộ", LastName: "Tây Thạnh"}
)

// kp3Label is how Khu phố 3 is named in its announcements.
const kp3Label = "Khu phố 3 · Phường Phú Thọ Hòa"

// clock is the store's clock, which a test may move forward while the bot runs.
type clock struct{ offset atomic.Int64 }

func (c *clock) now() time.Time          { return time.Now().Add(time.Duration(c.offset.Load())) }
func (c *clock) advance(d time.Duration) { c.offset.Add(int64(d)) }

// startOfficials runs a bot with chief as its configured admin, on a store
// whose clock the test controls.
func startOfficials(tb testing.TB) (*env, *clock) {
	tb.Helper()
	srv := telegramtest.NewServer(telegramtest.Options{Token: testToken})
	tb.Cleanup(srv.Close)
	db := MustOpenDB(tb, filepath.Join(tb.TempDir(), "test.db"))
	seedAreas(tb, db)
	c := &clock{}
	db.Now = c.now
	e := runBot(tb, srv, db, officialsConfig())
	tb.Cleanup(func() {
		if strings.Contains(e.logs.String(), "level=ERROR") {
			tb.Errorf("errors logged:\n%s", e.logs.String())
		}
	})
	return e, c
}

// officialsConfig makes chief an admin; the tests act faster than the
// flood guard lets people act.
func officialsConfig() bot.Config {
	return bot.Config{Admins: []int64{chief.ID}, FloodBurst: 1000}
}

// areaOf returns the id of the area with code.
func areaOf(tb testing.TB, db *store.DB, code string) int64 {
	tb.Helper()
	a, err := db.AreaByCode(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	return a.ID
}

// grant gives user a role on the area with code.
func (e *env) grant(tb testing.TB, u telegramtest.User, code string) {
	tb.Helper()
	r := store.Role{UserID: u.ID, AreaID: areaOf(tb, e.db, code), Name: u.FirstName + " " + u.LastName, GrantedBy: chief.ID}
	if err := e.db.GrantRole(context.Background(), r); err != nil {
		tb.Fatal(err)
	}
}

// say sends text as u in u's private chat and waits until it is handled.
func (e *env) say(tb testing.TB, u telegramtest.User, text string) {
	tb.Helper()
	e.handled(tb, e.srv.SendText(telegramtest.PrivateChat(u), u, text))
}

// tap presses a button in u's private chat and returns the answer to it.
func (e *env) tap(tb testing.TB, u telegramtest.User, label string) telegramtest.CallbackAnswer {
	tb.Helper()
	before := len(e.srv.CallbackAnswers())
	e.press(tb, telegramtest.PrivateChat(u), u, label)
	answers := e.srv.CallbackAnswers()
	if len(answers) != before+1 {
		tb.Fatalf("pressing %q: %d answers, want %d", label, len(answers)-before, 1)
	}
	return answers[len(answers)-1]
}

// forge presses a button with made-up data on message msgID in u's private
// chat and returns the answer to it.
func (e *env) forge(tb testing.TB, u telegramtest.User, msgID int, data string) telegramtest.CallbackAnswer {
	tb.Helper()
	before := len(e.srv.CallbackAnswers())
	e.handled(tb, e.srv.PressButtonData(telegramtest.PrivateChat(u), u, msgID, data))
	answers := e.srv.CallbackAnswers()
	if len(answers) != before+1 {
		tb.Fatalf("pressing %q: %d answers, want 1", data, len(answers)-before)
	}
	return answers[len(answers)-1]
}

// last returns the bot's newest message in a chat.
func (e *env) last(tb testing.TB, chatID int64) telegramtest.Message {
	tb.Helper()
	m, ok := e.srv.LastMessage(chatID)
	if !ok {
		tb.Fatalf("no message in chat %d", chatID)
	}
	return m
}

// audits returns the audit entries with an action, oldest first.
func (e *env) audits(tb testing.TB, action string) []store.AuditEntry {
	tb.Helper()
	log, err := e.db.AuditLog(context.Background(), 0, 1000)
	if err != nil {
		tb.Fatal(err)
	}
	var out []store.AuditEntry
	for i := len(log) - 1; i >= 0; i-- {
		if log[i].Action == action {
			out = append(out, log[i])
		}
	}
	return out
}

// wantAudit fails unless the audit log has an entry of actor with action
// (and area, when not 0), and returns it.
func (e *env) wantAudit(tb testing.TB, actor int64, action string, area int64) store.AuditEntry {
	tb.Helper()
	for _, a := range e.audits(tb, action) {
		if a.Actor == actor && (area == 0 || a.AreaID == area) {
			return a
		}
	}
	tb.Fatalf("no audit entry %q by %d on area %d; log: %+v", action, actor, area, e.audits(tb, action))
	return store.AuditEntry{}
}

// residents subscribes chats to the area with code and returns them.
func (e *env) residents(tb testing.TB, code string, chats ...int64) []int64 {
	tb.Helper()
	for _, c := range chats {
		if _, err := e.db.Subscribe(context.Background(), c, areaOf(tb, e.db, code), store.AllTopics); err != nil {
			tb.Fatal(err)
		}
	}
	return chats
}

// broadcasts returns the broadcasts of an author, newest first.
func (e *env) broadcasts(tb testing.TB, author int64) []store.Broadcast {
	tb.Helper()
	bs, err := e.db.Broadcasts(context.Background(), author, 100)
	if err != nil {
		tb.Fatal(err)
	}
	return bs
}

// hasDraft says whether u has a draft in the store.
func (e *env) hasDraft(tb testing.TB, u telegramtest.User) bool {
	tb.Helper()
	_, err := e.db.DraftOf(context.Background(), u.ID)
	if err != nil && store.ErrorCode(err) != store.ENOTFOUND {
		tb.Fatal(err)
	}
	return err == nil
}

var inviteLink = regexp.MustCompile(`https://t\.me/loaphuong_test_bot\?start=(moi_[a-z0-9]+)`)

// invite makes u create an invite for the area reached by pressing labels
// after /invite, and returns the invite code.
func (e *env) invite(tb testing.TB, u telegramtest.User, path ...string) string {
	tb.Helper()
	e.say(tb, u, "/invite")
	for _, l := range path {
		e.tap(tb, u, l)
	}
	m := e.last(tb, u.ID)
	code := inviteLink.FindStringSubmatch(m.Text)
	if code == nil {
		tb.Fatalf("no invite link in %q", m.Text)
	}
	if !strings.Contains(m.Text, "một lần") || !strings.Contains(m.Text, "7 ngày") || len(m.Buttons) != 0 {
		tb.Fatalf("invite message = %q, buttons %v", m.Text, labels(m))
	}
	return code[1]
}

func TestInviteMakesAnOfficial(t *testing.T) {
	e, clk := startOfficials(t)
	ptho := areaOf(t, e.db, "phu-tho-hoa")

	// The admin sees the wards of the city and invites an official for one.
	e.say(t, chief, "/invite")
	m := e.last(t, chief.ID)
	if !hasButton(m, "Phường Phú Thọ Hòa") || !hasButton(m, "Phường Tây Thạnh") || !hasButton(m, "👑 Mời quản trị viên (toàn quyền)") {
		t.Fatalf("/invite for an admin = %q, buttons %v", m.Text, labels(m))
	}
	code := e.invite(t, chief, "Phường Phú Thọ Hòa", "🔗 Mời cán bộ phụ trách Phường Phú Thọ Hòa")
	if !strings.Contains(e.last(t, chief.ID).Text, "Phường Phú Thọ Hòa") {
		t.Fatalf("invite message = %q", e.last(t, chief.ID).Text)
	}
	e.wantAudit(t, chief.ID, "invite", ptho)

	// The second user opens the link and is an official of the ward.
	e.handled(t, e.srv.SendDeepLink(wardOff, code))
	m = e.last(t, wardOff.ID)
	for _, want := range []string{"trở thành cán bộ phụ trách Phường Phú Thọ Hòa", "/broadcast", "/history"} {
		if !strings.Contains(m.Text, want) {
			t.Fatalf("welcome = %q, want %q in it", m.Text, want)
		}
	}
	roles, err := e.db.Roles(context.Background(), wardOff.ID)
	if err != nil || len(roles) != 1 || roles[0].AreaID != ptho || roles[0].GrantedBy != chief.ID || roles[0].Name != "Bí thư Phú Thọ Hòa" {
		t.Fatalf("roles = %+v, %v", roles, err)
	}
	if m := e.last(t, chief.ID); !strings.Contains(m.Text, "Bí thư Phú Thọ Hòa (id 2002) đã dùng link mời") {
		t.Fatalf("the inviter was told %q", m.Text)
	}
	e.wantAudit(t, wardOff.ID, "invite_accepted", ptho)
	// The new official's chat has the officials' commands in its menu.
	var menu bool
	for _, r := range e.srv.Requests() {
		if r.Method == "setMyCommands" && strings.Contains(r.Params.Get("scope"), fmt.Sprint(wardOff.ID)) &&
			strings.Contains(r.Params.Get("commands"), `"broadcast"`) {
			menu = true
		}
	}
	if !menu {
		t.Error("the new official's menu was not given the officials' commands")
	}

	// The link is used up: a third user gets nothing.
	e.handled(t, e.srv.SendDeepLink(kpOff, code))
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "không còn dùng được") {
		t.Fatalf("a used invite = %q", m.Text)
	}
	if roles, _ := e.db.Roles(context.Background(), kpOff.ID); len(roles) != 0 {
		t.Fatalf("a used invite gave roles %+v", roles)
	}
	e.wantAudit(t, kpOff.ID, "refused", 0)

	// The ward official invites for a khu phố of the ward; the link expires unused.
	e.say(t, wardOff, "/invite")
	if m := e.last(t, wardOff.ID); hasButton(m, "Phường Tây Thạnh") || !hasButton(m, "Khu phố 3") || hasButton(m, "👑 Mời quản trị viên (toàn quyền)") {
		t.Fatalf("/invite for a ward official = %q, buttons %v", m.Text, labels(m))
	}
	code = e.invite(t, wardOff, "Khu phố 3", "🔗 Mời cán bộ phụ trách Khu phố 3")
	clk.advance(7*24*time.Hour + time.Minute)
	e.handled(t, e.srv.SendDeepLink(kpOff, code))
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "không còn dùng được") || !strings.Contains(m.Text, "7 ngày") {
		t.Fatalf("an expired invite = %q", m.Text)
	}
	if roles, _ := e.db.Roles(context.Background(), kpOff.ID); len(roles) != 0 {
		t.Fatalf("an expired invite gave roles %+v", roles)
	}

	// An invite code nobody made.
	e.handled(t, e.srv.SendDeepLink(kpOff, "moi_khongcoma"))
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "Link mời này không đúng") {
		t.Fatalf("an unknown invite = %q", m.Text)
	}
}

func TestAdminInvite(t *testing.T) {
	e, _ := startOfficials(t)
	code := e.invite(t, chief, "👑 Mời quản trị viên (toàn quyền)")
	e.handled(t, e.srv.SendDeepLink(stranger, code))
	if m := e.last(t, stranger.ID); !strings.Contains(m.Text, "toàn hệ thống") {
		t.Fatalf("welcome = %q", m.Text)
	}
	roles, err := e.db.Roles(context.Background(), stranger.ID)
	if err != nil || len(roles) != 1 || !roles[0].Admin() {
		t.Fatalf("roles = %+v, %v", roles, err)
	}
	// A ward official cannot make an admin invite, even with forged data.
	e.grant(t, wardOff, "phu-tho-hoa")
	e.say(t, wardOff, "/invite")
	a := e.forge(t, wardOff, e.last(t, wardOff.ID).MessageID, "ic:0")
	if !a.ShowAlert || !strings.Contains(a.Text, "không có quyền") {
		t.Fatalf("forged admin invite answered %+v", a)
	}
	e.wantAudit(t, wardOff.ID, "refused", 0)
}

// composeKP3 runs /broadcast as the ward official up to the text step for
// Khu phố 3 with the topic given, using the buttons.
func composeKP3(t *testing.T, e *env, u telegramtest.User, topic string) {
	t.Helper()
	e.say(t, u, "/broadcast")
	m := e.last(t, u.ID)
	if !strings.Contains(m.Text, "Soạn thông báo") || !hasButton(m, "Khu phố 3") || !hasButton(m, "📣 Gửi cho cả Phường Phú Thọ Hòa") {
		t.Fatalf("/broadcast = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, u, "Khu phố 3") // it has a building inside: it opens
	if m := e.last(t, u.ID); !hasButton(m, "Chung cư Ehome") {
		t.Fatalf("Khu phố 3 view buttons = %v", labels(m))
	}
	e.tap(t, u, "📣 Gửi cho cả Khu phố 3")
	if m := e.last(t, u.ID); !strings.Contains(m.Text, kp3Label) || !hasButton(m, "⏰ Nhắc lịch") {
		t.Fatalf("topic step = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, u, topic)
	if m := e.last(t, u.ID); !strings.Contains(m.Text, "gửi nội dung thông báo") {
		t.Fatalf("text step = %q", m.Text)
	}
}

func TestBroadcastPreviewIsWhatResidentsGet(t *testing.T) {
	e, _ := startOfficials(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	reached := e.residents(t, "kp3-phu-tho-hoa", 3001, 3002, -100300300)
	e.residents(t, "cc-ehome", 3003) // inside Khu phố 3: reached too
	reached = append(reached, 3003)
	e.residents(t, "phu-tho-hoa", 3004)     // the ward above: not reached
	e.residents(t, "kp5-phu-tho-hoa", 3005) // another khu phố: not reached

	composeKP3(t, e, wardOff, "📢 Thông báo")
	const text = "Họp tổ <b>dân phố</b> & vệ sinh"
	before := len(e.srv.Messages(wardOff.ID))
	e.say(t, wardOff, text)
	msgs := e.srv.Messages(wardOff.ID)
	if len(msgs) != before+2 {
		t.Fatalf("after the text: %d new messages, want the preview and the controls", len(msgs)-before)
	}
	preview, control := msgs[len(msgs)-2], msgs[len(msgs)-1]
	if want := bot.Announcement(kp3Label, store.TopicAnnouncements, false, text); preview.HTML != want {
		t.Fatalf("preview HTML = %q, want %q", preview.HTML, want)
	}
	if !strings.Contains(preview.Text, text) || len(preview.Buttons) != 0 {
		t.Fatalf("preview shows %q (buttons %v): want the text as typed", preview.Text, labels(preview))
	}
	if !strings.Contains(control.Text, "Sẽ gửi đến 4 nơi nhận") || !hasButton(control, "✅ Gửi") || !hasButton(control, "⬜ 🚨 Khẩn") {
		t.Fatalf("controls = %q, buttons %v", control.Text, labels(control))
	}

	// Urgent, then not urgent again: each time a new, exact preview.
	e.tap(t, wardOff, "⬜ 🚨 Khẩn")
	msgs = e.srv.Messages(wardOff.ID)
	if want := bot.Announcement(kp3Label, store.TopicAnnouncements, true, text); msgs[len(msgs)-2].HTML != want {
		t.Fatalf("urgent preview = %q, want %q", msgs[len(msgs)-2].HTML, want)
	}
	if m := msgs[len(msgs)-1]; !hasButton(m, "✅ 🚨 Khẩn") || !strings.Contains(m.Text, "khẩn") {
		t.Fatalf("urgent controls = %q, buttons %v", m.Text, labels(m))
	}
	if old := e.srv.Messages(wardOff.ID)[len(msgs)-3]; len(old.Buttons) != 0 {
		t.Fatalf("the old controls keep buttons %v", labels(old))
	}
	e.tap(t, wardOff, "✅ 🚨 Khẩn")
	msgs = e.srv.Messages(wardOff.ID)
	preview = msgs[len(msgs)-2]

	a := e.tap(t, wardOff, "✅ Gửi")
	if a.ShowAlert || a.Text == "" {
		t.Fatalf("confirm answered %+v", a)
	}
	bs := e.broadcasts(t, wardOff.ID)
	if len(bs) != 1 {
		t.Fatalf("%d broadcasts, want 1", len(bs))
	}
	b := bs[0]
	if b.AreaCode != "kp3-phu-tho-hoa" || b.Topic != store.TopicAnnouncements || b.Urgent || b.Author != "user:2002" ||
		b.AuthorUser != wardOff.ID || b.ReportChat != wardOff.ID || b.Text != preview.HTML || b.Photo != "" || b.Counts.Total() != 4 {
		t.Fatalf("broadcast = %+v", b)
	}
	if e.hasDraft(t, wardOff) {
		t.Fatal("the draft outlived its broadcast")
	}
	if m := e.srv.Messages(wardOff.ID)[len(msgs)-1]; !strings.Contains(m.Text, fmt.Sprintf("Đã nhận thông báo #%d", b.ID)) || len(m.Buttons) != 0 {
		t.Fatalf("controls after confirm = %q, buttons %v", m.Text, labels(m))
	}
	e.wantAudit(t, wardOff.ID, "broadcast", areaOf(t, e.db, "kp3-phu-tho-hoa"))

	// The dispatcher delivers it: every resident sees exactly the preview.
	for _, chat := range reached {
		got := e.message(t, chat, 1)
		if got.HTML != preview.HTML || got.Text != preview.Text {
			t.Errorf("chat %d got %q, the preview was %q", chat, got.HTML, preview.HTML)
		}
	}
	e.wait(t, func() bool { return strings.Contains(e.last(t, wardOff.ID).Text, "Báo cáo") })
	for _, chat := range []int64{3004, 3005} {
		if n := len(e.srv.Messages(chat)); n != 0 {
			t.Errorf("chat %d outside Khu phố 3 got %d messages", chat, n)
		}
	}
}

func TestBroadcastScheduledAndCancelledFromHistory(t *testing.T) {
	e, _ := startOfficials(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	e.residents(t, "kp3-phu-tho-hoa", 3101, 3102)

	e.say(t, wardOff, "/broadcast kp3-phu-tho-hoa") // the shortcut: straight to the topic
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, kp3Label) || !hasButton(m, "⏰ Nhắc lịch") {
		t.Fatalf("/broadcast CODE = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, wardOff, "⏰ Nhắc lịch")
	e.say(t, wardOff, "Tổng vệ sinh sáng Chủ nhật")
	e.tap(t, wardOff, "🕒 Hẹn giờ")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "7:00 ngày mai") || !hasButton(m, "❌ Hủy") {
		t.Fatalf("time question = %q, buttons %v", m.Text, labels(m))
	}
	// Nonsense, then a time in the past: asked again, with the reason.
	e.say(t, wardOff, "sớm nhất có thể")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "chưa hiểu thời điểm") {
		t.Fatalf("nonsense time = %q", m.Text)
	}
	e.say(t, wardOff, "8:00 1/1/2020")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "đã qua") {
		t.Fatalf("past time = %q", m.Text)
	}
	before := time.Now()
	e.say(t, wardOff, "20:00 ngày mai")
	after := time.Now()
	m := e.last(t, wardOff.ID)
	if !strings.Contains(m.Text, "hẹn gửi lúc 20:00 ngày") || !hasButton(m, "⚡ Gửi ngay") || !hasButton(m, "✅ Gửi") {
		t.Fatalf("controls with a time = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, wardOff, "✅ Gửi")
	bs := e.broadcasts(t, wardOff.ID)
	if len(bs) != 1 {
		t.Fatalf("%d broadcasts", len(bs))
	}
	b := bs[0]
	vn, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	tomorrow8pm := func(now time.Time) time.Time {
		d := now.In(vn).AddDate(0, 0, 1)
		return time.Date(d.Year(), d.Month(), d.Day(), 20, 0, 0, 0, vn)
	}
	if !b.SendAt.Equal(tomorrow8pm(before)) && !b.SendAt.Equal(tomorrow8pm(after)) {
		t.Fatalf("SendAt = %v, want %v", b.SendAt, tomorrow8pm(before))
	}
	if _, off := b.SendAt.Zone(); off != 0 {
		t.Errorf("SendAt is read back in a zone %d s from UTC", off)
	}
	if b.Topic != store.TopicReminders || b.Status != store.BroadcastPending || b.Counts.Pending != 2 {
		t.Fatalf("broadcast = %+v", b)
	}
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "Đã hẹn giờ thông báo") {
		t.Fatalf("after confirm = %q", m.Text)
	}

	// /history lists it as waiting, and cancels it.
	e.say(t, wardOff, "/history")
	h := e.last(t, wardOff.ID)
	historyID := h.MessageID
	cancel := fmt.Sprintf("🛑 Hủy #%d", b.ID)
	if !strings.Contains(h.Text, fmt.Sprintf("#%d", b.ID)) || !strings.Contains(h.Text, "đang chờ đến giờ gửi") ||
		!strings.Contains(h.Text, "Tổng vệ sinh") || !hasButton(h, cancel) {
		t.Fatalf("/history = %q, buttons %v", h.Text, labels(h))
	}
	a := e.tap(t, wardOff, cancel)
	if !strings.Contains(a.Text, "Đã hủy thông báo") || a.ShowAlert {
		t.Fatalf("cancel answered %+v", a)
	}
	got, err := e.db.BroadcastByID(context.Background(), b.ID)
	if err != nil || got.Status != store.BroadcastCancelled || got.Counts.Skipped != 2 || got.Counts.Pending != 0 {
		t.Fatalf("after cancel: %+v, %v", got, err)
	}
	if h := e.last(t, wardOff.ID); !strings.Contains(h.Text, "đã hủy") || hasButton(h, cancel) || h.MessageID != historyID {
		t.Fatalf("/history after cancel = %q, buttons %v", h.Text, labels(h))
	}
	e.wantAudit(t, wardOff.ID, "cancel", 0)
	// Cancelling again is answered, not an error.
	if a := e.forge(t, wardOff, h.MessageID, fmt.Sprintf("hc:%d", b.ID)); !strings.Contains(a.Text, "đã gửi xong hoặc đã bị hủy") {
		t.Fatalf("second cancel answered %+v", a)
	}
}

func TestBroadcastPhotoWithCaption(t *testing.T) {
	e, _ := startOfficials(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	e.residents(t, "kp3-phu-tho-hoa", 3201)
	composeKP3(t, e, wardOff, "📰 Tin tức")

	// Nothing to send: only spaces, then a sticker. Asked again each time.
	e.say(t, wardOff, "   ")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "cần có nội dung") {
		t.Fatalf("blank text = %q", m.Text)
	}
	id, err := e.srv.InjectUpdate([]byte(fmt.Sprintf(`{"update_id":1,"message":{"message_id":900,"from":{"id":%d,"is_bot":false,"first_name":"Bí thư"},
		"chat":{"id":%d,"first_name":"Bí thư","type":"private"},"date":1775800000,
		"sticker":{"file_id":"CAACAgIAAxkBAAE","file_unique_id":"AgADxx","type":"regular","width":512,"height":512,"is_animated":false,"is_video":false}}}`,
		wardOff.ID, wardOff.ID)))
	if err != nil {
		t.Fatal(err)
	}
	e.handled(t, id)
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "cần có nội dung") {
		t.Fatalf("sticker = %q", m.Text)
	}
	if e.broadcasts(t, wardOff.ID) != nil {
		t.Fatal("a broadcast without content")
	}

	const caption = "Lịch tiêm chủng <tháng 4> & khám sức khỏe"
	id, fileID, err := e.srv.SendPhoto(telegramtest.PrivateChat(wardOff), wardOff, caption)
	if err != nil {
		t.Fatal(err)
	}
	e.handled(t, id)
	msgs := e.srv.Messages(wardOff.ID)
	preview := msgs[len(msgs)-2]
	if !preview.Photo || preview.HTML != bot.Announcement(kp3Label, store.TopicNews, false, caption) {
		t.Fatalf("photo preview = %+v", preview)
	}
	e.tap(t, wardOff, "✅ Gửi")
	bs := e.broadcasts(t, wardOff.ID)
	if len(bs) != 1 || bs[0].Photo != fileID || bs[0].Text != preview.HTML || bs[0].Topic != store.TopicNews {
		t.Fatalf("broadcasts = %+v, want one with photo %s", bs, fileID)
	}
	if got := e.message(t, 3201, 1); !got.Photo || got.HTML != preview.HTML {
		t.Fatalf("the resident got %+v", got)
	}
}

func TestBroadcastLongText(t *testing.T) {
	e, _ := startOfficials(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	e.residents(t, "kp3-phu-tho-hoa", 3301)
	e.say(t, wardOff, "/broadcast kp3-phu-tho-hoa")
	e.tap(t, wardOff, "📢 Thông báo")
	long := strings.Repeat("Khu phố 3 ra quân dọn vệ sinh kênh Tân Hóa & nạo vét cống.\n\n", 90) // about 5,300 characters
	e.say(t, wardOff, long)
	msgs := e.srv.Messages(wardOff.ID)
	control := msgs[len(msgs)-1]
	if !strings.Contains(control.Text, "gửi thành 2 tin nhắn") {
		t.Fatalf("controls = %q", control.Text)
	}
	p1, p2 := msgs[len(msgs)-3], msgs[len(msgs)-2]
	if !strings.HasPrefix(p1.HTML, "📢 <b>THÔNG BÁO</b>") || !strings.Contains(p2.Text, "nạo vét") || len(p1.Text) == 0 {
		t.Fatalf("preview parts = %q / %q", p1.HTML[:80], p2.HTML[:80])
	}
	e.tap(t, wardOff, "✅ Gửi")
	got := e.message(t, 3301, 2)
	if got.HTML != p2.HTML || e.srv.Messages(3301)[0].HTML != p1.HTML {
		t.Fatal("the resident's messages differ from the preview's")
	}
}

func TestBroadcastRefusals(t *testing.T) {
	e, _ := startOfficials(t)
	e.grant(t, kpOff, "kp3-phu-tho-hoa")
	e.grant(t, tayThanh, "tay-thanh")
	ward := areaOf(t, e.db, "phu-tho-hoa")
	kp5 := areaOf(t, e.db, "kp5-phu-tho-hoa")

	// Not an official: refused, in Vietnamese, and recorded.
	for _, cmd := range []string{"/broadcast", "/history", "/invite", "/officials"} {
		e.say(t, stranger, cmd)
		if m := e.last(t, stranger.ID); !strings.Contains(m.Text, "Lệnh này chỉ dành cho cán bộ") {
			t.Fatalf("%s by a resident = %q", cmd, m.Text)
		}
	}
	refused := e.audits(t, "refused")
	if len(refused) != 4 || refused[0].Actor != stranger.ID || refused[0].Detail != "/broadcast" {
		t.Fatalf("refusals recorded = %+v", refused)
	}
	if a := e.forge(t, stranger, 1, fmt.Sprintf("bs:%d", kp5)); !a.ShowAlert || !strings.Contains(a.Text, "chỉ dành cho cán bộ") {
		t.Fatalf("a resident's forged press answered %+v", a)
	}

	// In a group, officials' commands work only in private.
	group := telegramtest.Chat{ID: -100777, Type: "supergroup", Title: "Tổ dân phố 7"}
	e.handled(t, e.srv.SendText(group, kpOff, "/broadcast"))
	if m := e.last(t, group.ID); !strings.Contains(m.Text, "chỉ dùng được trong tin nhắn riêng") {
		t.Fatalf("/broadcast in a group = %q", m.Text)
	}

	// An unknown area code, and the ward above one's khu phố, by shortcut.
	e.say(t, kpOff, "/broadcast khong-co-khu-nay")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "Không tìm thấy khu vực có mã") || !strings.Contains(m.Text, "khong-co-khu-nay") {
		t.Fatalf("unknown code = %q", m.Text)
	}
	e.say(t, kpOff, "/broadcast phu-tho-hoa")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "không có quyền") {
		t.Fatalf("the ward above = %q", m.Text)
	}
	e.wantAudit(t, kpOff.ID, "refused", ward)

	// The khu phố official starts in their khu phố, with its building to pick.
	e.say(t, kpOff, "/broadcast")
	m := e.last(t, kpOff.ID)
	if !hasButton(m, "Chung cư Ehome") || !hasButton(m, "📣 Gửi cho cả Khu phố 3") || hasButton(m, "« Quay lại") {
		t.Fatalf("/broadcast for a khu phố official = %q, buttons %v", m.Text, labels(m))
	}
	// Forged presses naming areas outside the scope: refused with an alert, recorded.
	for _, d := range []string{fmt.Sprintf("bs:%d", ward), fmt.Sprintf("ba:%d:0", kp5), fmt.Sprintf("ic:%d", ward), "bs:999999"} {
		a := e.forge(t, kpOff, m.MessageID, d)
		if d == "bs:999999" {
			if a.ShowAlert || !strings.Contains(a.Text, "không còn") {
				t.Errorf("%s answered %+v", d, a)
			}
			continue
		}
		if !a.ShowAlert || !strings.Contains(a.Text, "không có quyền") {
			t.Errorf("forged %s answered %+v", d, a)
		}
	}
	if n := len(e.audits(t, "refused")); n != 4+1+1+3 {
		t.Errorf("%d refusals recorded, want 9", n)
	}
	d, err := e.db.DraftOf(context.Background(), kpOff.ID)
	if err != nil || d.AreaID != 0 || d.Step != "area" {
		t.Fatalf("draft after forged presses = %+v, %v", d, err)
	}
	// Cancelling another area's broadcast, and revoking a ward official.
	other := &store.Broadcast{AreaID: areaOf(t, e.db, "tay-thanh"), Topic: store.TopicAnnouncements, Text: "x", Author: "user:2005", AuthorUser: tayThanh.ID,
		SendAt: time.Now().Add(time.Hour)}
	if _, err := e.db.CreateBroadcast(context.Background(), other); err != nil {
		t.Fatal(err)
	}
	if a := e.forge(t, kpOff, m.MessageID, fmt.Sprintf("hc:%d", other.ID)); !a.ShowAlert {
		t.Errorf("cancelling another area's broadcast answered %+v", a)
	}
	if b, _ := e.db.BroadcastByID(context.Background(), other.ID); b.Status != store.BroadcastPending {
		t.Errorf("another area's broadcast is %s", b.Status)
	}
	e.grant(t, wardOff, "phu-tho-hoa")
	if a := e.forge(t, kpOff, m.MessageID, fmt.Sprintf("rv:%d:%d:0", wardOff.ID, ward)); !a.ShowAlert {
		t.Errorf("revoking the ward official answered %+v", a)
	}
	if roles, _ := e.db.Roles(context.Background(), wardOff.ID); len(roles) != 1 {
		t.Errorf("the ward official's roles = %+v", roles)
	}
	// Stale or malformed data is answered without a refusal.
	if a := e.forge(t, kpOff, m.MessageID, "bk:1:2:3"); a.ShowAlert || !strings.Contains(a.Text, "đã cũ") {
		t.Errorf("malformed data answered %+v", a)
	}

	// The khu phố official may send to the building inside it.
	e.tap(t, kpOff, "Chung cư Ehome")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "Chung cư Ehome · Khu phố 3") {
		t.Fatalf("building topic step = %q", m.Text)
	}
	// /cancel drops the draft at any step.
	e.say(t, kpOff, "/cancel")
	if e.hasDraft(t, kpOff) || !strings.Contains(e.last(t, kpOff.ID).Text, "Đã hủy") {
		t.Fatalf("after /cancel: draft kept or answer %q", e.last(t, kpOff.ID).Text)
	}
	e.say(t, kpOff, "/cancel")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "không có thông báo nào đang soạn") {
		t.Fatalf("/cancel without a draft = %q", m.Text)
	}
	// Text typed with no draft is a search again.
	e.say(t, kpOff, "Phú Thọ Hòa")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "Kết quả tìm") {
		t.Fatalf("search after the draft = %q", m.Text)
	}
}

func TestBroadcastSurvivesRestart(t *testing.T) {
	e, _ := startOfficials(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	e.residents(t, "kp3-phu-tho-hoa", 3401, 3402)
	e.say(t, wardOff, "/broadcast kp3-phu-tho-hoa")
	e.tap(t, wardOff, "📢 Thông báo")

	// Stopped while waiting for the text; the next run takes the text.
	e.stop(t)
	e = runBot(t, e.srv, e.db, officialsConfig())
	e.say(t, wardOff, "Cúp nước từ 8:00 đến 12:00")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "Sẽ gửi đến 2 nơi nhận") {
		t.Fatalf("controls after a restart = %q", m.Text)
	}
	// Stopped again at the preview; the buttons still work.
	e.stop(t)
	e = runBot(t, e.srv, e.db, officialsConfig())
	e.tap(t, wardOff, "✅ Gửi")
	bs := e.broadcasts(t, wardOff.ID)
	if len(bs) != 1 || !strings.Contains(bs[0].Text, "Cúp nước từ 8:00 đến 12:00") || bs[0].Counts.Total() != 2 {
		t.Fatalf("broadcasts = %+v", bs)
	}
	// The confirmation cannot be pressed twice: the draft is gone.
	ctrl := e.srv.Messages(wardOff.ID)
	for _, m := range ctrl {
		if strings.Contains(m.Text, "Đã nhận thông báo") {
			if len(m.Buttons) != 0 {
				t.Fatalf("the confirmed controls keep buttons %v", labels(m))
			}
			if a := e.forge(t, wardOff, m.MessageID, "bk"); !strings.Contains(a.Text, "không còn") {
				t.Fatalf("a second confirm answered %+v", a)
			}
		}
	}
	if n := len(e.broadcasts(t, wardOff.ID)); n != 1 {
		t.Fatalf("%d broadcasts after a second confirm", n)
	}
}

func TestOfficialsListAndRevoke(t *testing.T) {
	e, _ := startOfficials(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	e.grant(t, kpOff, "kp3-phu-tho-hoa")
	e.grant(t, tayThanh, "tay-thanh")
	kp3 := areaOf(t, e.db, "kp3-phu-tho-hoa")

	e.say(t, kpOff, "/broadcast") // a draft the revocation interrupts
	e.say(t, wardOff, "/officials")
	m := e.last(t, wardOff.ID)
	if !strings.Contains(m.Text, "Trưởng Khu phố 3") || !strings.Contains(m.Text, "Bí thư Phú Thọ Hòa") || strings.Contains(m.Text, "Tây Thạnh") {
		t.Fatalf("/officials for the ward = %q", m.Text)
	}
	revoke := "🗑 Thu hồi: Trưởng Khu phố 3 · Khu phố 3"
	if got := labels(m); !slices.Equal(got, []string{revoke}) {
		t.Fatalf("revoke buttons = %v, want only the khu phố official's", got)
	}
	if a := e.tap(t, wardOff, revoke); a.Text != "Đã thu hồi quyền" {
		t.Fatalf("revoke answered %+v", a)
	}
	if roles, _ := e.db.Roles(context.Background(), kpOff.ID); len(roles) != 0 {
		t.Fatalf("roles after revoke = %+v", roles)
	}
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "đã được thu hồi") {
		t.Fatalf("the revoked official was told %q", m.Text)
	}
	if m := e.last(t, wardOff.ID); strings.Contains(m.Text, "Trưởng Khu phố 3") {
		t.Fatalf("list after revoke = %q", m.Text)
	}
	e.wantAudit(t, wardOff.ID, "revoke", kp3)
	// What the former official types is no longer taken for the draft.
	e.say(t, kpOff, "Phú Thọ Hòa")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "Kết quả tìm") || e.hasDraft(t, kpOff) {
		t.Fatalf("text after revoke = %q (draft kept: %v)", m.Text, e.hasDraft(t, kpOff))
	}
	e.say(t, kpOff, "/broadcast")
	if m := e.last(t, kpOff.ID); !strings.Contains(m.Text, "chỉ dành cho cán bộ") {
		t.Fatalf("/broadcast after revoke = %q", m.Text)
	}
	// Oneself: never.
	if a := e.forge(t, wardOff, m.MessageID, fmt.Sprintf("rv:%d:%d:0", wardOff.ID, areaOf(t, e.db, "phu-tho-hoa"))); !a.ShowAlert || !strings.Contains(a.Text, "chính mình") {
		t.Fatalf("self-revoke answered %+v", a)
	}

	// The admin sees everyone and may revoke both ward officials.
	e.say(t, chief, "/officials")
	m = e.last(t, chief.ID)
	if !strings.Contains(m.Text, "Cán bộ Tây Thạnh") || !strings.Contains(m.Text, "Bí thư Phú Thọ Hòa") || !strings.Contains(m.Text, "2001") {
		t.Fatalf("/officials for the admin = %q", m.Text)
	}
	if n := len(labels(m)); n != 2 {
		t.Fatalf("admin's revoke buttons = %v", labels(m))
	}

	// /help shows an official the officials' commands, a resident not.
	e.say(t, wardOff, "/help")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "/broadcast") || !strings.Contains(m.Text, "/mine") {
		t.Fatalf("/help for an official = %q", m.Text)
	}
	e.say(t, stranger, "/help")
	if m := e.last(t, stranger.ID); strings.Contains(m.Text, "/broadcast") {
		t.Fatalf("/help for a resident = %q", m.Text)
	}
}

func TestDraftCancelButton(t *testing.T) {
	e, _ := startOfficials(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	e.say(t, wardOff, "/broadcast kp2-phu-tho-hoa")
	e.tap(t, wardOff, "📢 Thông báo")
	e.say(t, wardOff, "Thử")
	ctrl := e.last(t, wardOff.ID)
	if a := e.tap(t, wardOff, "❌ Hủy"); a.Text != "Đã hủy" {
		t.Fatalf("cancel answered %+v", a)
	}
	if e.hasDraft(t, wardOff) {
		t.Fatal("the draft survived ❌")
	}
	if m := e.srv.Messages(wardOff.ID); m[len(m)-1].MessageID != ctrl.MessageID || len(m[len(m)-1].Buttons) != 0 {
		t.Fatalf("controls after ❌ = %+v", m[len(m)-1])
	}
	// The old confirm button, forged back: nothing happens.
	if a := e.forge(t, wardOff, ctrl.MessageID, "bk"); !strings.Contains(a.Text, "không còn") {
		t.Fatalf("confirm after cancel answered %+v", a)
	}
	if e.broadcasts(t, wardOff.ID) != nil {
		t.Fatal("a cancelled draft was sent")
	}
}

func TestBroadcastAreaPages(t *testing.T) {
	e, _ := startOfficials(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	e.say(t, wardOff, "/broadcast")
	e.tap(t, wardOff, "Trang sau ›")
	m := e.last(t, wardOff.ID)
	if !hasButton(m, "Khu phố 10") || !hasButton(m, "‹ Trang trước") || hasButton(m, "Khu phố 1") || !strings.Contains(m.Text, "Trang 2/2") {
		t.Fatalf("page 2 = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, wardOff, "Khu phố 9") // nothing inside: chosen at once
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "Khu phố 9 · Phường Phú Thọ Hòa") || !hasButton(m, "« Chọn khu vực khác") {
		t.Fatalf("topic step = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, wardOff, "« Chọn khu vực khác")
	if m := e.last(t, wardOff.ID); !hasButton(m, "📣 Gửi cho cả Phường Phú Thọ Hòa") {
		t.Fatalf("back to the areas = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, wardOff, "📣 Gửi cho cả Phường Phú Thọ Hòa")
	e.tap(t, wardOff, "📢 Thông báo")
	e.tap(t, wardOff, "« Đổi chủ đề")
	e.tap(t, wardOff, "📰 Tin tức")
	d, err := e.db.DraftOf(context.Background(), wardOff.ID)
	if err != nil || d.AreaID != areaOf(t, e.db, "phu-tho-hoa") || d.Topic != store.TopicNews || d.Step != "text" {
		t.Fatalf("draft = %+v, %v", d, err)
	}
	if n := len(e.srv.Messages(wardOff.ID)); n != 1 {
		t.Errorf("the steps should edit one message, got %d messages", n)
	}
}

func TestOfficialsPages(t *testing.T) {
	e, _ := startOfficials(t)
	for i := range 12 {
		u := telegramtest.User{ID: int64(2100 + i), FirstName: "Cán bộ", LastName: fmt.Sprintf("KP%d", i%10+1)}
		e.grant(t, u, fmt.Sprintf("kp%d-phu-tho-hoa", i%10+1))
	}
	e.say(t, chief, "/officials")
	m := e.last(t, chief.ID)
	if n := len(labels(m)); n != 11 || !hasButton(m, "Trang sau ›") || !strings.Contains(m.Text, "Trang 1/2") {
		t.Fatalf("page 1 = %q, buttons %v", m.Text, labels(m))
	}
	e.tap(t, chief, "Trang sau ›")
	m = e.last(t, chief.ID)
	if n := len(labels(m)); n != 3 || !hasButton(m, "‹ Trang trước") || !strings.Contains(m.Text, "Trang 2/2") {
		t.Fatalf("page 2 = %q, buttons %v", m.Text, labels(m))
	}
}
