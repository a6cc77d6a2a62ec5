package bot_test

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/store"
)

const hookURL = "https://loaphuong.example.org/telegram"

// redirect sends every request to target, whatever its URL says: the
// webhook's public HTTPS URL reaches the bot's local listener.
type redirect struct{ target *url.URL }

func (r redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = r.target.Scheme, r.target.Host
	return http.DefaultTransport.RoundTrip(req)
}

// hookEnv is a bot in webhook mode whose handler listens on a local server
// that the fake Telegram posts to.
type hookEnv struct {
	srv  *telegramtest.Server
	db   *store.DB
	bot  *bot.Bot
	hook *httptest.Server
	logs *syncBuffer
}

// newHookEnv makes a bot in webhook mode and serves its handler; it does
// not run the bot. A nil srv or db makes a new one.
func newHookEnv(tb testing.TB, srv *telegramtest.Server, db *store.DB, secret string) *hookEnv {
	tb.Helper()
	e := &hookEnv{srv: srv, db: db, logs: &syncBuffer{}}
	var target url.URL
	if e.srv == nil {
		e.srv = telegramtest.NewServer(telegramtest.Options{Token: testToken, WebhookClient: &http.Client{Transport: redirect{&target}}})
		tb.Cleanup(e.srv.Close)
	}
	if e.db == nil {
		e.db = MustOpenDB(tb, filepath.Join(tb.TempDir(), "test.db"))
		seedAreas(tb, e.db)
	}
	e.bot = bot.New(bot.Config{
		API: bot.NewClient(testToken, e.srv.URL, nil), Store: e.db,
		Logger:  slog.New(slog.NewTextHandler(e.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Webhook: bot.Webhook{URL: hookURL, Secret: secret},
	})
	e.hook = httptest.NewServer(e.bot.WebhookHandler())
	tb.Cleanup(e.hook.Close)
	u, _ := url.Parse(e.hook.URL)
	target = *u
	return e
}

// run runs the bot until stop is called or the test ends. Once stop has
// returned, every update the bot started on is handled and marked so.
func (e *hookEnv) run(tb testing.TB) (stop func()) {
	tb.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	before := e.srv.Count("setMyCommands")
	go func() { done <- e.bot.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				tb.Errorf("Run: %v", err)
			}
		})
	}
	tb.Cleanup(stop)
	waitSrv(tb, e.srv, func() bool { return e.srv.Count("setMyCommands") > before })
	return stop
}

func waitSrv(tb testing.TB, srv *telegramtest.Server, cond func() bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Wait(ctx, cond); err != nil {
		tb.Fatalf("condition not met: %v", err)
	}
}

