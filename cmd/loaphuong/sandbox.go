package main

import (
	"bufio"
	"bytes"
	"context"
	_ "embed"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/examples"
	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// The sandbox runs the real bot against the built-in fake Telegram
// (bot/telegramtest, in this process, on the loopback address) and a fresh
// database seeded with the example wards, and lets a person in the terminal
// be a resident or an official: what they type is sent as that user, what
// the bot answers is printed, buttons are pressed by number. Every line
// waits until the bot has handled it and the outbox is delivered, so a
// script on standard input gives the same transcript every time.

// sandboxQuarters are khu phố added under the example wards (CSV rows
// without a header).
//
//go:embed sandbox-areas.csv
var sandboxQuarters []byte

// persona is a user the person at the terminal can be.
type persona struct {
	user telegramtest.User
	role string // as the transcript names it
}

var (
	sandboxResident = persona{user: telegramtest.User{ID: 2001, FirstName: "Lan", LastName: "Nguyễn", LanguageCode: "vi"}, role: "cư dân"}
	sandboxOfficial = persona{user: telegramtest.User{ID: 1001, FirstName: "Tuấn", LastName: "Trần", LanguageCode: "vi"}, role: "cán bộ phường Phú Thọ Hòa"}
)

// name is how the transcript names a persona: "Lan (cư dân)".
func (p persona) name() string { return p.user.FirstName + " (" + p.role + ")" }

// sandboxWait bounds how long one line waits for the bot.
const sandboxWait = 30 * time.Second

const sandboxHelp = `Type as in Telegram: /start, a ward's name (with or without accents), /mine, /events,
/quiet, /help ...
  N              press button N of the bot's newest message with buttons
  /as official   become Tuấn, an official of Phường Phú Thọ Hòa: /broadcast, /history,
                 /campaigns, /stats, /poster, /invite, /officials
  /as resident   become Lan, a resident, again
  /sandbox       show this help
  /quit          leave (or Ctrl-D); the sandbox database is deleted unless --db was given
`

// sandbox runs "sandbox".
func (m *Main) sandbox(ctx context.Context, args []string) error {
	fs := m.flagSet("sandbox [--db FILE]",
		"Runs the real bot offline, against a built-in fake Telegram, on a fresh database seeded with\n"+
			"the example wards, and lets you talk to it in the terminal as a resident or an official.\n"+
			"No token and no network needed. Commands are read from standard input, so a script works:\n"+
			"  loaphuong sandbox < script.txt\n\n"+sandboxHelp)
	keep := fs.String("db", "", "write the sandbox's database to this new file and keep it (default: a temporary file)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("sandbox: unexpected argument %q", fs.Arg(0))
	}
	dbPath := *keep
	if dbPath == "" {
		dir, err := os.MkdirTemp("", "loaphuong-sandbox-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		dbPath = filepath.Join(dir, "sandbox.db")
	} else if exists(dbPath) {
		return usagef("sandbox: %s exists: the sandbox makes a fresh database, give a new file name", dbPath)
	}
	db, err := store.Open(dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", dbPath, err)
	}
	defer db.Close()
	if err := seedSandbox(ctx, db); err != nil {
		return err
	}
	if _, err := scheduler.EnsureCatalogue(ctx, db); err != nil {
		return err
	}

	srv := telegramtest.NewServer(telegramtest.Options{BotUsername: "loaphuong_sandbox_bot", MaxRequests: 2000})
	defer srv.Close()
	log := slog.New(newRedactHandler(slog.NewTextHandler(m.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}), srv.Token))
	// The scheduler runs on the same database, so campaign reminders
	// arrive in Lan's chat as they would in Telegram.
	var b *bot.Bot
	sched := scheduler.New(scheduler.Config{Store: db, Logger: log, OnEnqueue: func() { b.Wake() }})
	b = bot.New(bot.Config{
		API: bot.NewClient(srv.Token, srv.URL, nil), Store: db, Logger: log,
		QuietHours: "off", // a sandbox at night still shows reminders at once
		FloodBurst: 1000, SchedulesChanged: sched.Wake,
	})
	bctx, stopBot := context.WithCancel(ctx)
	done := make(chan error, 2)
	go func() { done <- b.Run(bctx) }()
	go func() { done <- sched.Run(bctx) }()
	defer func() {
		stopBot()
		<-done
		<-done
	}()
	wctx, cancel := context.WithTimeout(ctx, sandboxWait)
	err = srv.Wait(wctx, func() bool { return srv.Count("setMyCommands") > 0 })
	cancel()
	if err != nil {
		return fmt.Errorf("sandbox: the bot did not start: %w", err)
	}

	s := &session{m: m, srv: srv, bot: b, me: sandboxResident, seen: map[int64]map[int]int{}}
	interactive := isTerminal(m.Stdin)
	fmt.Fprintf(m.Stdout, "Loa Phường sandbox: the real bot against a built-in fake Telegram, offline.\n")
	if *keep != "" {
		fmt.Fprintf(m.Stdout, "Database: %s (kept)\n", dbPath)
	}
	fmt.Fprintf(m.Stdout, "Areas: the 5 wards of former Tân Phú, with khu phố in Phú Thọ Hòa and Tân Phú.\n")
	fmt.Fprintf(m.Stdout, "You are %s.\n%s\n", s.me.name(), sandboxHelp)
	if interactive {
		wctx, stopWatch := context.WithCancel(ctx)
		defer stopWatch()
		go s.watch(wctx)
	}
	return s.loop(ctx, interactive)
}

// seedSandbox imports the example wards and khu phố and makes Tuấn an
// official of Phường Phú Thọ Hòa.
func seedSandbox(ctx context.Context, db *store.DB) error {
	csv := append(bytes.TrimRight(examples.TanPhuAreas, "\n"), '\n')
	areas, err := store.ReadAreasCSV(bytes.NewReader(append(csv, sandboxQuarters...)))
	if err != nil {
		return fmt.Errorf("sandbox areas: %w", err)
	}
	if _, err := db.ImportAreas(ctx, areas); err != nil {
		return fmt.Errorf("sandbox areas: %w", err)
	}
	ward, err := db.AreaByCode(ctx, "phu-tho-hoa")
	if err != nil {
		return err
	}
	u := sandboxOfficial.user
	return db.GrantRole(ctx, store.Role{UserID: u.ID, AreaID: ward.ID, Name: u.FirstName + " " + u.LastName})
}

// session is the person at the terminal and what they have seen.
type session struct {
	m   *Main
	srv *telegramtest.Server
	bot *bot.Bot
	me  persona

	mu      sync.Mutex            // one block of output at a time
	seen    map[int64]map[int]int // chat -> message id -> edits printed
	answers int                   // callback answers printed
}

// loop reads lines until the input ends or /quit.
func (s *session) loop(ctx context.Context, interactive bool) error {
	in := bufio.NewScanner(s.m.Stdin)
	in.Buffer(make([]byte, 64<<10), 64<<10)
	for {
		if interactive {
			fmt.Fprintf(s.m.Stdout, "%s> ", s.me.name())
		}
		if !in.Scan() {
			break
		}
		line := strings.TrimSpace(in.Text())
		if line == "" {
			continue
		}
		if !interactive {
			s.print("\n› %s: %s\n", s.me.name(), line)
		}
		quit, err := s.do(ctx, line)
		if err != nil {
			return err
		}
		if quit || ctx.Err() != nil {
			break
		}
	}
	if err := in.Err(); err != nil {
		return fmt.Errorf("sandbox: read standard input: %w", err)
	}
	s.settle(ctx)
	s.print("(sandbox closed)\n")
	return nil
}

// do carries out one line.
func (s *session) do(ctx context.Context, line string) (quit bool, err error) {
	switch fields := strings.Fields(line); {
	case line == "/quit" || line == "/exit":
		return true, nil
	case line == "/sandbox" || line == "/?":
		s.print("%s", sandboxHelp)
		return false, nil
	case fields[0] == "/as":
		who := ""
		if len(fields) > 1 {
			who = strings.ToLower(fields[1])
		}
		switch who {
		case "resident", "cudan", "cư-dân":
			s.me = sandboxResident
		case "official", "canbo", "cán-bộ":
			s.me = sandboxOfficial
		default:
			s.print("(say /as resident or /as official)\n")
			return false, nil
		}
		s.print("(you are now %s)\n", s.me.name())
		return false, nil
	}
	chat := telegramtest.PrivateChat(s.me.user)
	var id int
	if n, err := strconv.Atoi(line); err == nil {
		msgID, b, ok := s.button(n)
		if !ok {
			s.print("(no button %d: the bot's newest message with buttons has %s)\n", n, s.buttonCount())
			return false, nil
		}
		if b.Data == "" {
			s.print("(button %d opens %s)\n", n, b.URL)
			return false, nil
		}
		id = s.srv.PressButtonData(chat, s.me.user, msgID, b.Data)
	} else {
		id = s.srv.SendText(chat, s.me.user, line)
	}
	wctx, cancel := context.WithTimeout(ctx, sandboxWait)
	defer cancel()
	if err := s.srv.Wait(wctx, func() bool { return s.srv.Confirmed() >= id }); err != nil {
		s.print("(the bot did not answer within %v)\n", sandboxWait)
	}
	s.settle(ctx)
	return false, nil
}

// settle waits until the outbox is delivered, then prints what is new.
func (s *session) settle(ctx context.Context) {
	wctx, cancel := context.WithTimeout(ctx, sandboxWait)
	defer cancel()
	if err := s.bot.WaitIdle(wctx); err != nil && ctx.Err() == nil {
		s.print("(still delivering after %v)\n", sandboxWait)
	}
	s.flush()
}

// watch prints what arrives between lines (a broadcast scheduled for
// later), for a person at a terminal.
func (s *session) watch(ctx context.Context) {
	for ctx.Err() == nil {
		if s.srv.Wait(ctx, s.news) != nil {
			return
		}
		s.flush()
	}
}

// button returns button n (from 1) of the newest message with buttons in
// the current persona's chat, and that message's id.
func (s *session) button(n int) (int, telegramtest.Button, bool) {
	msgs := s.srv.Messages(s.me.user.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		if len(msgs[i].Buttons) == 0 {
			continue
		}
		k := 0
		for _, row := range msgs[i].Buttons {
			for _, b := range row {
				if k++; k == n {
					return msgs[i].MessageID, b, true
				}
			}
		}
		return 0, telegramtest.Button{}, false
	}
	return 0, telegramtest.Button{}, false
}

// buttonCount says how many buttons the newest message with buttons has.
func (s *session) buttonCount() string {
	msgs := s.srv.Messages(s.me.user.ID)
	for i := len(msgs) - 1; i >= 0; i-- {
		n := 0
		for _, row := range msgs[i].Buttons {
			n += len(row)
		}
		if n > 0 {
			return strconv.Itoa(n)
		}
	}
	return "none"
}

// news says whether anything is left to print.
func (s *session) news() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.srv.CallbackAnswers()) > s.answers {
		return true
	}
	for _, p := range []persona{sandboxResident, sandboxOfficial} {
		for _, msg := range s.srv.Messages(p.user.ID) {
			if edits, ok := s.seen[p.user.ID][msg.MessageID]; !ok || edits != msg.Edits {
				return true
			}
		}
	}
	return false
}

