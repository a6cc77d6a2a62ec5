package telegramtest_test

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

func TestOverallLimit(t *testing.T) {
	srv, bot := start(t)
	srv.SetLimits(telegramtest.Limits{Overall: 10})
	began := time.Now()
	ok, limited := 0, 0
	for i := 0; i < 30; i++ {
		_, err := bot.Send(tgbotapi.NewMessage(int64(1000+i), "tin "+strconv.Itoa(i)))
		if err == nil {
			ok++
			continue
		}
		e := wantAPIError(t, err, 429, "Too Many Requests: retry after 1")
		if e.RetryAfter < 1 {
			t.Fatalf("retry_after %d", e.RetryAfter)
		}
		limited++
	}
	if time.Since(began) < time.Second && (ok != 10 || limited != 20) {
		t.Fatalf("within a second: %d sent, %d limited; want 10 and 20", ok, limited)
	}
	if limited == 0 {
		t.Fatal("nothing limited")
	}
	if st := srv.Stats(); st.Sent != ok || st.TooMany != limited {
		t.Fatalf("Stats %+v, want Sent %d TooMany %d", st, ok, limited)
	}
	// Other methods are not limited.
	if _, err := bot.Request(tgbotapi.NewChatAction(lan.ID, tgbotapi.ChatTyping)); err != nil {
		t.Fatal(err)
	}
}

func TestPerChatLimit(t *testing.T) {
	srv, bot := start(t)
	srv.SetLimits(telegramtest.Limits{PerChat: time.Second})
	if _, err := bot.Send(tgbotapi.NewMessage(lan.ID, "1")); err != nil {
		t.Fatal(err)
	}
	_, err := bot.Send(tgbotapi.NewMessage(lan.ID, "2"))
	if e := wantAPIError(t, err, 429, "Too Many Requests: retry after 1"); e.RetryAfter != 1 {
		t.Fatalf("retry_after %d", e.RetryAfter)
	}
	a := post(t, srv, testToken, "sendMessage", url.Values{"chat_id": {strconv.FormatInt(lan.ID, 10)}, "text": {"3"}})
	if a.status != 429 || a.header.Get("Retry-After") != "1" || a.env.Parameters["retry_after"] != float64(1) {
		t.Fatalf("raw: %d %s Retry-After %q", a.status, a.body, a.header.Get("Retry-After"))
	}
	if _, err := bot.Send(tgbotapi.NewMessage(minh.ID, "other chat")); err != nil {
		t.Fatalf("another chat limited: %v", err)
	}
	srv.SetLimits(telegramtest.Limits{})
	if _, err := bot.Send(tgbotapi.NewMessage(lan.ID, "4")); err != nil {
		t.Fatalf("limits cleared but: %v", err)
	}
}

func TestPerGroupLimit(t *testing.T) {
	srv, bot := start(t)
	srv.SetLimits(telegramtest.Limits{PerGroup: 20})
	for i := 0; i < 20; i++ {
		if _, err := bot.Send(tgbotapi.NewMessage(toDanPho.ID, strconv.Itoa(i))); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	_, err := bot.Send(tgbotapi.NewMessage(toDanPho.ID, "21"))
	e := apiError(t, err)
	if e.Code != 429 || e.RetryAfter < 1 || e.RetryAfter > 60 || e.Message != "Too Many Requests: retry after "+strconv.Itoa(e.RetryAfter) {
		t.Fatalf("21st message to a group: %d %q retry %d", e.Code, e.Message, e.RetryAfter)
	}
	// Private chats are not groups.
	for i := 0; i < 25; i++ {
		if _, err := bot.Send(tgbotapi.NewMessage(lan.ID, strconv.Itoa(i))); err != nil {
			t.Fatal(err)
		}
	}
}
