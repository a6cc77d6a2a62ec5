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

func TestPaidLimit(t *testing.T) {
	srv, _ := start(t)
	srv.SetLimits(telegramtest.Limits{Overall: 2, Paid: 5})
	send := func(chat int, paid bool) int {
		p := url.Values{"chat_id": {strconv.Itoa(chat)}, "text": {"tin"}}
		if paid {
			p.Set("allow_paid_broadcast", "true")
		}
		return post(t, srv, testToken, "sendMessage", p).status
	}
	var got []int
	for i := range 6 {
		got = append(got, send(3000+i, true))
	}
	got = append(got, send(4000, false), send(4001, false), send(4002, false))
	// Paid sends count against Paid only: five pass, then 429; the free
	// ceiling of two is still whole.
	want := []int{200, 200, 200, 200, 200, 429, 200, 200, 429}
	if len(got) != len(want) {
		t.Fatalf("statuses %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("statuses %v, want %v", got, want)
		}
	}
}

func TestMaxRequests(t *testing.T) {
	srv := telegramtest.NewServer(telegramtest.Options{Token: testToken, MaxRequests: 10})
	defer srv.Close()
	for i := range 25 {
		if a := post(t, srv, testToken, "sendMessage", url.Values{"chat_id": {"1"}, "text": {strconv.Itoa(i)}}); a.status != 200 {
			t.Fatalf("send %d: %d", i, a.status)
		}
	}
	reqs := srv.Requests()
	if len(reqs) > 10 || reqs[len(reqs)-1].Params.Get("text") != "24" || reqs[len(reqs)-1].Status != 200 {
		t.Fatalf("kept %d requests, last %+v", len(reqs), reqs[len(reqs)-1])
	}
	if st := srv.Stats(); st.Sent != 25 || srv.Count("sendMessage") != 25 {
		t.Fatalf("Stats %+v, Count %d: want every send counted", st, srv.Count("sendMessage"))
	}
}
