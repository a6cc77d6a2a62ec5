package main_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/bot/telegramtest"
	main "github.com/loaphuong/loaphuong/cmd/loaphuong"
	"github.com/loaphuong/loaphuong/store"
)

// runWithStdin runs a command to completion with the given standard input.
func runWithStdin(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	m, out, errb := newMain(env)
	m.Stdin = strings.NewReader(stdin)
	err = m.Run(context.Background(), args)
	return out.String(), errb.String(), err
}

// withDB opens the database for the duration of fn.
func withDB(t *testing.T, path string, fn func(ctx context.Context, db *store.DB)) {
	t.Helper()
	db, err := store.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	fn(context.Background(), db)
}

// broadcastWorld is a database with the example wards, two khu phố of Phú
// Thọ Hòa, and subscribers:
//
//	101, 102: Phú Thọ Hòa, every topic
//	103:      Khu phố 1 of Phú Thọ Hòa, every topic
//	104:      Phú Thọ Hòa, news only
//	105:      Tân Phú, every topic
func broadcastWorld(t *testing.T) (db string, env map[string]string) {
	t.Helper()
	dir := t.TempDir()
	db = filepath.Join(dir, "loaphuong.db")
	env = map[string]string{"LOAPHUONG_DB": db}
	example, err := os.ReadFile(filepath.Join("..", "..", "examples", "tanphu-areas.csv"))
	if err != nil {
		t.Fatal(err)
	}
	csv := filepath.Join(dir, "areas.csv")
	extra := "kp1-pth,phu-tho-hoa,quarter,Khu phố 1,KP1\nkp2-pth,phu-tho-hoa,quarter,Khu phố 2,KP2\n"
	if err := os.WriteFile(csv, append(example, extra...), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, _, err := run(t, env, "areas", "import", csv); err != nil {
		t.Fatalf("areas import: %q %v", out, err)
	}
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		for _, sub := range []struct {
			chat   int64
			code   string
			topics store.Topic
		}{
			{101, "phu-tho-hoa", store.AllTopics},
			{102, "phu-tho-hoa", store.AllTopics},
			{103, "kp1-pth", store.AllTopics},
			{104, "phu-tho-hoa", store.TopicNews},
			{105, "tan-phu", store.AllTopics},
		} {
			a, err := s.AreaByCode(ctx, sub.code)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Subscribe(ctx, sub.chat, a.ID, sub.topics); err != nil {
				t.Fatal(err)
			}
		}
	})
	return db, env
}

// broadcasts returns every stored broadcast, newest first.
func broadcasts(t *testing.T, db string) []store.Broadcast {
	t.Helper()
	var bs []store.Broadcast
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		var err error
		if bs, err = s.Broadcasts(ctx, 0, 100); err != nil {
			t.Fatal(err)
		}
	})
	return bs
}

