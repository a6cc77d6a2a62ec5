package bot_test

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/store"
)

// officialChat is where the author of the test broadcasts reads reports.
const officialChat = 900

// newOutbox returns a fake server and a database seeded with the example
// areas, for tests that fill the outbox before the bot starts.
func newOutbox(tb testing.TB) (*telegramtest.Server, *store.DB) {
	tb.Helper()
	srv := telegramtest.NewServer(telegramtest.Options{Token: testToken})
	tb.Cleanup(srv.Close)
	db := MustOpenDB(tb, filepath.Join(tb.TempDir(), "test.db"))
	seedAreas(tb, db)
	return srv, db
}

// mustArea returns the area with code.
func mustArea(tb testing.TB, db *store.DB, code string) *store.Area {
	tb.Helper()
	a, err := db.AreaByCode(context.Background(), code)
	if err != nil {
		tb.Fatal(err)
	}
	return a
}

// subscribeChats subscribes each chat to the area with code.
func subscribeChats(tb testing.TB, db *store.DB, code string, chats ...int64) {
	tb.Helper()
	a := mustArea(tb, db, code)
	for _, c := range chats {
		if _, err := db.Subscribe(context.Background(), c, a.ID, store.AllTopics); err != nil {
			tb.Fatal(err)
		}
	}
}

// enqueue creates an announcement to the area with code, reported to
// officialChat, and returns it with the number of chats addressed.
func enqueue(tb testing.TB, db *store.DB, code, text string, urgent bool) (*store.Broadcast, int) {
	tb.Helper()
	a := mustArea(tb, db, code)
	b := &store.Broadcast{
		AreaID: a.ID, Topic: store.TopicAnnouncements, Urgent: urgent,
		Text:   bot.Announcement(a.Name, store.TopicAnnouncements, urgent, text),
		Author: "user:1", AuthorUser: 1, ReportChat: officialChat,
	}
	n, err := db.CreateBroadcast(context.Background(), b)
	if err != nil {
		tb.Fatal(err)
	}
	return b, n
}

// finished waits until the broadcast is done and returns it. The store
// tells no one when it changes, so this asks it every few milliseconds.
func (e *env) finished(tb testing.TB, id int64) *store.Broadcast {
	tb.Helper()
	return e.finishedWithin(tb, id, 30*time.Second)
}

// finishedWithin is finished with a deadline for long broadcasts.
func (e *env) finishedWithin(tb testing.TB, id int64, limit time.Duration) *store.Broadcast {
	tb.Helper()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(limit)
	for {
		b, err := e.db.BroadcastByID(context.Background(), id)
		if err != nil {
			tb.Fatal(err)
		}
		if b.Status == store.BroadcastDone {
			return b
		}
		select {
		case <-tick.C:
		case <-deadline:
			tb.Fatalf("broadcast %d not done after %s: %+v\nlogs:\n%s", id, limit, b, e.logs.String())
		}
	}
}

// deliveries returns a broadcast's deliveries by chat.
func (e *env) deliveries(tb testing.TB, id int64) map[int64]store.Delivery {
	tb.Helper()
	ds, err := e.db.Deliveries(context.Background(), id)
	if err != nil {
		tb.Fatal(err)
	}
	m := map[int64]store.Delivery{}
	for _, d := range ds {
		m[d.ChatID] = d
	}
	return m
}

// report waits for the final report in the official's chat.
func (e *env) report(tb testing.TB) telegramtest.Message {
	tb.Helper()
	var last telegramtest.Message
	e.wait(tb, func() bool {
		m, ok := e.srv.LastMessage(officialChat)
		last = m
		return ok && strings.Contains(m.Text, "Báo cáo")
	})
	return last
}