// post posts a raw update to the bot's webhook with the given secret header.
func (e *hookEnv) post(tb testing.TB, secret, body string) int {
	tb.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.hook.URL, strings.NewReader(body))
	if secret != "" {
		req.Header.Set(bot.SecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

const startUpdate = `{"update_id":%d,"message":{"message_id":1,"from":{"id":%d,"is_bot":false,"first_name":"Lan"},` +
	`"chat":{"id":%d,"type":"private","first_name":"Lan"},"date":1700000000,"text":"/start kp3-phu-tho-hoa",` +
	`"entities":[{"offset":0,"length":6,"type":"bot_command"}]}}`

func TestWebhook_Secret(t *testing.T) {
	e := newHookEnv(t, nil, nil, "the-secret_42")
	stop := e.run(t)
	if got := e.srv.Requests(); !hasRequest(got, "setWebhook", "secret_token", "the-secret_42") {
		t.Fatal("setWebhook was not called with the secret")
	}

	body := fmt.Sprintf(startUpdate, 7, 777, 777)
	for _, secret := range []string{"", "the-secret_41", "the-secret_42x"} {
		if code := e.post(t, secret, body); code != http.StatusUnauthorized {
			t.Errorf("secret %q: status %d, want 401", secret, code)
		}
	}
	if n, _ := e.db.CountUnhandledUpdates(context.Background()); n != 0 {
		t.Fatalf("%d updates stored from requests without the secret", n)
	}
	if code := e.post(t, "the-secret_42", `{"message":{}}`); code != http.StatusBadRequest {
		t.Errorf("an update without update_id: status %d", code)
	}

	// Telegram, with the secret: handled as in polling mode.
	lan := telegramtest.User{ID: 501, FirstName: "Lan"}
	id := e.srv.SendDeepLink(lan, "kp3-phu-tho-hoa")
	waitSrv(t, e.srv, func() bool { return e.srv.Confirmed() >= id })
	msgs, err := e.srv.WaitMessages(deadlineCtx(t), lan.ID, 1)
	if err != nil || !strings.Contains(msgs[0].Text, "Khu phố 3") {
		t.Fatalf("reply to the deep link: %+v, %v\n%s", msgs, err, e.logs.String())
	}
	// The same update again (Telegram did not see our answer): stored once.
	if code := e.post(t, "the-secret_42", fmt.Sprintf(startUpdate, id, lan.ID, lan.ID)); code != http.StatusOK {
		t.Fatalf("a repeat: status %d", code)
	}
	stop()
	if msgs := e.srv.Messages(lan.ID); len(msgs) != 1 {
		t.Errorf("%d replies, want 1: the repeat was handled", len(msgs))
	}
	m := e.bot.Metrics()
	if m.Webhook["rejected"] != 3 || m.Webhook["repeated"] != 1 || m.Webhook["accepted"] != 1 || m.Webhook["invalid"] != 1 || m.Updates["message"] != 1 {
		t.Errorf("metrics = %+v", m)
	}
}

// TestWebhook_AcknowledgedSurvivesCrash: the webhook stores and acknowledges
// updates, the process dies before handling them, and the next process
// handles them, in order, from the database.
func TestWebhook_AcknowledgedSurvivesCrash(t *testing.T) {
	first := newHookEnv(t, nil, nil, "s3cret")
	// The first process sets the webhook, receives two updates and dies
	// before its update loop handles them: it never runs one.
	if _, err := bot.NewClient(testToken, first.srv.URL, nil).MakeRequest(context.Background(), "setWebhook",
		map[string]string{"url": hookURL, "secret_token": "s3cret"}); err != nil {
		t.Fatal(err)
	}
	lan := telegramtest.User{ID: 601, FirstName: "Lan"}
	e1 := first.srv.SendDeepLink(lan, "kp3-phu-tho-hoa")
	e2 := first.srv.SendText(telegramtest.PrivateChat(lan), lan, "/mine")
	waitSrv(t, first.srv, func() bool { return first.srv.Confirmed() >= e2 })
	if n, _ := first.db.CountUnhandledUpdates(context.Background()); n != 2 {
		t.Fatalf("%d updates stored, want 2", n)
	}
	if len(first.srv.Messages(lan.ID)) != 0 {
		t.Fatal("the first process answered")
	}
	first.hook.Close()

	second := newHookEnv(t, first.srv, first.db, "s3cret")
	stop := second.run(t)
	msgs, err := second.srv.WaitMessages(deadlineCtx(t), lan.ID, 2)
	if err != nil {
		t.Fatalf("after the restart: %v\n%s", err, second.logs.String())
	}
	if !strings.Contains(msgs[0].Text, "đã đăng ký") || !strings.Contains(msgs[1].Text, "Khu phố 3") {
		t.Errorf("replies after the restart: %q, %q", msgs[0].Text, msgs[1].Text)
	}
	stop()
	if n, _ := second.db.CountUnhandledUpdates(context.Background()); n != 0 {
		t.Errorf("%d updates left unhandled", n)
	}
	if e1 >= e2 || second.srv.Pending() != 0 {
		t.Errorf("ids %d, %d; %d still queued at Telegram", e1, e2, second.srv.Pending())
	}
}

// TestWebhook_BackToPolling: a bot started without a webhook deletes the
// webhook a previous run set, and polls.
func TestWebhook_BackToPolling(t *testing.T) {
	e := newHookEnv(t, nil, nil, "s3cret")
	e.run(t)
	p := runBot(t, e.srv, e.db, bot.Config{})
	lan := telegramtest.User{ID: 701, FirstName: "Lan"}
	id := p.srv.SendDeepLink(lan, "kp1-phu-tho-hoa")
	p.handled(t, id)
	if p.srv.Count("deleteWebhook") == 0 || len(p.srv.Messages(lan.ID)) != 1 {
		t.Errorf("deleteWebhook %d, messages %d", p.srv.Count("deleteWebhook"), len(p.srv.Messages(lan.ID)))
	}
}

func hasRequest(reqs []telegramtest.Request, method, key, value string) bool {
	for _, r := range reqs {
		if r.Method == method && r.Params.Get(key) == value {
			return true
		}
	}
	return false
}

func deadlineCtx(tb testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	tb.Cleanup(cancel)
	return ctx
}

// BenchmarkWebhookAck measures how fast the webhook stores and
// acknowledges updates, from 8 connections at once (Telegram uses up to 40).
func BenchmarkWebhookAck(b *testing.B) {
	e := newHookEnv(b, nil, nil, "s3cret")
	var next atomic.Int64
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.SetParallelism(4) // 4 x GOMAXPROCS goroutines
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			id := next.Add(1)
			req, _ := http.NewRequest(http.MethodPost, e.hook.URL, strings.NewReader(fmt.Sprintf(startUpdate, id, 1000+id, 1000+id)))
			req.Header.Set(bot.SecretHeader, "s3cret")
			resp, err := client.Do(req)
			if err != nil {
				b.Error(err)
				return
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusOK {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "updates/s")
}
