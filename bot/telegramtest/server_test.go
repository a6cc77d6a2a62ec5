package telegramtest_test

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

func TestGetMe(t *testing.T) {
	srv, bot := start(t)
	me := bot.Self
	if me.ID != 7000000001 || !me.IsBot || me.UserName != "loaphuong_test_bot" || me.FirstName != "Loa Phường" {
		t.Fatalf("getMe = %+v", me)
	}
	if !me.CanJoinGroups || me.CanReadAllGroupMessages || me.SupportsInlineQueries {
		t.Fatalf("getMe capabilities = %+v", me)
	}
	if n := srv.Count("getMe"); n != 1 {
		t.Fatalf("Count(getMe) = %d, want 1", n)
	}
}

func TestOptionsAndDefaultToken(t *testing.T) {
	srv := telegramtest.NewServer(telegramtest.Options{BotID: 42, BotUsername: "khac_bot", BotName: "Khác"})
	defer srv.Close()
	if !strings.HasPrefix(srv.Token, "42:") {
		t.Fatalf("default token %q does not start with the bot id", srv.Token)
	}
	bot, err := tgbotapi.NewBotAPIWithClient(srv.Token, srv.URL+"/bot%s/%s", http.DefaultClient)
	if err != nil {
		t.Fatal(err)
	}
	if bot.Self.ID != 42 || bot.Self.UserName != "khac_bot" || bot.Self.FirstName != "Khác" {
		t.Fatalf("getMe = %+v", bot.Self)
	}
}

func TestWrongToken(t *testing.T) {
	srv, _ := start(t)
	_, err := tgbotapi.NewBotAPIWithClient("123:wrong", srv.URL+"/bot%s/%s", http.DefaultClient)
	wantAPIError(t, err, 401, "Unauthorized")

	a := post(t, srv, "123:wrong", "sendMessage", url.Values{"chat_id": {"1"}, "text": {"x"}})
	if want := `{"ok":false,"error_code":401,"description":"Unauthorized"}`; a.status != 401 || string(a.body) != want {
		t.Fatalf("got %d %s, want 401 %s", a.status, a.body, want)
	}
	for _, r := range srv.Requests() {
		if strings.Contains(r.Params.Encode(), "wrong") {
			t.Fatalf("a token leaked into the records: %+v", r)
		}
	}
}

func TestNotFound(t *testing.T) {
	srv, _ := start(t)
	for _, tc := range []struct{ path, desc string }{
		{"/", "Not Found"},
		{"/getMe", "Not Found"},
		{"/bot" + testToken, "Not Found"},
		{"/bot" + testToken + "/noSuchMethod", "Not Found: method not found"},
	} {
		resp, err := http.Get(srv.URL + tc.path)
		if err != nil {
			t.Fatal(err)
		}
		a := readAnswer(t, resp)
		if a.status != 404 || a.env.Ok || a.env.Description != tc.desc {
			t.Errorf("GET %s: %d %s, want 404 %q", tc.path, a.status, a.body, tc.desc)
		}
	}
	// Telegram ignores the case of method names.
	if a := post(t, srv, testToken, "GETME", nil); a.status != 200 {
		t.Errorf("GETME: %d %s", a.status, a.body)
	}
}

func TestNonASCIIEscapedLikeTelegram(t *testing.T) {
	srv, bot := start(t)
	a := post(t, srv, testToken, "getMe", nil)
	assertASCII(t, a.body)
	if !bytes.Contains(a.body, []byte(`"first_name":"Loa Ph\u01b0\u1eddng"`)) {
		t.Fatalf("getMe body %s lacks the escaped name", a.body)
	}
	a = post(t, srv, testToken, "sendMessage", url.Values{"chat_id": {"356781234"}, "text": {"Chào 👋 <b>&"}})
	assertASCII(t, a.body)
	if !bytes.Contains(a.body, []byte(`"text":"Ch\u00e0o \ud83d\udc4b <b>&"`)) {
		t.Fatalf("sendMessage body %s: emoji not a surrogate pair, or <>& escaped", a.body)
	}
	// And the library reads it back.
	m, err := bot.Send(tgbotapi.NewMessage(lan.ID, "Chào 👋"))
	if err != nil || m.Text != "Chào 👋" {
		t.Fatalf("Send = %q, %v", m.Text, err)
	}
}

func TestRequestsRecorded(t *testing.T) {
	srv, bot := start(t)
	if _, err := bot.Send(tgbotapi.NewMessage(lan.ID, "một")); err != nil {
		t.Fatal(err)
	}
	_, err := bot.Send(tgbotapi.NewMessage(lan.ID, ""))
	wantAPIError(t, err, 400, "Bad Request: message text is empty")

	reqs := srv.Requests()
	if len(reqs) != 3 || reqs[0].Method != "getMe" || reqs[1].Method != "sendMessage" || reqs[2].Method != "sendMessage" {
		t.Fatalf("requests = %+v", reqs)
	}
	if reqs[1].Status != 200 || reqs[2].Status != 400 || reqs[1].Time.IsZero() {
		t.Fatalf("statuses = %d, %d", reqs[1].Status, reqs[2].Status)
	}
	if got := reqs[1].Params.Get("text"); got != "một" {
		t.Fatalf("recorded text %q", got)
	}
	reqs[1].Params.Set("text", "changed")
	if srv.Requests()[1].Params.Get("text") != "một" {
		t.Fatal("Requests does not return copies")
	}
	if srv.Count("sendMessage") != 1 {
		t.Fatalf("Count(sendMessage) = %d, want 1 (only ok answers)", srv.Count("sendMessage"))
	}
	if st := srv.Stats(); st.Requests != 3 || st.Sent != 1 || st.Errors != 1 || st.TooMany != 0 {
		t.Fatalf("Stats = %+v", st)
	}
}

func TestParamsByQueryAndJSON(t *testing.T) {
	srv, _ := start(t)
	resp, err := http.Get(srv.URL + "/bot" + testToken + "/sendMessage?chat_id=5&text=qua+GET")
	if err != nil {
		t.Fatal(err)
	}
	if a := readAnswer(t, resp); a.status != 200 {
		t.Fatalf("GET sendMessage: %s", a.body)
	}
	resp, err = http.Post(srv.URL+"/bot"+testToken+"/sendMessage", "application/json",
		strings.NewReader(`{"chat_id":5,"text":"qua JSON","reply_markup":{"inline_keyboard":[[{"text":"A","callback_data":"a"}]]}}`))
	if err != nil {
		t.Fatal(err)
	}
	if a := readAnswer(t, resp); a.status != 200 {
		t.Fatalf("JSON sendMessage: %s", a.body)
	}
	msgs := srv.Messages(5)
	if len(msgs) != 2 || msgs[0].Text != "qua GET" || msgs[1].Text != "qua JSON" || msgs[1].Buttons[0][0].Data != "a" {
		t.Fatalf("messages = %+v", msgs)
	}
}