func TestDispatch_DeliversAndReports(t *testing.T) {
	srv, db := newOutbox(t)
	residents := []int64{101, 102, 103, -1001}
	subscribeChats(t, db, "kp3-phu-tho-hoa", residents...)
	subscribeChats(t, db, "cc-ehome", 104)    // a building inside
	subscribeChats(t, db, "phu-tho-hoa", 105) // the ward above: not addressed
	b, n := enqueue(t, db, "kp3-phu-tho-hoa", "Họp tổ <dân phố> & vệ sinh lúc 19:00", false)
	if n != 5 {
		t.Fatalf("addressed %d chats, want 5", n)
	}
	e := runBot(t, srv, db, bot.Config{})
	got := e.finished(t, b.ID)
	if got.Counts != (store.DeliveryCounts{Sent: 5}) {
		t.Fatalf("counts = %+v", got.Counts)
	}
	for _, chat := range append(residents, 104) {
		m := e.message(t, chat, 1)
		if m.HTML != b.Text {
			t.Errorf("chat %d got %q, want %q", chat, m.HTML, b.Text)
		}
		if !strings.Contains(m.Text, "Họp tổ <dân phố> & vệ sinh") {
			t.Errorf("chat %d sees %q: the text is not shown literally", chat, m.Text)
		}
		if d := e.deliveries(t, b.ID)[chat]; d.State != store.DeliverySent || d.MessageID != m.MessageID {
			t.Errorf("chat %d delivery = %+v, message id %d", chat, d, m.MessageID)
		}
	}
	if msgs := srv.Messages(105); len(msgs) != 0 {
		t.Errorf("the ward's subscriber got %d messages of a khu phố broadcast", len(msgs))
	}
	report := e.report(t)
	for _, want := range []string{"#" + fmt.Sprint(b.ID), "Đã gửi: 5", "Bị chặn hoặc đã rời: 0", "Lỗi: 0"} {
		if !strings.Contains(report.Text, want) {
			t.Errorf("report %q lacks %q", report.Text, want)
		}
	}
	// One progress message, edited; then the report.
	if msgs := srv.Messages(officialChat); len(msgs) != 2 || !strings.Contains(msgs[0].Text, "5/5") {
		t.Errorf("official's chat: %+v", msgs)
	}
}

func TestDispatch_Faults(t *testing.T) {
	srv, db := newOutbox(t)
	const (
		ok1, ok2  = 201, 202
		blocked   = 203
		gone      = 204
		flaky     = 205
		refused   = 206
		oldGroup  = -2001
		newGroup  = -1002001
		throttled = 207
	)
	subscribeChats(t, db, "kp1-phu-tho-hoa", ok1, ok2, blocked, gone, flaky, refused, oldGroup, throttled)
	srv.BlockChat(blocked)
	srv.MigrateChat(oldGroup, newGroup)
	srv.AddFault(telegramtest.Fault{Method: "sendMessage", ChatID: gone, Code: 400, Description: "Bad Request: chat not found"})
	srv.AddFault(telegramtest.Fault{Method: "sendMessage", ChatID: flaky, Code: 502, Times: 2})
	srv.AddFault(telegramtest.Fault{Method: "sendMessage", ChatID: refused, Code: 400, Description: "Bad Request: can't parse entities"})
	srv.AddFault(telegramtest.Fault{Method: "sendMessage", ChatID: throttled, Code: 429, RetryAfter: 1, Times: 1})
	b, _ := enqueue(t, db, "kp1-phu-tho-hoa", "Cúp nước ngày mai", false)

	e := runBot(t, srv, db, bot.Config{})
	got := e.finished(t, b.ID)
	if want := (store.DeliveryCounts{Sent: 5, Blocked: 2, Failed: 1}); got.Counts != want {
		t.Fatalf("counts = %+v, want %+v", got.Counts, want)
	}
	ds := e.deliveries(t, b.ID)
	tests := []struct {
		chat   int64
		state  store.DeliveryState
		status store.ChatStatus
		reason string
	}{
		{ok1, store.DeliverySent, store.ChatActive, ""},
		{blocked, store.DeliveryBlocked, store.ChatBlocked, "blocked"},
		{gone, store.DeliveryBlocked, store.ChatBlocked, "chat not found"},
		{flaky, store.DeliverySent, store.ChatActive, ""},
		{refused, store.DeliveryFailed, store.ChatActive, "can't parse entities"},
		{newGroup, store.DeliverySent, store.ChatActive, ""},
		{throttled, store.DeliverySent, store.ChatActive, ""},
	}
	for _, tt := range tests {
		d := ds[tt.chat]
		if d.State != tt.state || !strings.Contains(d.Reason, tt.reason) {
			t.Errorf("chat %d: %s %q, want %s %q", tt.chat, d.State, d.Reason, tt.state, tt.reason)
		}
		c, err := db.ChatByID(context.Background(), tt.chat)
		if err != nil || c.Status != tt.status {
			t.Errorf("chat %d status = %v (%v), want %s", tt.chat, c, err, tt.status)
		}
	}
	if ds[flaky].Attempts != 3 {
		t.Errorf("flaky chat: %d attempts, want 3", ds[flaky].Attempts)
	}
	if _, ok := ds[oldGroup]; ok {
		t.Errorf("the old group id still has a delivery: %+v", ds[oldGroup])
	}
	if c, _ := db.ChatByID(context.Background(), oldGroup); c.Status != store.ChatMigrated || c.MigratedTo != newGroup {
		t.Errorf("old group = %+v", c)
	}
	for _, chat := range []int64{ok1, ok2, flaky, newGroup, throttled} {
		if msgs := srv.Messages(chat); len(msgs) != 1 {
			t.Errorf("chat %d got %d messages, want 1", chat, len(msgs))
		}
	}
	report := e.report(t)
	for _, want := range []string{"Đã gửi: 5", "Bị chặn hoặc đã rời: 2", "Lỗi: 1"} {
		if !strings.Contains(report.Text, want) {
			t.Errorf("report %q lacks %q", report.Text, want)
		}
	}
}

