package main

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/metrics"
	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// serveOptions is what serve was told, checked.
type serveOptions struct {
	dbPath, token, apiURL                 string
	admins                                []int64
	rate                                  float64
	paid                                  bool
	quiet                                 string
	listen, hookURL, hookPath, hookSecret string
	logFormat                             string
	allowPrivate                          bool
	catchUp                               time.Duration
}

// serveFlags reads serve's flags and their environment variables; any
// mistake is a usage error, found before anything starts.
func (m *Main) serveFlags(args []string) (*serveOptions, error) {
	fs := m.flagSet("serve [flags]", "Runs the bot: receives updates from Telegram by long polling, or at --webhook-url, and\n"+
		"answers them; delivers the outbox; sends campaign reminders; polls the news sources.\n"+
		"With --listen it serves /healthz and /metrics (and the webhook) there.")
	dbPath := m.dbFlag(fs)
	token := fs.String("token", "", "Telegram bot token from @BotFather (TELEGRAM_BOT_TOKEN; prefer the variable: flags show in ps)")
	apiURL := fs.String("api-url", m.env("TELEGRAM_API_URL", "https://api.telegram.org"), "Telegram Bot API base URL (TELEGRAM_API_URL)")
	adminList := fs.String("admins", m.env("LOAPHUONG_ADMINS", ""), "comma-separated Telegram user ids with every right (LOAPHUONG_ADMINS)")
	rate := fs.Float64("rate", 30, "broadcast messages per second, overall (LOAPHUONG_RATE)")
	paid := fs.Bool("paid-broadcast", false, "Telegram's paid broadcasts: 1000 messages per second, paid in Stars (LOAPHUONG_PAID_BROADCAST)")
	quiet := fs.String("quiet-hours", m.env("LOAPHUONG_QUIET_HOURS", store.DefaultQuietHours),
		"when non-urgent reminders and news wait for morning, HH:MM-HH:MM in Asia/Ho_Chi_Minh, or off; a chat's own setting wins (LOAPHUONG_QUIET_HOURS)")
	listen := fs.String("listen", m.env("LOAPHUONG_LISTEN", ""), "address to serve /healthz, /metrics and the webhook on, such as 127.0.0.1:8080; none: no HTTP at all (LOAPHUONG_LISTEN)")
	hookURL := fs.String("webhook-url", m.env("LOAPHUONG_WEBHOOK_URL", ""),
		"public HTTPS URL at which Telegram posts updates (a reverse proxy forwards it to --listen, same path); none: long polling (LOAPHUONG_WEBHOOK_URL)")
	hookSecret := fs.String("webhook-secret", "", "the webhook's secret token, A-Z a-z 0-9 _ - (LOAPHUONG_WEBHOOK_SECRET; default: generated once and kept in the database)")
	logFormat := m.logFlag(fs)
	private := m.privateSourcesFlag(fs)
	catchUp := fs.Duration("catch-up", scheduler.DefaultCatchUp, "how late a reminder missed while the bot was down may still go out; older ones are skipped and logged (LOAPHUONG_CATCH_UP)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, usagef("serve: unexpected argument %q", fs.Arg(0))
	}
	if err := m.fromEnv("serve", fs, [2]string{"rate", "LOAPHUONG_RATE"},
		[2]string{"paid-broadcast", "LOAPHUONG_PAID_BROADCAST"}, [2]string{"catch-up", "LOAPHUONG_CATCH_UP"}, privateSourcesEnv); err != nil {
		return nil, err
	}
	if *catchUp <= 0 {
		return nil, usagef("serve: --catch-up %v: want a duration above 0, such as 2h or 30m", *catchUp)
	}
	if _, err := store.ParseQuietHours(*quiet); err != nil {
		return nil, usagef("serve: --quiet-hours (LOAPHUONG_QUIET_HOURS) %q: want HH:MM-HH:MM or off", *quiet)
	}
	admins, err := parseAdmins(*adminList)
	if err != nil {
		return nil, usagef("serve: --admins (LOAPHUONG_ADMINS): %v", err)
	}
	if !(*rate > 0) || math.IsInf(*rate, 0) {
		return nil, usagef("serve: --rate %v: want a number of messages per second above 0", *rate)
	}
	if !slices.Contains(logFormats, *logFormat) {
		return nil, usagef("serve: --log-format (LOAPHUONG_LOG_FORMAT) %q: want text or json", *logFormat)
	}
	hookPath, err := webhookPath(*hookURL, *listen)
	if err != nil {
		return nil, err
	}
	if *hookSecret == "" {
		*hookSecret = m.env("LOAPHUONG_WEBHOOK_SECRET", "")
	}
	if *token == "" {
		*token = m.env("TELEGRAM_BOT_TOKEN", "")
	}
	if *token == "" {
		return nil, usagef("serve: no bot token: set TELEGRAM_BOT_TOKEN (or pass --token)")
	}
	return &serveOptions{
		dbPath: *dbPath, token: *token, apiURL: *apiURL, admins: admins, rate: *rate, paid: *paid, quiet: *quiet,
		listen: *listen, hookURL: *hookURL, hookPath: hookPath, hookSecret: *hookSecret, logFormat: *logFormat,
		allowPrivate: *private, catchUp: *catchUp,
	}, nil
}

