package main_test

import (
	"context"
	"strings"
	"testing"
	"time"

	main "github.com/loaphuong/loaphuong/cmd/loaphuong"
	"github.com/loaphuong/loaphuong/store"
)

func TestPrune(t *testing.T) {
	db, env := broadcastWorld(t)
	var done, pending int64
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		ward, err := s.AreaByCode(ctx, "phu-tho-hoa")
		if err != nil {
			t.Fatal(err)
		}
		// Finished 200 days ago, by the store's clock.
		s.Now = func() time.Time { return time.Now().AddDate(0, 0, -200) }
		old := &store.Broadcast{AreaID: ward.ID, Topic: store.TopicAnnouncements, Text: "cũ", Author: "cli"}
		if _, err := s.CreateBroadcast(ctx, old); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CancelBroadcast(ctx, old.ID, 0); err != nil {
			t.Fatal(err)
		}
		s.Now = nil
		still := &store.Broadcast{AreaID: ward.ID, Topic: store.TopicAnnouncements, Text: "mới", Author: "cli"}
		if _, err := s.CreateBroadcast(ctx, still); err != nil {
			t.Fatal(err)
		}
		done, pending = old.ID, still.ID
	})
	out, _, err := run(t, env, "prune", "--older-than", "90d")
	if err != nil || !strings.Contains(out, "deleted 1 broadcasts and 3 deliveries") {
		t.Fatalf("prune: %q %v", out, err)
	}
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		if _, err := s.BroadcastByID(ctx, done); store.ErrorCode(err) != store.ENOTFOUND {
			t.Errorf("the old broadcast is kept: %v", err)
		}
		if _, err := s.BroadcastByID(ctx, pending); err != nil {
			t.Errorf("the pending broadcast: %v", err)
		}
	})
	for _, bad := range []string{"12h", "soon", "-5d"} {
		if _, _, err := run(t, env, "prune", "--older-than", bad); main.ExitCode(err) != 2 {
			t.Errorf("--older-than %s: %v, want exit 2", bad, err)
		}
	}
}

func TestAudit(t *testing.T) {
	db, env := broadcastWorld(t)
	if out, _, err := run(t, env, "audit"); err != nil || !strings.Contains(out, "empty") {
		t.Fatalf("audit of nothing: %q %v", out, err)
	}
	enqueueCLI(t, db, "--area", "phu-tho-hoa", "--text", "Họp tổ dân phố")
	if _, _, err := run(t, env, "officials", "grant", "--user", "42", "--area", "kp1-pth", "--name", "Chị Lan"); err != nil {
		t.Fatal(err)
	}
	out, _, err := run(t, env, "audit")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.Contains(lines[1], "grant") || !strings.Contains(lines[2], "broadcast") || !strings.Contains(lines[2], "phu-tho-hoa") {
		t.Fatalf("audit =\n%s", out)
	}
	if out, _, _ := run(t, env, "audit", "--user", "42"); !strings.Contains(out, "empty") {
		t.Errorf("audit --user 42 = %q: user 42 did nothing yet", out)
	}
	if _, _, err := run(t, env, "audit", "--limit", "0"); main.ExitCode(err) != 2 {
		t.Errorf("--limit 0: %v", err)
	}
}
