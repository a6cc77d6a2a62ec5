package main_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/store"
)

// buildBinary builds the program as it ships: static, without cgo.
func buildBinary(t testing.TB) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "loaphuong")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// startBinary starts "loaphuong serve" as its own process against srv.
func startBinary(t testing.TB, bin string, srv *telegramtest.Server, db string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"serve"}, args...)...)
	cmd.Env = []string{"TELEGRAM_BOT_TOKEN=" + token, "TELEGRAM_API_URL=" + srv.URL, "LOAPHUONG_DB=" + db}
	logs := &syncBuffer{}
	cmd.Stderr = logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			cmd.Wait()
		}
	})
	return cmd, logs
}

// seedChats subscribes chats first..first+n-1 to the area with code, in
// one transaction.
func seedChats(t testing.TB, path, code string, first int64, n int) {
	t.Helper()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	a, err := db.AreaByCode(ctx, code)
	if err != nil {
		t.Fatal(err)
	}
	tx, err := db.SQL().BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	now := time.Now().UTC().Format(time.RFC3339)
	for id := first; id < first+int64(n); id++ {
		if _, err := tx.ExecContext(ctx, `INSERT INTO chats (id, created_at, updated_at) VALUES (?, ?, ?)`, id, now, now); err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO subscriptions (chat_id, area_id, topics, created_at) VALUES (?, ?, 7, ?)`, id, a.ID, now); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

// sentRows counts the deliveries of a broadcast recorded as sent.
func sentRows(t testing.TB, path string, id int64) store.DeliveryCounts {
	t.Helper()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.DeliveryCounts(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// waitDone waits until the broadcast is done. The database tells no one
// when it changes, so this asks it every few milliseconds.
func waitDone(t testing.TB, path string, id int64, limit time.Duration) bool {
	t.Helper()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(limit)
	for {
		b, err := db.BroadcastByID(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if b.Status == store.BroadcastDone {
			return true
		}
		select {
		case <-tick.C:
		case <-deadline:
			return false
		}
	}
}

// enqueueCLI runs "loaphuong broadcast" and returns the new broadcast's id.
func enqueueCLI(t *testing.T, db string, args ...string) int64 {
	t.Helper()
	out, errOut, err := run(t, map[string]string{"LOAPHUONG_DB": db}, append([]string{"broadcast"}, args...)...)
	if err != nil {
		t.Fatalf("broadcast: %v\n%s%s", err, out, errOut)
	}
	var id int64
	if _, err := fmt.Sscanf(out[strings.Index(out, "#")+1:], "%d", &id); err != nil {
		t.Fatalf("no broadcast id in %q", out)
	}
	return id
}

// TestBroadcastDeliveredByServe enqueues from the command line while
// serve runs on the same database: serve finds it and delivers it.
func TestBroadcastDeliveredByServe(t *testing.T) {
	db, _ := broadcastWorld(t)
	srv := telegramtest.NewServer(telegramtest.Options{Token: token})
	defer srv.Close()
	p := startServe(t, srv, db)
	defer p.stop(t)

	enqueueCLI(t, db, "--area", "phu-tho-hoa", "--text", "Họp tổ dân phố <b>19:00</b> & mang ghế")
	for _, chat := range []int64{101, 102, 103} {
		waitFor(t, srv, func() bool { return len(srv.Messages(chat)) == 1 })
		if m := srv.Messages(chat)[0]; !strings.Contains(m.Text, "Họp tổ dân phố <b>19:00</b> & mang ghế") {
			t.Errorf("chat %d sees %q", chat, m.Text)
		}
	}
	for _, chat := range []int64{104, 105} { // news only; another ward
		if n := len(srv.Messages(chat)); n != 0 {
			t.Errorf("chat %d got %d messages", chat, n)
		}
	}
}

// TestCrashMidBroadcast kills the real process with SIGKILL in the middle
// of a broadcast and starts it again: every subscriber ends with the
// message, and the only duplicates are sends that were in flight.
func TestCrashMidBroadcast(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary")
	}
	bin := buildBinary(t)
	db, _ := broadcastWorld(t)
	const chats = 2000
	seedChats(t, db, "kp2-pth", 1_000_000, chats)
	id := enqueueCLI(t, db, "--area", "kp2-pth", "--text", "Thông báo cắt điện")

	srv := telegramtest.NewServer(telegramtest.Options{Token: token})
	defer srv.Close()
	cmd, logs := startBinary(t, bin, srv, db, "--rate", "400")
	waitFor(t, srv, func() bool { return srv.Stats().Sent >= chats/3 })
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	accepted := srv.Stats().Sent // every send Telegram took before the crash
	recorded := sentRows(t, db, id).Sent
	inFlight := accepted - recorded
	t.Logf("killed after %d sends; %d recorded sent; %d in flight", accepted, recorded, inFlight)
	if recorded >= chats {
		t.Fatal("the broadcast finished before the kill")
	}

	cmd, logs2 := startBinary(t, bin, srv, db, "--rate", "400")
	if !waitDone(t, db, id, 30*time.Second) {
		t.Fatalf("after restart: not done\n%s\n%s", logs.String(), logs2.String())
	}
	var duplicates int
	for chat := int64(1_000_000); chat < 1_000_000+chats; chat++ {
		switch n := len(srv.Messages(chat)); {
		case n == 0:
			t.Errorf("chat %d never got the message", chat)
		case n > 1:
			duplicates += n - 1
		}
	}
	t.Logf("duplicates: %d", duplicates)
	if duplicates > inFlight {
		t.Errorf("%d duplicates, more than the %d sends in flight at the crash", duplicates, inFlight)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v\n%s", err, logs2.String())
	}
	if c := sentRows(t, db, id); c.Sent != chats {
		t.Errorf("after the restart: %+v, want %d sent", c, chats)
	}
	if strings.Contains(logs.String()+logs2.String(), token) {
		t.Error("token in logs")
	}
}

// BenchmarkServeMemory delivers a 100,000-chat broadcast with the real
// binary and reports its peak resident memory (VmHWM), which must stay
// under 100 MB.
func BenchmarkServeMemory(b *testing.B) {
	bin := buildBinary(b)
	dir := b.TempDir()
	db := filepath.Join(dir, "loaphuong.db")
	env := map[string]string{"LOAPHUONG_DB": db}
	csv := filepath.Join(dir, "areas.csv")
	if err := os.WriteFile(csv, []byte("code,parent_code,kind,name,aliases\nhcm,,city,TP.HCM,\nkp,hcm,quarter,Khu phố 1,\n"), 0o600); err != nil {
		b.Fatal(err)
	}
	m, out, errb := newMain(env)
	if err := m.Run(context.Background(), []string{"areas", "import", csv}); err != nil {
		b.Fatalf("import: %v %s %s", err, out, errb)
	}
	const chats = 100_000
	seedChats(b, db, "kp", 1, chats)
	m, out, errb = newMain(env)
	if err := m.Run(context.Background(), []string{"broadcast", "--area", "kp", "--text", "Thông báo"}); err != nil {
		b.Fatalf("broadcast: %v %s %s", err, out, errb)
	}
	srv := telegramtest.NewServer(telegramtest.Options{Token: token, MaxRequests: 1000})
	defer srv.Close()
	b.ResetTimer()
	start := time.Now()
	cmd, logs := startBinary(b, bin, srv, db, "--rate", "1000000")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	if err := srv.Wait(ctx, func() bool { return srv.Stats().Sent >= chats }); err != nil {
		b.Fatalf("%v\n%s", err, logs.String())
	}
	elapsed := time.Since(start)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", cmd.Process.Pid))
	if err != nil {
		b.Skip("no /proc: cannot read the peak memory")
	}
	b.StopTimer()
	var peakKB int
	for _, line := range strings.Split(string(status), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			peakKB, _ = strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")))
		}
	}
	cmd.Process.Signal(syscall.SIGTERM)
	cmd.Wait()
	b.ReportMetric(float64(peakKB)/1024, "peak-RSS-MB")
	b.ReportMetric(chats/elapsed.Seconds(), "msg/s")
	if peakKB > 100*1024 {
		b.Errorf("peak RSS %d kB, over 100 MB", peakKB)
	}
}