func TestDispatch_LongTextIsSplit(t *testing.T) {
	srv, db := newOutbox(t)
	subscribeChats(t, db, "kp2-phu-tho-hoa", 301)
	var paras []string
	for i := range 30 {
		paras = append(paras, fmt.Sprintf("Đoạn %d: %s.", i+1, strings.Repeat("vệ sinh môi trường & ", 10)))
	}
	text := strings.Join(paras, "\n\n")
	b, _ := enqueue(t, db, "kp2-phu-tho-hoa", text, false)
	e := runBot(t, srv, db, bot.Config{PerChat: -1})
	e.finished(t, b.ID)
	msgs := srv.Messages(301)
	if len(msgs) < 2 {
		t.Fatalf("%d messages, want the text split in several", len(msgs))
	}
	var joined []string
	for _, m := range msgs {
		if n := len([]rune(m.Text)); n > 4096 {
			t.Errorf("a part has %d characters", n)
		}
		joined = append(joined, m.HTML)
	}
	if strings.Join(joined, "\n\n") != b.Text {
		t.Error("the parts joined are not the text: a paragraph was cut")
	}
	if d := e.deliveries(t, b.ID)[301]; d.MessageID != msgs[0].MessageID {
		t.Errorf("delivery keeps message %d, want the first part %d", d.MessageID, msgs[0].MessageID)
	}
}

func TestDispatch_ResumesFromRows(t *testing.T) {
	srv, db := newOutbox(t)
	subscribeChats(t, db, "kp4-phu-tho-hoa", 401, 402, 403)
	b, _ := enqueue(t, db, "kp4-phu-tho-hoa", "Tiêm chủng", false)
	// A run before this one sent to 401 and stopped.
	if err := db.RecordOutcomes(context.Background(), []store.Delivery{{BroadcastID: b.ID, ChatID: 401, State: store.DeliverySent, MessageID: 1}}); err != nil {
		t.Fatal(err)
	}
	e := runBot(t, srv, db, bot.Config{})
	got := e.finished(t, b.ID)
	if got.Counts.Sent != 3 {
		t.Fatalf("counts = %+v", got.Counts)
	}
	if n := len(srv.Messages(401)); n != 0 {
		t.Errorf("chat 401 got %d messages again", n)
	}
	for _, c := range []int64{402, 403} {
		e.message(t, c, 1)
	}
}

func TestDispatch_Cancelled(t *testing.T) {
	srv, db := newOutbox(t)
	subscribeChats(t, db, "kp5-phu-tho-hoa", 501, 502)
	b, _ := enqueue(t, db, "kp5-phu-tho-hoa", "Hủy", false)
	if _, err := db.CancelBroadcast(context.Background(), b.ID, 1); err != nil {
		t.Fatal(err)
	}
	after, _ := enqueue(t, db, "kp5-phu-tho-hoa", "Gửi", false)
	e := runBot(t, srv, db, bot.Config{})
	e.finished(t, after.ID)
	for _, c := range []int64{501, 502} {
		msgs := srv.Messages(c)
		if len(msgs) != 1 || !strings.Contains(msgs[0].Text, "Gửi") {
			t.Errorf("chat %d got %+v, want only the second broadcast", c, msgs)
		}
	}
}

func TestDispatch_KeepsPerChatAndGroupLimits(t *testing.T) {
	srv, db := newOutbox(t)
	srv.SetLimits(telegramtest.Limits{PerChat: 1e9, PerGroup: 3}) // 1s per chat, 3 a minute per group
	subscribeChats(t, db, "kp6-phu-tho-hoa", 601, -6001)
	first, _ := enqueue(t, db, "kp6-phu-tho-hoa", "Một", false)
	second, _ := enqueue(t, db, "kp6-phu-tho-hoa", "Hai", false)
	e := runBot(t, srv, db, bot.Config{PerGroup: 3})
	e.finished(t, first.ID)
	e.finished(t, second.ID)
	if st := srv.Stats(); st.TooMany != 0 {
		t.Errorf("%d sends answered 429: the pacer let them through", st.TooMany)
	}
	for _, c := range []int64{601, -6001} {
		if n := len(srv.Messages(c)); n != 2 {
			t.Errorf("chat %d got %d messages, want 2", c, n)
		}
	}
}

