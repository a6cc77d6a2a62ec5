package main_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/store"
)

// TestBackupWhileDelivering takes a backup while serve is delivering a
// broadcast to 1,500 chats: the copy opens, passes the integrity check and
// holds every delivery outcome committed before the backup began.
func TestBackupWhileDelivering(t *testing.T) {
	db, env := broadcastWorld(t)
	const chats = 1500
	seedChats(t, db, "kp2-pth", 1_000_000, chats)
	id := enqueueCLI(t, db, "--area", "kp2-pth", "--text", "Thông báo lịch cắt nước")

	srv := telegramtest.NewServer(telegramtest.Options{Token: token, MaxRequests: 1000})
	defer srv.Close()
	p := startServe(t, srv, db, "--rate", "500")
	defer p.stop(t)
	waitFor(t, srv, func() bool { return srv.Stats().Sent >= chats/4 })

	before := sentRows(t, db, id) // committed before the backup
	backup := filepath.Join(t.TempDir(), "backup.db")
	out, errOut, err := run(t, env, "backup", backup)
	after := sentRows(t, db, id)
	if err != nil {
		t.Fatalf("backup: %v\n%s%s", err, out, errOut)
	}
	if before.Sent >= chats || after.Pending == 0 && after.Sent == before.Sent {
		t.Fatalf("not delivering during the backup: before %+v, after %+v", before, after)
	}
	if !strings.Contains(out, "integrity ok") || !strings.Contains(out, "1505 chats") {
		t.Errorf("backup said %q", out)
	}

	c, err := store.Open(backup)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx := context.Background()
	if err := c.Check(ctx); err != nil {
		t.Fatal(err)
	}
	got, err := c.DeliveryCounts(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("sent before the backup %d, in the copy %d, after it %d (of %d)", before.Sent, got.Sent, after.Sent, chats)
	if got.Total() != chats || got.Sent < before.Sent || got.Sent > after.Sent {
		t.Errorf("the copy holds %+v; %d were sent before the backup, %d after", got, before.Sent, after.Sent)
	}
	if sum, err := c.Summarize(ctx); err != nil || sum.Subscriptions != chats+5 || sum.Broadcasts != 1 {
		t.Errorf("copy: %+v, %v", sum, err)
	}

	// Never over an existing file, unless asked.
	_, _, err = run(t, env, "backup", backup)
	if err == nil || !strings.Contains(err.Error(), "--force") {
		t.Errorf("a second backup to the same file: %v", err)
	}
	if out, _, err := run(t, env, "backup", "--force", backup); err != nil || !strings.Contains(out, "integrity ok") {
		t.Errorf("backup --force: %q %v", out, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(filepath.Dir(backup), ".backup.db.tmp-*"))
	if len(leftovers) > 0 {
		t.Errorf("temporary files left: %v", leftovers)
	}
	if _, _, err := run(t, env, "backup", "--db", filepath.Join(t.TempDir(), "none.db"), filepath.Join(t.TempDir(), "b.db")); err == nil {
		t.Error("a backup of no database")
	}
	if _, err := os.Stat(db + "-wal"); err != nil {
		t.Logf("no WAL file beside the live database: %v", err)
	}
}

// TestStats prints the stats table after residents came and went.
func TestStats(t *testing.T) {
	db, env := broadcastWorld(t)
	srv := telegramtest.NewServer(telegramtest.Options{Token: token})
	defer srv.Close()
	p := startServe(t, srv, db)
	lan := telegramtest.User{ID: 401, FirstName: "Lan"}
	srv.SendDeepLink(lan, "kp2-pth")
	id := srv.SendText(telegramtest.PrivateChat(lan), lan, "/stop")
	waitFor(t, srv, func() bool { return srv.Confirmed() >= id })
	id = srv.SendDeepLink(telegramtest.User{ID: 402, FirstName: "Minh"}, "kp2-pth")
	waitFor(t, srv, func() bool { return srv.Confirmed() >= id })
	p.stop(t)
	enqueueCLI(t, db, "--area", "phu-tho-hoa", "--text", "Họp tổ dân phố")

	out, _, err := run(t, env, "stats")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("\n%s", out)
	for _, want := range []string{
		"  Phường Phú Thọ Hòa   phu-tho-hoa  5            +5 (6/-1)  +5 (6/-1)",
		"    Khu phố 2          kp2-pth      1            +1 (2/-1)  +1 (2/-1)",
		"LATEST 1 BROADCASTS",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q", want)
		}
	}
	out, _, err = run(t, env, "stats", "--area", "kp2-pth")
	if err != nil || strings.Contains(out, "Tân Phú") || !strings.Contains(out, "no broadcasts yet") {
		t.Errorf("stats --area kp2-pth: %v\n%s", err, out)
	}
	if _, _, err := run(t, env, "stats", "--area", "nowhere"); err == nil {
		t.Error("stats of an unknown area")
	}
}
