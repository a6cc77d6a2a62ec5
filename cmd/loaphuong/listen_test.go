package main_test

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
)

var listeningAddr = regexp.MustCompile(`"?addr"?[=:]"?([0-9.]+:[0-9]+)`)

// listenAddr waits for serve to log the address it listens on.
func listenAddr(t *testing.T, logs *syncBuffer) string {
	t.Helper()
	if !logs.waitFor("listening", 10*time.Second) {
		t.Fatalf("serve did not listen:\n%s", logs.String())
	}
	m := listeningAddr.FindStringSubmatch(logs.String()[strings.Index(logs.String(), "listening"):])
	if m == nil {
		t.Fatalf("no address in:\n%s", logs.String())
	}
	return m[1]
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// TestServe_HealthAndMetrics runs serve with --listen: /healthz says ok
// once Telegram answered, and /metrics counts what the test did: two
// residents subscribe, a broadcast reaches them through one 429.
func TestServe_HealthAndMetrics(t *testing.T) {
	db, _ := broadcastWorld(t)
	srv := telegramtest.NewServer(telegramtest.Options{Token: token})
	defer srv.Close()
	p := startServe(t, srv, db, "--listen", "127.0.0.1:0", "--log-format", "json")
	defer p.stop(t)
	base := "http://" + listenAddr(t, p.err)

	code, body := get(t, base+"/healthz")
	var h struct {
		Status, Database, Telegram string
		Age                        float64 `json:"telegram_age_seconds"`
	}
	if err := json.Unmarshal([]byte(body), &h); err != nil || code != 200 || h.Status != "ok" || h.Database != "ok" || h.Telegram != "ok" || h.Age > 60 {
		t.Fatalf("/healthz = %d %s (%v)", code, body, err)
	}

	lan, minh := telegramtest.User{ID: 201, FirstName: "Lan"}, telegramtest.User{ID: 202, FirstName: "Minh"}
	srv.SendDeepLink(lan, "kp2-pth")
	id := srv.SendDeepLink(minh, "kp2-pth")
	waitFor(t, srv, func() bool { return srv.Confirmed() >= id })
	srv.AddFault(telegramtest.Fault{Method: "sendMessage", ChatID: lan.ID, Code: 429, RetryAfter: 1, Times: 1})
	enqueueCLI(t, db, "--area", "kp2-pth", "--text", "Phun thuốc diệt muỗi sáng Chủ nhật")
	waitFor(t, srv, func() bool { return len(srv.Messages(lan.ID)) == 2 && len(srv.Messages(minh.ID)) == 2 })

	want := []string{
		`loaphuong_updates_handled_total{kind="message"} 2`,
		`loaphuong_messages_sent_total{outcome="sent"} 2`,
		`loaphuong_messages_sent_total{outcome="rate_limited"} 1`,
		`loaphuong_telegram_too_many_requests_total 1`,
		`loaphuong_deliveries_pending 0`,
		`loaphuong_webhook_requests_total{result="accepted"} 0`,
		`loaphuong_scheduler_firings_total{outcome="fired"} 0`,
		`loaphuong_source_polls_total{result="error"} 0`,
		`go_goroutines`,
	}
	var metrics string
	// The last outcome is recorded just after the message arrives: read until it is.
	ok := p.err.waitFor("broadcast delivered", 10*time.Second)
	_, metrics = get(t, base+"/metrics")
	for _, w := range want {
		if !strings.Contains(metrics, w) {
			t.Errorf("/metrics lacks %q (delivered logged: %v)", w, ok)
		}
	}
	if t.Failed() {
		t.Logf("/metrics:\n%s", grepLines(metrics, "loaphuong_"))
	}
	if code, _ := get(t, base+"/nothing"); code != http.StatusNotFound {
		t.Errorf("/nothing: %d", code)
	}
}

func grepLines(s, prefix string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// redirect sends every request to a target set once serve listens: the
// webhook's public HTTPS URL reaches serve's local listener, as a reverse
// proxy would forward it.
type redirect struct {
	mu     sync.Mutex
	target string
}

func (r *redirect) set(addr string) {
	r.mu.Lock()
	r.target = addr
	r.mu.Unlock()
}

func (r *redirect) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	target := r.target
	r.mu.Unlock()
	req = req.Clone(req.Context())
	req.URL.Scheme, req.URL.Host = "http", target
	return http.DefaultTransport.RoundTrip(req)
}

// TestServe_Webhook runs serve in webhook mode: Telegram posts with the
// secret serve chose and stored, residents are answered, a request
// without the secret is refused; serve started again without the webhook
// deletes it and polls.
func TestServe_Webhook(t *testing.T) {
	db, _ := broadcastWorld(t)
	rd := &redirect{}
	srv := telegramtest.NewServer(telegramtest.Options{Token: token, WebhookClient: &http.Client{Transport: rd}})
	defer srv.Close()
	p := startServe(t, srv, db, "--listen", "127.0.0.1:0", "--webhook-url", "https://loaphuong.example.org/tg/hook")
	addr := listenAddr(t, p.err)
	rd.set(addr)

	var secret string
	for _, r := range srv.Requests() {
		if r.Method == "setWebhook" {
			secret = r.Params.Get("secret_token")
			if r.Params.Get("url") != "https://loaphuong.example.org/tg/hook" {
				t.Errorf("setWebhook url %q", r.Params.Get("url"))
			}
		}
	}
	if len(secret) < 32 {
		t.Fatalf("setWebhook secret %q", secret)
	}
	lan := telegramtest.User{ID: 301, FirstName: "Lan"}
	srv.SendDeepLink(lan, "kp1-pth")
	waitFor(t, srv, func() bool { return len(srv.Messages(lan.ID)) == 1 })
	if m := srv.Messages(lan.ID)[0]; !strings.Contains(m.Text, "Khu phố 1") {
		t.Errorf("reply %q", m.Text)
	}
	for _, s := range []string{"", "wrong"} {
		req, _ := http.NewRequest("POST", "http://"+addr+"/tg/hook", strings.NewReader(`{"update_id":1,"message":{"text":"/stop"}}`))
		if s != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", s)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("secret %q: %d, want 401", s, resp.StatusCode)
		}
	}
	_, metrics := get(t, "http://"+addr+"/metrics")
	if !strings.Contains(metrics, `loaphuong_webhook_requests_total{result="rejected"} 2`) {
		t.Errorf("/metrics:\n%s", grepLines(metrics, "loaphuong_webhook"))
	}
	p.stop(t)
	if strings.Contains(p.err.String(), secret) || strings.Contains(p.err.String(), token) {
		t.Errorf("a secret in the logs:\n%s", p.err.String())
	}

	// The same secret after a restart: it was generated once and stored.
	p = startServe(t, srv, db, "--listen", "127.0.0.1:0", "--webhook-url", "https://loaphuong.example.org/tg/hook")
	rd.set(listenAddr(t, p.err))
	var again string
	for _, r := range srv.Requests() {
		if r.Method == "setWebhook" {
			again = r.Params.Get("secret_token")
		}
	}
	if again != secret {
		t.Errorf("secret changed across restarts")
	}
	p.stop(t)

	// Back to polling: the webhook is deleted and getUpdates works.
	p = startServe(t, srv, db)
	id := srv.SendText(telegramtest.PrivateChat(lan), lan, "/mine")
	waitFor(t, srv, func() bool { return srv.Confirmed() >= id && len(srv.Messages(lan.ID)) == 2 })
	p.stop(t)
	if srv.Count("deleteWebhook") == 0 {
		t.Error("polling did not delete the webhook")
	}
}

func TestServe_BadWebhookFlags(t *testing.T) {
	env := map[string]string{"TELEGRAM_BOT_TOKEN": token}
	for _, args := range [][]string{
		{"--webhook-url", "http://x.example/hook", "--listen", ":0"},
		{"--webhook-url", "https://x.example/hook"},
		{"--webhook-url", "https://x.example/metrics", "--listen", ":0"},
		{"--webhook-url", "https://x.example/hook", "--listen", ":0", "--webhook-secret", "no spaces"},
		{"--log-format", "xml"},
	} {
		_, _, err := run(t, env, append([]string{"serve", "--db", t.TempDir() + "/x.db"}, args...)...)
		if err == nil || !strings.Contains(err.Error(), "serve:") {
			t.Errorf("%v: %v", args, err)
		}
	}
}