func TestBroadcastCommand(t *testing.T) {
	db, env := broadcastWorld(t)
	const ward = "Phường Phú Thọ Hòa"

	start := time.Now()
	out, _, err := run(t, env, "broadcast", "--area", "phu-tho-hoa", "--text", "Họp <tổ> & dân")
	if err != nil {
		t.Fatalf("broadcast: %v", err)
	}
	if !strings.Contains(out, "broadcast #1 to "+ward+": 3 chats, sending now\n") || !strings.Contains(out, "loaphuong serve") {
		t.Errorf("output:\n%s", out)
	}
	bs := broadcasts(t, db)
	if len(bs) != 1 {
		t.Fatalf("%d broadcasts stored, want 1", len(bs))
	}
	b := bs[0]
	want := bot.Announcement(ward, store.TopicAnnouncements, false, "Họp <tổ> & dân")
	if b.Text != want {
		t.Errorf("text = %q, want %q", b.Text, want)
	}
	if !strings.Contains(b.Text, "Họp &lt;tổ&gt; &amp; dân") {
		t.Errorf("text not escaped: %q", b.Text)
	}
	if b.Author != "cli" || b.AuthorUser != 0 || b.ReportChat != 0 || b.Topic != store.TopicAnnouncements || b.Urgent || b.Photo != "" {
		t.Errorf("broadcast = %+v", b)
	}
	if b.Counts.Total() != 3 || b.Counts.Pending != 3 {
		t.Errorf("deliveries = %+v, want 3 pending (101, 102, 103)", b.Counts)
	}
	if b.SendAt.Before(start.Add(-time.Second)) || b.SendAt.After(time.Now().Add(time.Second)) {
		t.Errorf("send at %v, want now", b.SendAt)
	}

	// The text on standard input, a Vietnamese topic name, urgent: the
	// news-only chat is reached too.
	out, _, err = runWithStdin(t, env, "Mất điện từ 8:00 đến 11:00.\n", "broadcast", "--area", "phu-tho-hoa", "--topic", "tin-tuc", "--urgent")
	if err != nil {
		t.Fatalf("broadcast from stdin: %v", err)
	}
	if !strings.Contains(out, "urgent broadcast #2 to "+ward+" (news): 4 chats, sending now") {
		t.Errorf("output:\n%s", out)
	}
	b = broadcasts(t, db)[0]
	if want := bot.Announcement(ward, store.TopicNews, true, "Mất điện từ 8:00 đến 11:00."); b.Text != want || !b.Urgent || b.Topic != store.TopicNews || b.Counts.Total() != 4 {
		t.Errorf("broadcast from stdin = %+v, want text %q", b, want)
	}

	// "--text -" reads standard input too; a khu phố is labelled with its ward.
	out, _, err = runWithStdin(t, env, "Thu gom rác", "broadcast", "--area", "kp1-pth", "--topic", "Nhắc lịch", "--text", "-")
	if err != nil {
		t.Fatalf("broadcast --text -: %v", err)
	}
	if !strings.Contains(out, "to Khu phố 1 · "+ward+" (reminders): 1 chat, sending now") {
		t.Errorf("output:\n%s", out)
	}
	b = broadcasts(t, db)[0]
	if want := bot.Announcement("Khu phố 1 · "+ward, store.TopicReminders, false, "Thu gom rác"); b.Text != want || b.Counts.Total() != 1 {
		t.Errorf("broadcast to kp1 = %+v, want text %q", b, want)
	}

	// A text longer than one Telegram message is accepted whole: the
	// dispatcher splits it.
	long := strings.Repeat("Thông báo dài. ", 400)
	if _, _, err := run(t, env, "broadcast", "--area", "tan-phu", "--text", long); err != nil {
		t.Fatalf("long text: %v", err)
	}
	if b = broadcasts(t, db)[0]; !strings.Contains(b.Text, strings.TrimSpace(long)) {
		t.Errorf("long text cut: %d bytes stored", len(b.Text))
	}
}

func TestBroadcastAt(t *testing.T) {
	db, env := broadcastWorld(t)
	want := time.Date(2099, 4, 15, 13, 0, 0, 0, time.UTC) // 20:00 in Hồ Chí Minh City
	for i, at := range []string{"2099-04-15 20:00", "2099-04-15T20:00", "2099-04-15T20:00:00+07:00", "2099-04-15T13:00:00Z"} {
		out, _, err := run(t, env, "broadcast", "--area", "phu-tho-hoa", "--at", at, "--text", "Tiêm chủng")
		if err != nil {
			t.Fatalf("--at %q: %v", at, err)
		}
		if !strings.Contains(out, "3 chats, at 2099-04-15 20:00 (Asia/Ho_Chi_Minh)") {
			t.Errorf("--at %q: output:\n%s", at, out)
		}
		bs := broadcasts(t, db)
		if len(bs) != i+1 {
			t.Fatalf("--at %q: %d broadcasts", at, len(bs))
		}
		if !bs[0].SendAt.Equal(want) {
			t.Errorf("--at %q: send at %v, want %v", at, bs[0].SendAt, want)
		}
	}
}

