package main_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/store"
)

// writeFile writes a test file.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// secondsAhead is a whole second at least d from now, and the 6-field cron
// expression (second first) that fires at it every day.
func secondsAhead(d time.Duration) (time.Time, string) {
	at := time.Now().Add(d + time.Second).Truncate(time.Second).In(store.Zone)
	return at, fmt.Sprintf("%d %d %d * * *", at.Second(), at.Minute(), at.Hour())
}

// campaignBroadcasts returns the broadcasts a campaign made.
func campaignBroadcasts(t *testing.T, db string, id int64) []store.Broadcast {
	t.Helper()
	var out []store.Broadcast
	for _, b := range broadcasts(t, db) {
		if b.Author == fmt.Sprintf("campaign:%d", id) {
			out = append(out, b)
		}
	}
	return out
}

// waitUntil waits for the wall clock to pass t: the schedule runs on real time.
func waitUntil(t time.Time) {
	if d := time.Until(t); d > 0 {
		<-time.After(d)
	}
}

// TestRestartAcrossFiring runs the real program: a campaign fires while it
// runs (enqueued within a second, delivered to its subscribers), the
// program restarts, and nothing fires twice; a firing missed while it was
// down is caught up once on the next start; one missed for longer than
// --catch-up is skipped and logged.
func TestRestartAcrossFiring(t *testing.T) {
	db, env := broadcastWorld(t)
	srv := telegramtest.NewServer(telegramtest.Options{Token: token})
	defer srv.Close()

	// 1. A campaign for Khu phố 1 (chat 103) that fires in a few seconds.
	fire, spec := secondsAhead(3 * time.Second)
	onTime := addCampaign(t, env, "--area", "kp1-pth", "--title", "Ngày Chủ nhật xanh", "--text", "Dọn vệ sinh kênh rạch", "--schedule", spec)
	p := startServe(t, srv, db)
	if !p.err.waitFor("scheduler ready", 10*time.Second) {
		t.Fatalf("no scheduler:\n%s", p.err)
	}
	waitFor(t, srv, func() bool { return len(srv.Messages(103)) == 1 })
	bs := campaignBroadcasts(t, db, onTime)
	if len(bs) != 1 || bs[0].Topic != store.TopicReminders || bs[0].Urgent || !bs[0].SendAt.Equal(fire) {
		t.Fatalf("broadcasts = %+v", bs)
	}
	late := bs[0].CreatedAt.Sub(fire)
	if late < 0 || late >= time.Second {
		t.Errorf("enqueued %v after its time, want within a second", late)
	}
	t.Logf("enqueued %v after its time", late.Round(time.Millisecond))
	if m := srv.Messages(103)[0]; !strings.Contains(m.Text, "NHẮC LỊCH") || !strings.Contains(m.Text, "Ngày Chủ nhật xanh") {
		t.Errorf("chat 103 got %q", m.Text)
	}
	p.stop(t)

	// 2. Restart right after the firing, within the catch-up window: the
	// occurrence is found again and refused by the store.
	p = startServe(t, srv, db)
	if !p.err.waitFor("scheduler ready", 10*time.Second) {
		t.Fatalf("no scheduler after restart:\n%s", p.err)
	}
	if n := len(campaignBroadcasts(t, db, onTime)); n != 1 {
		t.Fatalf("%d broadcasts after a restart, want 1", n)
	}

	// 3. While the program is down, a firing passes; the next start
	// catches it up, once.
	p.stop(t)
	missed, spec := secondsAhead(time.Second)
	caught := addCampaign(t, env, "--area", "kp2-pth", "--title", "Thu gom rác", "--text", "Mang rác ra điểm tập kết", "--schedule", spec)
	waitUntil(missed.Add(100 * time.Millisecond))
	p = startServe(t, srv, db)
	if !p.err.waitFor("scheduler ready", 10*time.Second) {
		t.Fatalf("no scheduler:\n%s", p.err)
	}
	if bs := campaignBroadcasts(t, db, caught); len(bs) != 1 || !bs[0].SendAt.Equal(missed) {
		t.Fatalf("missed firing: %+v", bs)
	}
	p.stop(t)
	p = startServe(t, srv, db)
	if !p.err.waitFor("scheduler ready", 10*time.Second) {
		t.Fatalf("no scheduler:\n%s", p.err)
	}
	p.stop(t)
	if n := len(campaignBroadcasts(t, db, caught)); n != 1 {
		t.Fatalf("the caught-up firing fired %d times", n)
	}

	// 4. Down for longer than --catch-up: skipped and logged, not sent.
	old, spec := secondsAhead(time.Second)
	skipped := addCampaign(t, env, "--area", "kp2-pth", "--title", "Họp tổ dân phố", "--text", "19:00 tại nhà văn hóa", "--schedule", spec)
	waitUntil(old.Add(1500 * time.Millisecond))
	p = startServe(t, srv, db, "--catch-up", "1s")
	if !p.err.waitFor("scheduler ready", 10*time.Second) {
		t.Fatalf("no scheduler:\n%s", p.err)
	}
	p.stop(t)
	if n := len(campaignBroadcasts(t, db, skipped)); n != 0 {
		t.Fatalf("an occurrence older than --catch-up fired %d times", n)
	}
	if logs := p.err.String(); !strings.Contains(logs, "missed reminders skipped") || !strings.Contains(logs, "catch_up=1s") {
		t.Errorf("the skip was not logged:\n%s", logs)
	}
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		c, _ := s.CampaignByID(ctx, skipped)
		occ, _ := s.Occurrences(ctx, fmt.Sprintf("schedule:%d", c.Schedules[0].ID))
		if len(occ) != 1 || occ[0].Outcome != store.OccurrenceSkipped {
			t.Errorf("occurrences = %+v", occ)
		}
	})
	// Every subscriber got each reminder exactly once.
	if n := len(srv.Messages(103)); n != 1 {
		t.Errorf("chat 103 got %d messages, want 1", n)
	}
}
