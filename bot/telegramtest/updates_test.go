package telegramtest_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

func TestGetUpdatesOffset(t *testing.T) {
	srv, bot := start(t)
	ids := []int{
		srv.SendText(telegramtest.PrivateChat(lan), lan, "một"),
		srv.SendText(telegramtest.PrivateChat(lan), lan, "hai"),
		srv.SendText(toDanPho, minh, "ba"),
	}
	if ids[1] != ids[0]+1 || ids[2] != ids[1]+1 || ids[0] < 100000000 {
		t.Fatalf("update ids %v: want consecutive from a large start", ids)
	}
	if srv.Pending() != 3 || srv.Confirmed() != 0 {
		t.Fatalf("Pending %d Confirmed %d", srv.Pending(), srv.Confirmed())
	}

	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != 2 || ups[0].UpdateID != ids[0] || ups[1].Message.Text != "hai" {
		t.Fatalf("limit 2: %+v", ups)
	}
	m := ups[0].Message
	if m.From.ID != lan.ID || m.From.LastName != "Nguyễn Thị" || m.From.LanguageCode != "vi" || m.Chat.Type != "private" || m.Chat.ID != lan.ID {
		t.Fatalf("message = %+v from %+v chat %+v", m, m.From, m.Chat)
	}

	// Without an offset nothing is confirmed: the same updates come again.
	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 3 || ups[0].UpdateID != ids[0] {
		t.Fatalf("again: %d updates, %v", len(ups), err)
	}
	g := ups[2].Message
	if g.Chat.ID != toDanPho.ID || g.Chat.Type != "supergroup" || g.Chat.Title != "Tổ dân phố 7" || g.MessageID != 1 {
		t.Fatalf("group message %+v chat %+v", g, g.Chat)
	}
	if ups[1].Message.MessageID != 2 {
		t.Fatalf("second private message has id %d, want 2", ups[1].Message.MessageID)
	}

	ups, err = bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ids[1] + 1})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != ids[2] {
		t.Fatalf("offset: %+v, %v", ups, err)
	}
	if srv.Confirmed() != ids[1] || srv.Pending() != 1 {
		t.Fatalf("Confirmed %d (want %d), Pending %d", srv.Confirmed(), ids[1], srv.Pending())
	}
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: ids[2] + 1}); err != nil {
		t.Fatal(err)
	}
	if srv.Confirmed() != ids[2] || srv.Pending() != 0 {
		t.Fatalf("Confirmed %d Pending %d", srv.Confirmed(), srv.Pending())
	}
}

func TestLongPollWokenByQueuedUpdate(t *testing.T) {
	srv, _ := start(t)
	// A client timeout well below the poll's: if the queued update does not end the
	// long poll, the call fails instead of the test hanging.
	bot := client(t, srv, &http.Client{Timeout: 20 * time.Second})
	type result struct {
		ups []tgbotapi.Update
		err error
	}
	done := make(chan result, 1)
	go func() {
		ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 50})
		done <- result{ups, err}
	}()
	ctx := deadline(t)
	if err := srv.Wait(ctx, func() bool { return inFlight(srv, "getUpdates") && srv.LongPollWaiting() }); err != nil {
		t.Fatalf("the long poll never parked: %v", err)
	}
	if srv.Pending() != 0 {
		t.Fatal("an update was queued before the poll")
	}
	id := srv.SendText(telegramtest.PrivateChat(lan), lan, "/start")
	r := <-done
	if r.err != nil || len(r.ups) != 1 || r.ups[0].UpdateID != id || !r.ups[0].Message.IsCommand() {
		t.Fatalf("long poll answered %+v, %v", r.ups, r.err)
	}
}

func TestLongPollTimesOutEmpty(t *testing.T) {
	srv, bot := start(t)
	began := time.Now()
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 1})
	if err != nil || len(ups) != 0 {
		t.Fatalf("got %v, %v", ups, err)
	}
	if time.Since(began) < time.Second {
		t.Fatal("a long poll with timeout 1 answered before a second passed")
	}
	if srv.Count("getUpdates") != 1 {
		t.Fatal("not counted")
	}
}

