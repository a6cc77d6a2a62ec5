package main

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"sync"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// serve runs the bot until ctx is cancelled.
func (m *Main) serve(ctx context.Context, args []string) error {
	fs := m.flagSet("serve [flags]", "Runs the bot: receives updates from Telegram by long polling and answers them, delivers\n"+
		"the outbox, and polls the news sources (see \"loaphuong sources\").")
	dbPath := m.dbFlag(fs)
	token := fs.String("token", "", "Telegram bot token from @BotFather (TELEGRAM_BOT_TOKEN; prefer the variable: flags show in ps)")
	apiURL := fs.String("api-url", m.env("TELEGRAM_API_URL", "https://api.telegram.org"), "Telegram Bot API base URL (TELEGRAM_API_URL)")
	adminList := fs.String("admins", m.env("LOAPHUONG_ADMINS", ""), "comma-separated Telegram user ids with every right (LOAPHUONG_ADMINS)")
	rateEnv := m.env("LOAPHUONG_RATE", "30")
	rateDef, rateEnvErr := strconv.ParseFloat(rateEnv, 64)
	rate := fs.Float64("rate", rateDef, "broadcast messages per second, overall (LOAPHUONG_RATE)")
	paidEnv := m.env("LOAPHUONG_PAID_BROADCAST", "false")
	paidDef, paidEnvErr := strconv.ParseBool(paidEnv)
	paid := fs.Bool("paid-broadcast", paidDef, "Telegram's paid broadcasts: 1000 messages per second, paid in Stars (LOAPHUONG_PAID_BROADCAST)")
	quiet := fs.String("quiet-hours", m.env("LOAPHUONG_QUIET_HOURS", store.DefaultQuietHours),
		"when non-urgent reminders and news wait for morning, HH:MM-HH:MM in Asia/Ho_Chi_Minh, or off; a chat's own setting wins (LOAPHUONG_QUIET_HOURS)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if _, err := store.ParseQuietHours(*quiet); err != nil {
		return usagef("serve: --quiet-hours (LOAPHUONG_QUIET_HOURS) %q: want HH:MM-HH:MM or off", *quiet)
	}
	admins, err := parseAdmins(*adminList)
	if err != nil {
		return usagef("serve: --admins (LOAPHUONG_ADMINS): %v", err)
	}
	if rateEnvErr != nil && !flagGiven(fs, "rate") {
		return usagef("serve: LOAPHUONG_RATE=%q: want a number of messages per second", rateEnv)
	}
	if !(*rate > 0) || math.IsInf(*rate, 0) {
		return usagef("serve: --rate %v: want a number of messages per second above 0", *rate)
	}
	if paidEnvErr != nil && !flagGiven(fs, "paid-broadcast") {
		return usagef("serve: LOAPHUONG_PAID_BROADCAST=%q: want true or false", paidEnv)
	}
	if *token == "" {
		*token = m.env("TELEGRAM_BOT_TOKEN", "")
	}
	if *token == "" {
		return usagef("serve: no bot token: set TELEGRAM_BOT_TOKEN (or pass --token)")
	}
	log := m.logger(*token)

	db, err := store.Open(*dbPath)
	if err != nil {
		return fmt.Errorf("open database %s: %w", *dbPath, err)
	}
	defer db.Close()

	client := bot.NewClient(*token, *apiURL, nil)
	b := bot.New(bot.Config{API: client, Store: db, Logger: log, Admins: admins, Rate: *rate, PaidBroadcast: *paid,
		QuietHours: *quiet})
	// The news sources are polled alongside; what is new goes to the
	// outbox, which the bot's dispatcher drains. The poller stops with the
	// bot, and serve returns once both have.
	poller := feed.NewPoller(feed.Config{Store: db, Notifier: b, Wake: b.Wake, Logger: log.With("part", "sources")})
	pctx, stopPolling := context.WithCancel(ctx)
	var polling sync.WaitGroup
	polling.Go(func() {
		if err := poller.Run(pctx); err != nil {
			log.Error("source poller stopped", "err", err)
		}
	})
	log.Info("starting", "db", *dbPath, "api", *apiURL)
	err = b.Run(ctx)
	stopPolling()
	polling.Wait()
	if err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
