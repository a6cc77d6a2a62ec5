package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
)

// Main is the program, as a value: end-to-end tests run it in-process with
// their own arguments, environment and output.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads the environment (os.Getenv by default).
	Getenv func(string) string
}

// NewMain returns a Main wired to the process's standard streams.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// usageError is a mistake in how the program was called (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

const usage = `Loa Phường: the ward loudspeaker on Telegram.

Usage:
  loaphuong sandbox                try the bot offline: no token, no network; talk to
                                   it in the terminal as a resident or an official
  loaphuong serve [flags]          run the bot (long polling; --webhook-url for a
                                   webhook; --listen for /healthz and /metrics)
  loaphuong areas import FILE      import areas from a CSV file
  loaphuong areas list             list the areas
  loaphuong broadcast --area CODE [--topic T] [--at TIME] [--urgent] [--text TEXT]
                                   enqueue a broadcast (the text on standard input
                                   without --text); a running serve delivers it
  loaphuong officials grant --user ID [--area CODE] [--name NAME]
                                   make a user an official of an area (no --area:
                                   an admin of everything)
  loaphuong officials revoke --user ID [--area CODE]
                                   take a role away
  loaphuong officials list         list the officials
  loaphuong stats [--area CODE]    subscribers per area, growth over 7 and 30 days,
                                   delivery of the latest broadcasts
  loaphuong poster --area CODE --out FILE.png [--bot USERNAME] [--size a5|a4]
                                   the printable QR poster of an area
  loaphuong backup [--force] FILE  a consistent copy of the database, safe while
                                   serve runs
  loaphuong audit [--user ID] [--limit 50]
                                   who did what: the latest entries of the audit log
  loaphuong prune [--older-than 180d]
                                   delete broadcasts finished long ago, with their
                                   delivery rows
  loaphuong campaigns add --area CODE --title TITLE --text TEXT --schedule SPEC
                          [--from DATE] [--until DATE] [--catalogue KEY]
                                   add a campaign reminded on a schedule (a preset such
                                   as "mỗi sáng Chủ nhật 7:00" or a cron expression)
  loaphuong campaigns list         list the campaigns and their next reminders
  loaphuong campaigns pause|resume|end ID
                                   pause, resume or end a campaign
  loaphuong events upcoming --days N [--area CODE]
                                   the days of events coming, one line each
  loaphuong events add|list|remove add, list or remove events with countdowns
  loaphuong catalogue export [FILE]
                                   write the catalogue of campaigns and national and
                                   lunar days (CSV), to edit and import
  loaphuong catalogue import FILE  import an edited catalogue
  loaphuong sources add --url URL --area CODE [--topic news|announcements] [--interval 10m]
                        [--selector CSS] [--keywords "a,b"]
                                   watch a feed or an HTML list page (read once now: what
                                   is there is marked seen)
  loaphuong sources list           list the sources and their state
  loaphuong sources remove|pause|resume ID
  loaphuong sources poll [ID...]   poll now; what is new is enqueued for a running serve
  loaphuong help                   show this help

Every command takes --db (LOAPHUONG_DB, default loaphuong.db).
Run "loaphuong COMMAND --help" for the flags of a command.
`

// Run runs the command named by args and returns when it is done; serve
// runs until ctx is cancelled.
func (m *Main) Run(ctx context.Context, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return usagef("no command given")
	}
	cmd, rest := args[0], args[1:]
	var err error
	switch cmd {
	case "serve":
		err = m.serve(ctx, rest)
	case "areas":
		err = m.areas(ctx, rest)
	case "broadcast":
		err = m.broadcast(ctx, rest)
	case "officials":
		err = m.officials(ctx, rest)
	case "backup":
		err = m.backup(ctx, rest)
	case "prune":
		err = m.prune(ctx, rest)
	case "audit":
		err = m.audit(ctx, rest)
	case "stats":
		err = m.stats(ctx, rest)
	case "poster":
		err = m.poster(ctx, rest)
	case "sandbox":
		err = m.sandbox(ctx, rest)
	case "campaigns":
		err = m.campaigns(ctx, rest)
	case "events":
		err = m.events(ctx, rest)
	case "catalogue":
		err = m.catalogue(ctx, rest)
	case "sources":
		err = m.sources(ctx, rest)
	case "help", "-h", "--help", "-help":
		fmt.Fprint(m.Stdout, usage)
		return nil
	default:
		fmt.Fprint(m.Stderr, usage)
		return usagef("unknown command %q", cmd)
	}
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// flagSet returns a flag set for a command that prints its usage to Stderr
// and reports errors instead of exiting.
func (m *Main) flagSet(name, summary string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: loaphuong %s\n\n%s\n\nFlags:\n", name, summary)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning a bad flag into a usage error.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usagef("%s: %v", fs.Name(), err)
	}
	return nil
}

// env returns the environment variable name, or def when it is unset.
func (m *Main) env(name, def string) string {
	if v := strings.TrimSpace(m.Getenv(name)); v != "" {
		return v
	}
	return def
}

// dbFlag adds --db to a flag set.
func (m *Main) dbFlag(fs *flag.FlagSet) *string {
	return fs.String("db", m.env("LOAPHUONG_DB", "loaphuong.db"), "SQLite database file (LOAPHUONG_DB)")
}

// logFlag adds --log-format to a flag set.
func (m *Main) logFlag(fs *flag.FlagSet) *string {
	return fs.String("log-format", m.env("LOAPHUONG_LOG_FORMAT", "text"), "log lines as text or json (LOAPHUONG_LOG_FORMAT)")
}

// logger returns the program's logger on Stderr, which removes secrets
// from every line it writes.
func (m *Main) logger(format string, secrets ...string) (*slog.Logger, error) {
	return newLogger(m.Stderr, format, secrets...)
}

// ExitCode is the process exit code for an error Run returned: 0 for none,
// 2 for a mistake in how the program was called, 1 for anything else.
func ExitCode(err error) int {
	var u *usageError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &u):
		return 2
	default:
		return 1
	}
}

// flagGiven says whether a flag was set on the command line.
func flagGiven(fs *flag.FlagSet, name string) bool {
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == name })
	return given
}

// fromEnv sets each flag not given on the command line from its environment
// variable ({flag, variable} pairs), parsed as the flag parses its own
// value, so a bad variable is as clear a usage error as a bad flag.
func (m *Main) fromEnv(cmd string, fs *flag.FlagSet, pairs ...[2]string) error {
	for _, p := range pairs {
		v := m.env(p[1], "")
		if v == "" || flagGiven(fs, p[0]) {
			continue
		}
		if err := fs.Set(p[0], v); err != nil {
			return usagef("%s: %s=%q: %v", cmd, p[1], v, err)
		}
	}
	return nil
}
