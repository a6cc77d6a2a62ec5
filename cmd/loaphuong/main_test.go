package main_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
	main "github.com/loaphuong/loaphuong/cmd/loaphuong"
	"github.com/loaphuong/loaphuong/store"
)

const token = "987654321:AAH-e2e-secret-token-value"

// syncBuffer collects a program's output safely while it runs, and lets a
// test wait for a line to appear.
type syncBuffer struct {
	mu      sync.Mutex
	b       bytes.Buffer
	changed chan struct{}
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
		s.changed = nil
	}
	return s.b.Write(p)
}

// waitFor waits until the output contains sub, or d passes.
func (s *syncBuffer) waitFor(sub string, d time.Duration) bool {
	timeout := time.After(d)
	for {
		s.mu.Lock()
		if strings.Contains(s.b.String(), sub) {
			s.mu.Unlock()
			return true
		}
		if s.changed == nil {
			s.changed = make(chan struct{})
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-timeout:
			return false
		}
	}
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// program is the real program running in-process.
type program struct {
	out, err *syncBuffer
	cancel   context.CancelFunc
	done     chan error
}

// newMain returns a Main with captured output and the given environment.
func newMain(env map[string]string) (*main.Main, *syncBuffer, *syncBuffer) {
	out, errb := &syncBuffer{}, &syncBuffer{}
	m := &main.Main{Stdin: strings.NewReader(""), Stdout: out, Stderr: errb, Getenv: func(k string) string { return env[k] }}
	return m, out, errb
}

// run runs a command to completion and returns its output.
func run(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	m, out, errb := newMain(env)
	err = m.Run(context.Background(), args)
	return out.String(), errb.String(), err
}

// startServe starts "loaphuong serve" against the fake Telegram.
func startServe(t *testing.T, srv *telegramtest.Server, db string, args ...string) *program {
	t.Helper()
	env := map[string]string{"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": srv.URL, "LOAPHUONG_DB": db}
	m, out, errb := newMain(env)
	ctx, cancel := context.WithCancel(context.Background())
	p := &program{out: out, err: errb, cancel: cancel, done: make(chan error, 1)}
	before := srv.Count("setMyCommands")
	go func() { p.done <- m.Run(ctx, append([]string{"serve"}, args...)) }()
	waitFor(t, srv, func() bool { return srv.Count("setMyCommands") > before })
	return p
}

// stop stops the program as SIGINT would and waits for it to exit.
func (p *program) stop(t *testing.T) {
	t.Helper()
	p.cancel()
	select {
	case err := <-p.done:
		if err != nil {
			t.Fatalf("serve: %v\n%s", err, p.err.String())
		}
	case <-time.After(5 * time.Second):
		t.Fatal("serve did not stop within 5 seconds")
	}
}

func waitFor(t *testing.T, srv *telegramtest.Server, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Wait(ctx, cond); err != nil {
		t.Fatalf("condition not met: %v", err)
	}
}

func press(t *testing.T, srv *telegramtest.Server, u telegramtest.User, label string) {
	t.Helper()
	id, err := srv.PressButton(telegramtest.PrivateChat(u), u, label)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, srv, func() bool { return srv.Confirmed() >= id })
}

func subscriptions(t *testing.T, db string, chatID int64) []string {
	t.Helper()
	s, err := store.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	subs, err := s.Subscriptions(context.Background(), chatID)
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	for _, sub := range subs {
		codes = append(codes, sub.Area.Code)
	}
	return codes
}