func TestBroadcastBadInput(t *testing.T) {
	db, env := broadcastWorld(t)
	for _, tt := range []struct {
		name  string
		stdin string
		args  []string
		want  string // in the error
	}{
		{"no area", "", []string{"--text", "x"}, "--area"},
		{"unknown area", "", []string{"--area", "phu-tho", "--text", "x"}, `no area with code "phu-tho"; see "loaphuong areas list"`},
		{"area in another case", "", []string{"--area", "PHU-THO-HOA", "--text", "x"}, "no area with code"},
		{"empty text", "", []string{"--area", "phu-tho-hoa", "--text", ""}, "text is empty"},
		{"blank text", "", []string{"--area", "phu-tho-hoa", "--text", " \n\t "}, "text is empty"},
		{"empty stdin", "", []string{"--area", "phu-tho-hoa"}, "text is empty"},
		{"blank stdin", "\n\n", []string{"--area", "phu-tho-hoa", "--text", "-"}, "text is empty"},
		{"unknown topic", "", []string{"--area", "phu-tho-hoa", "--topic", "sports", "--text", "x"}, `unknown topic "sports"`},
		{"bad time", "", []string{"--area", "phu-tho-hoa", "--at", "20:00 15/4", "--text", "x"}, "--at"},
		{"past time", "", []string{"--area", "phu-tho-hoa", "--at", "2020-01-01 08:00", "--text", "x"}, "in the past"},
		{"unknown flag", "", []string{"--area", "phu-tho-hoa", "--txt", "x"}, "txt"},
		{"stray argument", "", []string{"--area", "phu-tho-hoa", "hello"}, `unexpected argument "hello"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := runWithStdin(t, env, tt.stdin, append([]string{"broadcast"}, tt.args...)...)
			if code := main.ExitCode(err); code != 2 {
				t.Errorf("exit code %d (%v), want 2", code, err)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to mention %q", err, tt.want)
			}
			if bs := broadcasts(t, db); len(bs) != 0 {
				t.Errorf("%d broadcasts stored", len(bs))
			}
		})
	}
}

func TestOfficialsCommand(t *testing.T) {
	db, env := broadcastWorld(t)

	out, _, err := run(t, env, "officials", "list")
	if err != nil || !strings.Contains(out, "no officials yet") {
		t.Fatalf("empty list: %q %v", out, err)
	}
	out, _, err = run(t, env, "officials", "grant", "--user", "42", "--area", "phu-tho-hoa", "--name", "Chị Lan")
	if err != nil || out != "user 42 (Chị Lan) is now an official of phu-tho-hoa (Phường Phú Thọ Hòa)\n" {
		t.Fatalf("grant: %q %v", out, err)
	}
	out, _, err = run(t, env, "officials", "grant", "--user", "7")
	if err != nil || out != "user 7 is now an admin of everything\n" {
		t.Fatalf("grant admin: %q %v", out, err)
	}

	env["LOAPHUONG_ADMINS"] = "9001"
	out, _, err = run(t, env, "officials", "list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "USER") {
		t.Fatalf("list:\n%s", out)
	}
	for i, want := range [][]string{
		{"9001", "everything (tất cả)", "LOAPHUONG_ADMINS"},
		{"7", "everything (tất cả)", "cli"},
		{"42", "Chị Lan", "phu-tho-hoa", "Phường Phú Thọ Hòa", "cli", time.Now().Format("2006-")},
	} {
		for _, w := range want {
			if !strings.Contains(lines[i+1], w) {
				t.Errorf("list line %d %q lacks %q", i+1, lines[i+1], w)
			}
		}
	}

	out, _, err = run(t, env, "officials", "revoke", "--user", "42", "--area", "phu-tho-hoa")
	if err != nil || out != "user 42 is no longer an official of phu-tho-hoa (Phường Phú Thọ Hòa)\n" {
		t.Fatalf("revoke: %q %v", out, err)
	}
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		roles, err := s.Roles(ctx, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(roles) != 1 || roles[0].UserID != 7 || !roles[0].Admin() || roles[0].GrantedBy != 0 {
			t.Errorf("roles after revoke: %+v", roles)
		}
		log, err := s.AuditLog(ctx, 0, 10)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct{ action, detail string }{
			{"revoke", "user 42: official of phu-tho-hoa"},
			{"grant", "user 7: admin of everything"},
			{"grant", "user 42 (Chị Lan): official of phu-tho-hoa"},
		}
		if len(log) != len(want) {
			t.Fatalf("audit log: %+v", log)
		}
		for i, w := range want {
			e := log[i]
			if e.Actor != 0 || e.Action != w.action || !strings.Contains(e.Detail, w.detail) || !strings.Contains(e.Detail, "cli") {
				t.Errorf("audit %d = %+v, want %s %q by cli", i, e, w.action, w.detail)
			}
		}
	})

	for _, tt := range []struct {
		name string
		args []string
		want string
	}{
		{"revoke twice", []string{"revoke", "--user", "42", "--area", "phu-tho-hoa"}, "not an official of phu-tho-hoa"},
		{"no user", []string{"grant", "--area", "phu-tho-hoa"}, "--user"},
		{"bad user", []string{"grant", "--user", "lan"}, "not a Telegram user id"},
		{"negative user", []string{"grant", "--user", "-5"}, "not a Telegram user id"},
		{"unknown area", []string{"grant", "--user", "42", "--area", "nowhere"}, `no area with code "nowhere"`},
		{"unknown command", []string{"promote"}, "unknown command"},
		{"nothing", nil, "officials grant"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := run(t, env, append([]string{"officials"}, tt.args...)...)
			if main.ExitCode(err) != 2 || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v (exit %d), want exit 2 mentioning %q", err, main.ExitCode(err), tt.want)
			}
		})
	}
	withDB(t, db, func(ctx context.Context, s *store.DB) {
		if log, _ := s.AuditLog(ctx, 0, 10); len(log) != 3 {
			t.Errorf("bad input wrote to the audit log: %+v", log)
		}
	})
}

func TestServeBadFlags(t *testing.T) {
	db := filepath.Join(t.TempDir(), "x.db")
	for _, tt := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"bad --admins", nil, []string{"--admins", "501,lan"}, "--admins"},
		{"zero admin", nil, []string{"--admins", "0"}, "--admins"},
		{"bad LOAPHUONG_ADMINS", map[string]string{"LOAPHUONG_ADMINS": "501;502"}, nil, "LOAPHUONG_ADMINS"},
		{"zero --rate", nil, []string{"--rate", "0"}, "--rate"},
		{"negative --rate", nil, []string{"--rate", "-1"}, "--rate"},
		{"bad --rate", nil, []string{"--rate", "fast"}, "rate"},
		{"bad LOAPHUONG_RATE", map[string]string{"LOAPHUONG_RATE": "fast"}, nil, "LOAPHUONG_RATE"},
		{"bad LOAPHUONG_PAID_BROADCAST", map[string]string{"LOAPHUONG_PAID_BROADCAST": "maybe"}, nil, "LOAPHUONG_PAID_BROADCAST"},
		{"bad --quiet-hours", nil, []string{"--quiet-hours", "22h-6h"}, "--quiet-hours"},
		{"bad LOAPHUONG_QUIET_HOURS", map[string]string{"LOAPHUONG_QUIET_HOURS": "night"}, nil, "LOAPHUONG_QUIET_HOURS"},
		{"bad LOAPHUONG_ALLOW_PRIVATE_SOURCES", map[string]string{"LOAPHUONG_ALLOW_PRIVATE_SOURCES": "maybe"}, nil, "LOAPHUONG_ALLOW_PRIVATE_SOURCES"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{"TELEGRAM_BOT_TOKEN": token, "TELEGRAM_API_URL": "http://127.0.0.1:1", "LOAPHUONG_DB": db}
			for k, v := range tt.env {
				env[k] = v
			}
			_, _, err := run(t, env, append([]string{"serve"}, tt.args...)...)
			if main.ExitCode(err) != 2 || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v (exit %d), want exit 2 mentioning %q", err, main.ExitCode(err), tt.want)
			}
		})
	}
}

// TestServeFlags starts serve with every broadcast flag: it runs.
func TestServeFlags(t *testing.T) {
	srv := telegramtest.NewServer(telegramtest.Options{Token: token})
	defer srv.Close()
	p := startServe(t, srv, filepath.Join(t.TempDir(), "x.db"), "--admins", "501, 502", "--rate", "12.5", "--paid-broadcast=false")
	p.stop(t)
}