func TestConcurrentGetUpdatesConflict(t *testing.T) {
	srv, bot := start(t)
	first := client(t, srv, &http.Client{Timeout: 20 * time.Second})
	done := make(chan error, 1)
	go func() {
		_, err := first.GetUpdates(tgbotapi.UpdateConfig{Timeout: 50})
		done <- err
	}()
	if err := srv.Wait(deadline(t), func() bool { return inFlight(srv, "getUpdates") }); err != nil {
		t.Fatal(err)
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 0 {
		t.Fatalf("the second getUpdates: %v, %v", ups, err)
	}
	wantAPIError(t, <-done, 409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running")
}

func TestCloseReleasesLongPoll(t *testing.T) {
	srv, _ := start(t)
	bot := client(t, srv, &http.Client{Timeout: 20 * time.Second})
	done := make(chan error, 1)
	go func() {
		_, err := bot.GetUpdates(tgbotapi.UpdateConfig{Timeout: 50})
		done <- err
	}()
	if err := srv.Wait(deadline(t), srv.LongPollWaiting); err != nil {
		t.Fatal(err)
	}
	srv.Close() // must not wait the 50 s out
	if err := <-done; err != nil {
		t.Fatalf("a long poll released by Close: %v", err)
	}
}

func TestWebhookBlocksGetUpdates(t *testing.T) {
	srv, bot := start(t)
	wh, err := tgbotapi.NewWebhook("https://loaphuong.example/hook")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := bot.Request(wh); err != nil {
		t.Fatal(err)
	}
	srv.SendText(telegramtest.PrivateChat(lan), lan, "hi")
	info, err := bot.GetWebhookInfo()
	if err != nil || info.URL != "https://loaphuong.example/hook" || info.PendingUpdateCount != 1 {
		t.Fatalf("webhook info %+v, %v", info, err)
	}
	_, err = bot.GetUpdates(tgbotapi.UpdateConfig{})
	wantAPIError(t, err, 409, "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first")

	if a := post(t, srv, testToken, "setWebhook", url.Values{"url": {"http://insecure.example"}}); a.status != 400 {
		t.Fatalf("http webhook accepted: %s", a.body)
	}
	if _, err := bot.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatal(err)
	}
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 {
		t.Fatalf("after deleteWebhook: %v, %v", ups, err)
	}
}

func TestCommandEntitiesInUTF16(t *testing.T) {
	srv, bot := start(t)
	srv.SendText(toDanPho, lan, "/dangky@loaphuong_test_bot phường Bến Nghé")
	srv.SendDeepLink(minh, "ref_To7=")
	srv.SendText(telegramtest.PrivateChat(lan), lan, "Xin chào /start")
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 3 {
		t.Fatalf("%v, %v", ups, err)
	}
	m := ups[0].Message
	if len(m.Entities) != 1 || m.Entities[0].Type != "bot_command" || m.Entities[0].Offset != 0 || m.Entities[0].Length != 26 {
		t.Fatalf("entities %+v", m.Entities)
	}
	if m.Command() != "dangky" || m.CommandArguments() != "phường Bến Nghé" {
		t.Fatalf("command %q args %q", m.Command(), m.CommandArguments())
	}
	d := ups[1].Message
	if d.Text != "/start ref_To7=" || d.Command() != "start" || d.CommandArguments() != "ref_To7=" || d.Chat.ID != minh.ID {
		t.Fatalf("deep link %+v", d)
	}
	if len(ups[2].Message.Entities) != 0 {
		t.Fatal("a command not at the start got an entity")
	}
}

// The real updates of the corpus go in verbatim and come out decodable by the library.
func TestInjectCorpusUpdates(t *testing.T) {
	srv, bot := start(t)
	dir := filepath.Join("..", "testdata", "updates")
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no corpus in %s: %v", dir, err)
	}
	var names []string
	var ids []int
	inject := func(name string, raw []byte) {
		id, err := srv.InjectUpdate(raw)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(ids) > 0 && id != ids[len(ids)-1]+1 {
			t.Fatalf("%s: update_id %d does not follow %d", name, id, ids[len(ids)-1])
		}
		names, ids = append(names, name), append(ids, id)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		switch {
		case strings.HasSuffix(name, ".wire.json"):
			var body struct{ Result []json.RawMessage }
			if err := json.Unmarshal(raw, &body); err != nil || len(body.Result) == 0 {
				t.Fatalf("%s: %v", name, err)
			}
			for i, u := range body.Result {
				inject(name+"#"+string(rune('0'+i)), u)
			}
		case strings.HasSuffix(name, ".message-object.json"):
			inject(name, append(append([]byte(`{"message":`), raw...), '}'))
		default:
			inject(name, raw)
		}
	}

	a := post(t, srv, testToken, "getUpdates", nil)
	assertASCII(t, a.body)
	if !bytes.Contains(a.body, []byte(`{"update_id":`+strconv.Itoa(ids[0])+",\n\"")) {
		t.Fatalf("updates not written as {\"update_id\":N,\\n…: %.200s", a.body)
	}
	for _, unknown := range []string{`"author_signature":"Jun"`, `"is_premium":true`, `"chat_instance":"-2291384178539442901"`, `"\ud83c\udfaf"`} {
		if !bytes.Contains(a.body, []byte(unknown)) {
			t.Errorf("%s lost on the way through", unknown)
		}
	}

	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil {
		t.Fatalf("the library cannot decode the corpus: %v", err)
	}
	if len(ups) != len(ids) {
		t.Fatalf("%d updates back, %d injected", len(ups), len(ids))
	}
	for i, u := range ups {
		if u.UpdateID != ids[i] {
			t.Errorf("%s: update_id %d, want %d", names[i], u.UpdateID, ids[i])
		}
		if u.Message == nil && u.EditedMessage == nil && u.ChannelPost == nil && u.CallbackQuery == nil && u.MyChatMember == nil {
			t.Errorf("%s: decoded to nothing: %+v", names[i], u)
		}
		switch names[i] {
		case "callback_query_private_simple.json":
			if u.CallbackData() != "button2_bijoy" || u.CallbackQuery.Message.MessageID != 60 {
				t.Errorf("%s: %+v", names[i], u.CallbackQuery)
			}
		case "message_dice_emoji_surrogate.message-object.json":
			if u.Message.Dice == nil || u.Message.Dice.Emoji != "🎯" || u.Message.Dice.Value != 4 {
				t.Errorf("%s: dice %+v", names[i], u.Message.Dice)
			}
		case "start_deeplink_payload_private.json":
			if u.Message.CommandArguments() != "YnZiMTIzbWlzY0BnbWFpbC5jb20=" {
				t.Errorf("%s: args %q", names[i], u.Message.CommandArguments())
			}
		}
	}

	// The chats the corpus mentions are remembered: the bot's answers show their names.
	m, err := bot.Send(tgbotapi.NewMessageToChannel("@nosuchchannel_loaphuong", "x"))
	if err != nil || m.Chat.Type != "channel" || m.Chat.Title != "nosuchchannel_loaphuong" {
		t.Fatalf("send to @username: %+v, %v", m.Chat, err)
	}
	if got := srv.Messages(srv.ResolveUsername("@NoSuchChannel_LoaPhuong")); len(got) != 1 {
		t.Fatalf("messages by username: %+v", got)
	}
	m, err = bot.Send(tgbotapi.NewMessage(-1001241558182, "x"))
	if err != nil || m.Chat.Title != "VVV talk" || m.Chat.Type != "channel" {
		t.Fatalf("reply to a corpus channel: %+v, %v", m.Chat, err)
	}
}

