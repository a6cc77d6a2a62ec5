package bot_test

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/bot/telegramtest"
	"github.com/loaphuong/loaphuong/store"
)

const testToken = "123456789:AAE-test_token_never_printed_XYZ"

// env is a running bot against the fake Telegram, on a real SQLite file.
type env struct {
	srv    *telegramtest.Server
	db     *store.DB
	bot    *bot.Bot
	logs   *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// syncBuffer is a bytes.Buffer safe for the logger and the test at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// MustOpenDB opens a database file that is closed when the test ends.
func MustOpenDB(tb testing.TB, path string) *store.DB {
	tb.Helper()
	db, err := store.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

// seedAreas imports the example wards, ten khu phố in Phú Thọ Hòa (enough
// for two pages of buttons) and a building in Khu phố 3.
func seedAreas(tb testing.TB, db *store.DB) {
	tb.Helper()
	f, err := os.Open(filepath.Join("..", "examples", "tanphu-areas.csv"))
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	areas, err := store.ReadAreasCSV(f)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 1; i <= 10; i++ {
		areas = append(areas, store.Area{
			Code: fmt.Sprintf("kp%d-phu-tho-hoa", i), ParentCode: "phu-tho-hoa",
			Kind: store.KindQuarter, Name: fmt.Sprintf("Khu phố %d", i),
		})
	}
	areas = append(areas, store.Area{Code: "cc-ehome", ParentCode: "kp3-phu-tho-hoa", Kind: store.KindBuilding, Name: "Chung cư Ehome"})
	if _, err := db.ImportAreas(context.Background(), areas); err != nil {
		tb.Fatal(err)
	}
}

// startBot runs a bot on a new fake server and database.
func startBot(tb testing.TB, cfg bot.Config) *env {
	tb.Helper()
	srv := telegramtest.NewServer(telegramtest.Options{Token: testToken})
	tb.Cleanup(srv.Close)
	db := MustOpenDB(tb, filepath.Join(tb.TempDir(), "test.db"))
	seedAreas(tb, db)
	return runBot(tb, srv, db, cfg)
}

// runBot runs a bot against srv and db until the test ends or stop is called.
func runBot(tb testing.TB, srv *telegramtest.Server, db *store.DB, cfg bot.Config) *env {
	tb.Helper()
	logs := &syncBuffer{}
	cfg.API = bot.NewClient(testToken, srv.URL, nil)
	cfg.Store = db
	cfg.Logger = slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	if cfg.PollTimeout == 0 {
		cfg.PollTimeout = 5 * time.Second
	}
	e := &env{srv: srv, db: db, bot: bot.New(cfg), logs: logs, done: make(chan error, 1)}
	ctx, cancel := context.WithCancel(context.Background())
	e.cancel = cancel
	commandsBefore := srv.Count("setMyCommands")
	go func() { e.done <- e.bot.Run(ctx) }()
	tb.Cleanup(func() { e.stop(tb) })
	e.wait(tb, func() bool { return srv.Count("setMyCommands") > commandsBefore })
	return e
}

// stop stops the bot and waits for Run to return.
func (e *env) stop(tb testing.TB) {
	tb.Helper()
	e.cancel()
	select {
	case err := <-e.done:
		if err != nil {
			tb.Errorf("Run: %v", err)
		}
		e.done <- nil // a second stop returns at once
	case <-time.After(10 * time.Second):
		tb.Fatal("bot did not stop within 10s")
	}
}

// wait waits for cond, failing the test after 30 seconds (a loaded machine under -race is slow).
func (e *env) wait(tb testing.TB, cond func() bool) {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := e.srv.Wait(ctx, cond); err != nil {
		tb.Fatalf("condition not met: %v\nlogs:\n%s", err, e.logs.String())
	}
}

// handled waits until update id has been handled: the bot confirms an
// update (with the offset of its next poll) only after handling it.
func (e *env) handled(tb testing.TB, id int) {
	tb.Helper()
	e.wait(tb, func() bool { return e.srv.Confirmed() >= id })
}

// message waits for the chat's message number n (1-based) and returns it.
func (e *env) message(tb testing.TB, chatID int64, n int) telegramtest.Message {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	msgs, err := e.srv.WaitMessages(ctx, chatID, n)
	if err != nil {
		tb.Fatalf("waiting for message %d in chat %d: %v\nlogs:\n%s", n, chatID, err, e.logs.String())
	}
	return msgs[n-1]
}

// press presses a button by label and waits until the bot has handled it.
func (e *env) press(tb testing.TB, chat telegramtest.Chat, from telegramtest.User, label string) {
	tb.Helper()
	id, err := e.srv.PressButton(chat, from, label)
	if err != nil {
		tb.Fatal(err)
	}
	e.handled(tb, id)
}

// subs returns the area codes a chat is subscribed to.
func (e *env) subs(tb testing.TB, chatID int64) []string {
	tb.Helper()
	subs, err := e.db.Subscriptions(context.Background(), chatID)
	if err != nil {
		tb.Fatal(err)
	}
	var codes []string
	for _, s := range subs {
		codes = append(codes, s.Area.Code)
	}
	return codes
}