// serve runs the bot, the scheduler and the news poller side by side until
// ctx is cancelled or one of them fails.
func (m *Main) serve(ctx context.Context, args []string) error {
	o, err := m.serveFlags(args)
	if err != nil {
		return err
	}
	db, err := store.Open(o.dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", o.dbPath, err)
	}
	defer db.Close()
	var hook bot.Webhook
	if o.hookURL != "" {
		secret, err := bot.WebhookSecret(ctx, db, o.hookSecret)
		if store.ErrorCode(err) == store.EINVALID {
			return usagef("serve: --webhook-secret (LOAPHUONG_WEBHOOK_SECRET): %s", store.ErrorMessage(err))
		}
		if err != nil {
			return err
		}
		hook = bot.Webhook{URL: o.hookURL, Secret: secret}
	}
	log, err := m.logger(o.logFormat, o.token, hook.Secret)
	if err != nil {
		return usagef("serve: %v", err)
	}
	if n, err := scheduler.EnsureCatalogue(ctx, db); err != nil {
		return err
	} else if n > 0 {
		log.Info("catalogue entries added", "count", n)
	}

	var b *bot.Bot
	sched := scheduler.New(scheduler.Config{Store: db, Logger: log, CatchUp: o.catchUp, OnEnqueue: func() { b.Wake() }})
	// One fetcher reads the sources officials add and those polled.
	fetcher := feed.NewFetcher(feed.Options{AllowPrivate: o.allowPrivate})
	b = bot.New(bot.Config{API: bot.NewClient(o.token, o.apiURL, nil), Store: db, Logger: log, Admins: o.admins,
		Rate: o.rate, PaidBroadcast: o.paid, QuietHours: o.quiet, Webhook: hook, SchedulesChanged: sched.Wake, Fetcher: fetcher})
	// What the scheduler and the poller find new goes to the outbox, which
	// the bot's dispatcher drains.
	poller := feed.NewPoller(feed.Config{Store: db, Fetcher: fetcher, Notifier: b, Wake: b.Wake, Logger: log.With("part", "sources")})
	mode := "polling"
	if hook.URL != "" {
		mode = "webhook"
	}
	log.Info("starting", "db", o.dbPath, "api", o.apiURL, "updates", mode, "catch_up", o.catchUp)
	if o.listen != "" {
		reg := metrics.New()
		registerBot(reg, b, db)
		registerScheduler(reg, sched)
		registerSources(reg, poller)
		stop, err := m.listen(ctx, o.listen, log, endpoints{bot: b, db: db, hookPath: o.hookPath, registry: reg})
		if err != nil {
			return err
		}
		defer stop()
	}
	if err := runTogether(ctx, b.Run, sched.Run, poller.Run); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}

// webhookPath checks --webhook-url and returns the path Telegram posts to,
// which the listener serves; "" without a webhook.
func webhookPath(raw, listen string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", usagef("serve: --webhook-url %q: want an https:// URL without a query, such as https://bot.example.org/telegram", raw)
	}
	if listen == "" {
		return "", usagef("serve: --webhook-url needs --listen (LOAPHUONG_LISTEN): the address the reverse proxy forwards %s to", raw)
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if p := strings.TrimSuffix(path, "/"); p == "/healthz" || p == "/metrics" {
		return "", usagef("serve: --webhook-url %q: the path %s is taken by the listener itself", raw, path)
	}
	return path, nil
}

// runTogether runs each part until ctx ends or one of them stops; then it
// stops the others, waits for all, and returns the first error.
func runTogether(ctx context.Context, parts ...func(context.Context) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make(chan error, len(parts))
	for _, run := range parts {
		go func() {
			err := run(ctx)
			cancel()
			errs <- err
		}()
	}
	var first error
	for range parts {
		if err := <-errs; err != nil && first == nil {
			first = err
		}
	}
	return first
}
