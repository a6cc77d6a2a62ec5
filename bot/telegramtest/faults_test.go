package telegramtest_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

// Every fault kind reaches the bot as the library's *tgbotapi.Error with its code,
// description and parameters.
func TestFaultsDecodedByLibrary(t *testing.T) {
	for _, tc := range []struct {
		name      string
		fault     telegramtest.Fault
		desc      string
		retry     int
		migrateTo int64
	}{
		{"429", telegramtest.Fault{Code: 429, RetryAfter: 7}, "Too Many Requests: retry after 7", 7, 0},
		{"403", telegramtest.Fault{Code: 403}, "Forbidden: bot was blocked by the user", 0, 0},
		{"403 custom", telegramtest.Fault{Code: 403, Description: "Forbidden: user is deactivated"}, "Forbidden: user is deactivated", 0, 0},
		{"400 migrate", telegramtest.Fault{MigrateTo: -1001555296434}, "Bad Request: group chat was upgraded to a supergroup chat", 0, -1001555296434},
		{"400", telegramtest.Fault{Code: 400}, "Bad Request: chat not found", 0, 0},
		{"500", telegramtest.Fault{Code: 500}, "Internal Server Error", 0, 0},
		{"502", telegramtest.Fault{Code: 502}, "Bad Gateway", 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, bot := start(t)
			srv.AddFault(tc.fault)
			_, err := bot.Send(tgbotapi.NewMessage(-4726613835, "x"))
			code := tc.fault.Code
			if code == 0 {
				code = 400
			}
			e := wantAPIError(t, err, code, tc.desc)
			if e.RetryAfter != tc.retry || e.MigrateToChatID != tc.migrateTo {
				t.Fatalf("parameters %+v, want retry_after %d migrate_to %d", e.ResponseParameters, tc.retry, tc.migrateTo)
			}
			if tc.retry > 0 {
				a := post(t, srv, testToken, "sendMessage", url.Values{"chat_id": {"1"}, "text": {"x"}})
				if a.header.Get("Retry-After") != "7" || a.status != 429 {
					t.Fatalf("raw 429: %d, Retry-After %q", a.status, a.header.Get("Retry-After"))
				}
			}
			if srv.Count("sendMessage") != 0 || len(srv.Messages(-4726613835)) != 0 {
				t.Fatal("a faulted request was carried out")
			}
		})
	}
}

func TestFaultTimesMethodAndChat(t *testing.T) {
	srv, bot := start(t)
	srv.AddFault(telegramtest.Fault{Method: "sendMessage", ChatID: lan.ID, Code: 502, Times: 2})
	// Not matching: another chat, another method. They must not count down Times.
	if _, err := bot.Send(tgbotapi.NewMessage(minh.ID, "x")); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.Request(tgbotapi.NewChatAction(lan.ID, tgbotapi.ChatTyping)); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 2; i++ {
		_, err := bot.Send(tgbotapi.NewMessage(lan.ID, "x"))
		wantAPIError(t, err, 502, "Bad Gateway")
	}
	if _, err := bot.Send(tgbotapi.NewMessage(lan.ID, "x")); err != nil {
		t.Fatalf("the fault outlived its Times: %v", err)
	}

	// A fault for every method spares getUpdates and getMe.
	srv.AddFault(telegramtest.Fault{Code: 500})
	if _, err := bot.GetUpdates(tgbotapi.UpdateConfig{}); err != nil {
		t.Fatal(err)
	}
	if _, err := bot.GetMe(); err != nil {
		t.Fatal(err)
	}
	_, err := bot.Request(tgbotapi.NewCallback("1", ""))
	wantAPIError(t, err, 500, "Internal Server Error")
	// Faults apply in the order added.
	srv.ClearFaults()
	srv.AddFault(telegramtest.Fault{Method: "sendMessage", Code: 403, Times: 1})
	srv.AddFault(telegramtest.Fault{Method: "sendMessage", Code: 429, RetryAfter: 3})
	_, err = bot.Send(tgbotapi.NewMessage(lan.ID, "x"))
	wantAPIError(t, err, 403, "Forbidden: bot was blocked by the user")
	_, err = bot.Send(tgbotapi.NewMessage(lan.ID, "x"))
	wantAPIError(t, err, 429, "Too Many Requests: retry after 3")
	srv.ClearFaults()
	if _, err := bot.Send(tgbotapi.NewMessage(lan.ID, "x")); err != nil {
		t.Fatal(err)
	}
	// Faults come before blocked chats, which come before the method's own checks.
	srv.BlockChat(lan.ID)
	srv.AddFault(telegramtest.Fault{ChatID: lan.ID, Code: 500, Times: 1})
	_, err = bot.Send(tgbotapi.NewMessage(lan.ID, ""))
	wantAPIError(t, err, 500, "Internal Server Error")
	_, err = bot.Send(tgbotapi.NewMessage(lan.ID, ""))
	wantAPIError(t, err, 403, "Forbidden: bot was blocked by the user")
}