func TestDispatch_PhotoWithLongCaption(t *testing.T) {
	srv, db := newOutbox(t)
	subscribeChats(t, db, "kp7-phu-tho-hoa", 701)
	a := mustArea(t, db, "kp7-phu-tho-hoa")
	// Telegram takes a URL where it takes a file_id.
	b := &store.Broadcast{AreaID: a.ID, Topic: store.TopicAnnouncements, Photo: "https://example.org/ra-quan.jpg", Author: "cli",
		Text: bot.Announcement(a.Name, store.TopicAnnouncements, false, strings.Repeat("Ảnh lễ ra quân. ", 100))}
	if _, err := db.CreateBroadcast(context.Background(), b); err != nil {
		t.Fatal(err)
	}
	e := runBot(t, srv, db, bot.Config{PerChat: -1})
	e.finished(t, b.ID)
	msgs := srv.Messages(701)
	if len(msgs) != 2 || !msgs[0].Photo || msgs[1].Photo {
		t.Fatalf("messages = %+v, want a photo with a caption then the rest as text", msgs)
	}
	if msgs[0].HTML+" "+msgs[1].HTML != b.Text {
		t.Error("caption and text together are not the broadcast")
	}
}

func TestDispatch_QuietHours(t *testing.T) {
	srv, db := newOutbox(t)
	const sleeper, nightOwl = 801, 802
	subscribeChats(t, db, "kp8-phu-tho-hoa", sleeper, nightOwl)
	if err := db.SetChatQuietHours(context.Background(), nightOwl, "off"); err != nil {
		t.Fatal(err)
	}
	a := mustArea(t, db, "kp8-phu-tho-hoa")
	mk := func(topic store.Topic, urgent bool, text string) *store.Broadcast {
		b := &store.Broadcast{AreaID: a.ID, Topic: topic, Urgent: urgent, Author: "cli",
			Text: bot.Announcement(a.Name, topic, urgent, text)}
		if _, err := db.CreateBroadcast(context.Background(), b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	reminder := mk(store.TopicReminders, false, "Nhắc: ra quân vệ sinh")
	announcement := mk(store.TopicAnnouncements, false, "Thông báo cúp điện")
	urgent := mk(store.TopicReminders, true, "Khẩn: phòng chống ngập")
	// Quiet from an hour ago to an hour from now, whatever the time of the run.
	now := time.Now().In(store.Zone)
	window := now.Add(-time.Hour).Format("15:04") + "-" + now.Add(time.Hour).Format("15:04")
	e := runBot(t, srv, db, bot.Config{QuietHours: window, PerChat: -1})
	e.finished(t, announcement.ID)
	e.finished(t, urgent.ID)
	ds := e.deliveries(t, reminder.ID)
	if ds[sleeper].State != store.DeliveryPending {
		t.Errorf("the reminder went out in quiet hours: %+v", ds[sleeper])
	}
	e.wait(t, func() bool { return len(srv.Messages(nightOwl)) == 3 })
	if n := len(srv.Messages(sleeper)); n != 2 {
		t.Errorf("the sleeper got %d messages, want the announcement and the urgent reminder", n)
	}
}

// TestDispatch_MigratedGroupWithItsOwnSubscription: a group became a
// supergroup that had subscribed on its own; it gets the message once.
func TestDispatch_MigratedGroupWithItsOwnSubscription(t *testing.T) {
	srv, db := newOutbox(t)
	const oldGroup, superGroup = -3001, -1003001
	subscribeChats(t, db, "kp9-phu-tho-hoa", oldGroup, superGroup)
	srv.MigrateChat(oldGroup, superGroup)
	b, n := enqueue(t, db, "kp9-phu-tho-hoa", "Họp tổ dân phố", false)
	if n != 2 {
		t.Fatalf("addressed %d chats, want 2", n)
	}
	e := runBot(t, srv, db, bot.Config{PerChat: -1})
	got := e.finished(t, b.ID)
	if msgs := srv.Messages(superGroup); len(msgs) != 1 {
		t.Errorf("the supergroup got %d messages, want 1", len(msgs))
	}
	if want := (store.DeliveryCounts{Sent: 1, Skipped: 1}); got.Counts != want {
		t.Errorf("counts = %+v, want %+v", got.Counts, want)
	}
}