func TestInjectUpdateRejects(t *testing.T) {
	srv, _ := start(t)
	for _, raw := range []string{`[]`, `{"update_id":1}`, `{"message":`, `{"message":{}} x`} {
		if _, err := srv.InjectUpdate([]byte(raw)); err == nil {
			t.Errorf("InjectUpdate(%s) accepted", raw)
		}
	}
}

func TestAllowedUpdatesFilter(t *testing.T) {
	srv, bot := start(t)
	// chat_member updates come only to bots that ask for them by name.
	if _, err := srv.InjectUpdate([]byte(`{"chat_member":{"chat":{"id":-5,"type":"group","title":"g"}}}`)); err == nil {
		t.Fatal("chat_member queued under the default allowed_updates")
	}
	// A bot asking for messages only never sees button presses, as on Telegram.
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: []string{"message"}}); err != nil {
		t.Fatal(err)
	}
	msg := tgbotapi.NewMessage(lan.ID, "Chọn")
	msg.ReplyMarkup = inlineKeyboard("Có", "yes")
	if _, err := bot.Send(msg); err != nil {
		t.Fatal(err)
	}
	if _, err := srv.PressButton(telegramtest.PrivateChat(lan), lan, "Có"); err == nil || !strings.Contains(err.Error(), "allowed_updates") {
		t.Fatalf("PressButton with callback_query not allowed: %v", err)
	}
	srv.SendText(telegramtest.PrivateChat(lan), lan, "vẫn tới")
	// The library sends allowed_updates=null when unset: the setting stays.
	ups, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 || ups[0].Message == nil || ups[0].Message.Text != "vẫn tới" {
		t.Fatalf("%+v, %v", ups, err)
	}
	// An empty list restores the default set.
	if a := post(t, srv, testToken, "getUpdates", url.Values{"allowed_updates": {"[]"}}); a.status != 200 {
		t.Fatal(string(a.body))
	}
	if _, err := srv.PressButton(telegramtest.PrivateChat(lan), lan, "Có"); err != nil {
		t.Fatal(err)
	}
}
