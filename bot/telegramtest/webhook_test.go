package telegramtest_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

// redirect sends every request to target, whatever its URL says: the
// webhook's public HTTPS URL reaches a local plain-HTTP listener.
type redirect struct{ target *url.URL }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.target.Scheme, r.target.Host
	return http.DefaultTransport.RoundTrip(req)
}

func TestWebhookDelivery(t *testing.T) {
	var mu sync.Mutex
	var got []string
	fail := 1 // the first post fails, as a bot restarting would
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if r.URL.Path != "/tg/hook" || r.Header.Get("X-Telegram-Bot-Api-Secret-Token") != "s3cret_-X" {
			t.Errorf("posted to %s with secret %q", r.URL.Path, r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		}
		if fail > 0 {
			fail--
			http.Error(w, "down", http.StatusBadGateway)
			return
		}
		body, _ := io.ReadAll(r.Body)
		var u tgbotapi.Update
		if err := json.Unmarshal(body, &u); err != nil || u.Message == nil {
			t.Errorf("posted %s: %v", body, err)
			return
		}
		got = append(got, u.Message.Text)
	}))
	defer hook.Close()
	target, _ := url.Parse(hook.URL)
	srv := telegramtest.NewServer(telegramtest.Options{Token: testToken, WebhookClient: &http.Client{Transport: redirect{target}}})
	defer srv.Close()
	api := client(t, srv, http.DefaultClient)

	if _, err := api.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://bot.example.org/tg/hook", "secret_token": "bad secret!"}); err == nil {
		t.Fatal("a secret with a space was accepted")
	}
	if _, err := api.MakeRequest("setWebhook", tgbotapi.Params{"url": "https://bot.example.org/tg/hook", "secret_token": "s3cret_-X"}); err != nil {
		t.Fatal(err)
	}
	first := srv.SendText(telegramtest.PrivateChat(lan), lan, "một")
	last := srv.SendText(telegramtest.PrivateChat(lan), lan, "hai")
	if err := srv.Wait(deadline(t), func() bool { return srv.Confirmed() >= last }); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	if len(got) != 2 || got[0] != "một" || got[1] != "hai" {
		t.Errorf("delivered %q, want both in order", got)
	}
	mu.Unlock()
	if srv.WebhookDelivered() != 2 || srv.Confirmed() < first {
		t.Errorf("delivered %d", srv.WebhookDelivered())
	}
	info, err := api.GetWebhookInfo()
	if err != nil || info.URL != "https://bot.example.org/tg/hook" || info.LastErrorDate == 0 || info.PendingUpdateCount != 0 {
		t.Errorf("getWebhookInfo = %+v, %v", info, err)
	}
	t.Logf("last error: %s", info.LastErrorMessage)

	// Deleted: updates wait for getUpdates again.
	if _, err := api.Request(tgbotapi.DeleteWebhookConfig{}); err != nil {
		t.Fatal(err)
	}
	srv.SendText(telegramtest.PrivateChat(lan), lan, "ba")
	updates, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: last + 1})
	if err != nil || len(updates) != 1 || updates[0].Message.Text != "ba" {
		t.Fatalf("after deleteWebhook: %v, %v", updates, err)
	}
}