// TestResidentsEndToEnd runs the real program: three residents subscribe
// three ways, one stops, the program restarts, nothing is lost or repeated.
func TestResidentsEndToEnd(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "loaphuong.db")
	areas := filepath.Join(dir, "areas.csv")
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "tanphu-areas.csv"))
	if err != nil {
		t.Fatal(err)
	}
	extra := "kp1-pth,phu-tho-hoa,quarter,Khu phố 1,KP1\nkp2-pth,phu-tho-hoa,quarter,Khu phố 2,KP2\n"
	if err := os.WriteFile(areas, append(example, extra...), 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, map[string]string{"LOAPHUONG_DB": db}, "areas", "import", areas)
	if err != nil || !strings.Contains(out, "imported 8 areas") {
		t.Fatalf("areas import: %q %v", out, err)
	}

	srv := telegramtest.NewServer(telegramtest.Options{Token: token})
	defer srv.Close()
	p := startServe(t, srv, db)

	lan := telegramtest.User{ID: 501, FirstName: "Lan"}
	minh := telegramtest.User{ID: 502, FirstName: "Minh"}
	hoa := telegramtest.User{ID: 503, FirstName: "Hoa"}
	stopper := telegramtest.User{ID: 504, FirstName: "Tú"}

	// Lan: /start, a ward, then a khu phố, all by buttons.
	srv.SendText(telegramtest.PrivateChat(lan), lan, "/start")
	waitFor(t, srv, func() bool { return len(srv.Messages(lan.ID)) == 1 })
	press(t, srv, lan, "Phường Phú Thọ Hòa")
	press(t, srv, lan, "Khu phố 2")
	// Minh: the deep link of a poster.
	srv.SendDeepLink(minh, "kp1-pth")
	// Hoa: types the ward's name without accents, then picks.
	id := srv.SendText(telegramtest.PrivateChat(hoa), hoa, "phu tho hoa")
	waitFor(t, srv, func() bool { return srv.Confirmed() >= id })
	press(t, srv, hoa, "Phường Phú Thọ Hòa")
	press(t, srv, hoa, "Khu phố 1")
	// Tú subscribes, then stops.
	srv.SendDeepLink(stopper, "tan-phu")
	id = srv.SendText(telegramtest.PrivateChat(stopper), stopper, "/stop")
	waitFor(t, srv, func() bool { return srv.Confirmed() >= id })
	p.stop(t)

	want := map[int64][]string{lan.ID: {"kp2-pth"}, minh.ID: {"kp1-pth"}, hoa.ID: {"kp1-pth"}, stopper.ID: nil}
	for chat, codes := range want {
		if got := subscriptions(t, db, chat); !slices.Equal(got, codes) {
			t.Errorf("chat %d: subscriptions %v, want %v", chat, got, codes)
		}
	}

	// Restart: the subscriptions are there and no update is handled twice.
	sentBefore := srv.Count("sendMessage") + srv.Count("editMessageText")
	p = startServe(t, srv, db)
	id = srv.SendText(telegramtest.PrivateChat(lan), lan, "/mine")
	waitFor(t, srv, func() bool { return srv.Confirmed() >= id })
	p.stop(t)
	if got := srv.Count("sendMessage") + srv.Count("editMessageText") - sentBefore; got != 1 {
		t.Errorf("after restart the bot sent %d messages for one new update", got)
	}
	m, _ := srv.LastMessage(lan.ID)
	if !strings.Contains(m.Text, "Khu phố 2 · Phường Phú Thọ Hòa") {
		t.Errorf("/mine after restart = %q", m.Text)
	}
	for _, o := range []string{p.out.String(), p.err.String()} {
		if strings.Contains(o, token) || strings.Contains(o, "AAH-e2e") {
			t.Errorf("token in output:\n%s", o)
		}
	}
}

func TestServeWithoutToken(t *testing.T) {
	_, _, err := run(t, map[string]string{}, "serve", "--db", filepath.Join(t.TempDir(), "x.db"))
	if err == nil || !strings.Contains(err.Error(), "TELEGRAM_BOT_TOKEN") {
		t.Fatalf("err = %v", err)
	}
	if code := main.ExitCode(err); code != 2 {
		t.Fatalf("exit code %d, want 2", code)
	}
}