// flush prints the callback answers and the messages not printed yet (or
// edited since), chat by chat.
func (s *session) flush() {
	s.mu.Lock()
	defer s.mu.Unlock()
	answers := s.srv.CallbackAnswers()
	for _, a := range answers[s.answers:] {
		if a.Text != "" {
			mark := "💬"
			if a.ShowAlert {
				mark = "⚠️"
			}
			fmt.Fprintf(s.m.Stdout, "   %s %s\n", mark, a.Text)
		}
	}
	s.answers = len(answers)
	for _, p := range []persona{sandboxResident, sandboxOfficial} {
		seen := s.seen[p.user.ID]
		if seen == nil {
			seen = map[int]int{}
			s.seen[p.user.ID] = seen
		}
		for _, msg := range s.srv.Messages(p.user.ID) {
			edits, ok := seen[msg.MessageID]
			if ok && edits == msg.Edits {
				continue
			}
			seen[msg.MessageID] = msg.Edits
			s.render(p, msg, ok)
		}
	}
}

// render prints one message as a chat shows it: text without markup,
// buttons numbered.
func (s *session) render(p persona, msg telegramtest.Message, edited bool) {
	w := s.m.Stdout
	head := "── Loa Phường → " + p.name()
	if edited {
		head += " · sửa tin trước"
	}
	fmt.Fprintf(w, "\n%s %s\n", head, strings.Repeat("─", max(3, 60-len([]rune(head)))))
	text := msg.Text
	switch {
	case msg.Document != "":
		text = "[tệp " + msg.Document + "] " + text
	case msg.Photo:
		text = "[ảnh] " + text
	}
	fmt.Fprintln(w, strings.TrimRight(text, "\n"))
	k := 0
	for _, row := range msg.Buttons {
		var cells []string
		for _, b := range row {
			k++
			cells = append(cells, fmt.Sprintf("[%d] %s", k, b.Text))
		}
		fmt.Fprintf(w, "   %s\n", strings.Join(cells, "   "))
	}
}

// print writes a line of the sandbox's own.
func (s *session) print(format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fmt.Fprintf(s.m.Stdout, format, args...)
}

// isTerminal says whether r is a terminal a person types at.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