func TestFaultDelay(t *testing.T) {
	srv, bot := start(t)
	srv.AddFault(telegramtest.Fault{Method: "sendMessage", Delay: 200 * time.Millisecond, Times: 1})
	began := time.Now()
	if _, err := bot.Send(tgbotapi.NewMessage(lan.ID, "chậm")); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took < 200*time.Millisecond {
		t.Fatalf("a delayed answer took %v", took)
	}

	// A slow answer whose client gives up is abandoned at once, and recorded so.
	srv.AddFault(telegramtest.Fault{Method: "sendMessage", Delay: time.Hour, Times: 1})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/bot"+testToken+"/sendMessage?chat_id=1&text=x", nil)
		_, err := http.DefaultClient.Do(req)
		done <- err
	}()
	if err := srv.Wait(deadline(t), func() bool { return inFlight(srv, "sendMessage") }); err != nil {
		t.Fatal(err)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("client: %v", err)
	}
	err := srv.Wait(deadline(t), func() bool {
		r := srv.Requests()
		return r[len(r)-1].Status == 499
	})
	if err != nil {
		t.Fatalf("the abandoned request was not recorded as 499: %v", err)
	}
	if len(srv.Messages(1)) != 0 {
		t.Fatal("an abandoned request was carried out")
	}
}

func TestBlockAndMigrateChats(t *testing.T) {
	srv, bot := start(t)
	oldGroup, newGroup := int64(-4726613835), int64(-1001555296434)
	srv.BlockChat(lan.ID)
	srv.BlockChat(oldGroup)
	srv.BlockChat(toDanPho.ID)
	_, err := bot.Send(tgbotapi.NewMessage(lan.ID, "x"))
	wantAPIError(t, err, 403, "Forbidden: bot was blocked by the user")
	_, err = bot.Send(tgbotapi.NewMessage(oldGroup, "x"))
	wantAPIError(t, err, 403, "Forbidden: bot was kicked from the group chat")
	_, err = bot.Send(tgbotapi.NewMessage(toDanPho.ID, "x"))
	wantAPIError(t, err, 403, "Forbidden: bot was kicked from the supergroup chat")

	srv2, bot2 := start(t)
	srv2.MigrateChat(oldGroup, newGroup)
	_, err = bot2.Send(tgbotapi.NewMessage(oldGroup, "x"))
	e := wantAPIError(t, err, 400, "Bad Request: group chat was upgraded to a supergroup chat")
	if e.MigrateToChatID != newGroup {
		t.Fatalf("migrate_to_chat_id %d", e.MigrateToChatID)
	}
	if _, err := bot2.Send(tgbotapi.NewMessage(e.MigrateToChatID, "x")); err != nil {
		t.Fatal(err)
	}
	if len(srv2.Messages(newGroup)) != 1 || len(srv2.Messages(oldGroup)) != 0 {
		t.Fatal("the message went to the wrong chat")
	}
}

func TestLatency(t *testing.T) {
	srv, bot := start(t)
	srv.SetLatency(100 * time.Millisecond)
	began := time.Now()
	if _, err := bot.Send(tgbotapi.NewMessage(lan.ID, "x")); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(began); took < 100*time.Millisecond {
		t.Fatalf("answered in %v under 100ms latency", took)
	}
	srv.SetLatency(0)
}