// TestTokenNeverPrinted runs serve against an API that cannot be reached,
// and one that refuses the token, in both log formats, and reads every
// line it wrote; /healthz says Telegram was never reached.
func TestTokenNeverPrinted(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		for name, apiURL := range map[string]string{
			"unreachable": "http://127.0.0.1:1",
			"bad host":    "http://no-such-host.invalid",
		} {
			t.Run(format+"/"+name, func(t *testing.T) {
				env := map[string]string{"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": apiURL,
					"LOAPHUONG_DB": filepath.Join(t.TempDir(), "x.db"), "LOAPHUONG_LOG_FORMAT": format}
				m, out, errb := newMain(env)
				ctx, cancel := context.WithCancel(context.Background())
				done := make(chan error, 1)
				go func() { done <- m.Run(ctx, []string{"serve", "--listen", "127.0.0.1:0"}) }()
				// Wait for the first failed attempt to be logged, then stop.
				errb.waitFor("getMe", 10*time.Second)
				code, body := get(t, "http://"+listenAddr(t, errb)+"/healthz")
				cancel()
				if err := <-done; err != nil {
					t.Fatalf("serve: %v", err)
				}
				if code != 503 || !strings.Contains(body, `"telegram":"never"`) {
					t.Errorf("/healthz = %d %s", code, body)
				}
				all := out.String() + errb.String()
				if !strings.Contains(all, "getMe") {
					t.Fatalf("no failure logged:\n%s", all)
				}
				if format == "json" && !strings.HasPrefix(errb.String(), "{") {
					t.Errorf("not JSON:\n%s", all)
				}
				if strings.Contains(all, token) || strings.Contains(all, "AAH-e2e") {
					t.Fatalf("token printed:\n%s", all)
				}
			})
		}
	}
	srv := telegramtest.NewServer(telegramtest.Options{Token: "other:token"})
	defer srv.Close()
	env := map[string]string{"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": srv.URL, "LOAPHUONG_DB": filepath.Join(t.TempDir(), "x.db")}
	m, out, errb := newMain(env)
	err := m.Run(context.Background(), []string{"serve"})
	if err == nil || !strings.Contains(err.Error(), "Unauthorized") {
		t.Fatalf("serve with a refused token: %v", err)
	}
	if all := out.String() + errb.String() + err.Error(); strings.Contains(all, token) {
		t.Fatalf("token printed:\n%s", all)
	}
}

func TestAreasImportRejectsBadCSV(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	bad := filepath.Join(dir, "bad.csv")
	csv := "code,parent_code,kind,name,aliases\nhcm,,city,TP HCM,\nq1,hcm,district,Quận 1,\n"
	if err := os.WriteFile(bad, []byte(csv), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := run(t, map[string]string{"LOAPHUONG_DB": db}, "areas", "import", bad)
	if err == nil || !strings.Contains(err.Error(), "line 3") || !strings.Contains(err.Error(), "district") {
		t.Fatalf("err = %v", err)
	}
	out, _, err := run(t, map[string]string{"LOAPHUONG_DB": db}, "areas", "list")
	if err != nil || !strings.Contains(out, "no areas") {
		t.Fatalf("after a bad import: %q %v", out, err)
	}
	if _, _, err := run(t, nil, "areas", "import", "--db", db, filepath.Join(dir, "missing.csv")); err == nil {
		t.Fatal("a missing file imported")
	}
}

// TestBinarySignals builds the real binary (CGO_ENABLED=0) and checks its
// exit codes and that SIGTERM and SIGINT stop it within a few seconds.
func TestBinarySignals(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildBinary(t)

	// No token: one clear line, exit code 2.
	cmd := exec.Command(bin, "serve", "--db", filepath.Join(t.TempDir(), "x.db"))
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	out, err := cmd.CombinedOutput()
	if cmd.ProcessState.ExitCode() != 2 || strings.Count(strings.TrimSpace(string(out)), "\n") != 0 ||
		!strings.Contains(string(out), "TELEGRAM_BOT_TOKEN") {
		t.Fatalf("without a token: exit %d, output %q (%v)", cmd.ProcessState.ExitCode(), out, err)
	}

	for _, sig := range []os.Signal{syscall.SIGTERM, syscall.SIGINT} {
		srv := telegramtest.NewServer(telegramtest.Options{Token: token})
		cmd := exec.Command(bin, "serve")
		cmd.Env = []string{"TELEGRAM_BOT_TOKEN=" + token, "TELEGRAM_API_URL=" + srv.URL, "LOAPHUONG_DB=" + filepath.Join(t.TempDir(), "x.db")}
		var logs syncBuffer
		cmd.Stderr = &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Started and talking to Telegram: then the signal.
		waitFor(t, srv, func() bool { return srv.Count("setMyCommands") > 0 })
		start := time.Now()
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("%v: exit %v\n%s", sig, err, logs.String())
			}
			t.Logf("%v: stopped in %v", sig, time.Since(start).Round(time.Millisecond))
		case <-time.After(5 * time.Second):
			cmd.Process.Kill()
			t.Errorf("%v: still running after 5s", sig)
		}
		if strings.Contains(logs.String(), token) {
			t.Errorf("token in logs")
		}
		srv.Close()
	}
}
