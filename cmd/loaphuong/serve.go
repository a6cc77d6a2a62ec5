package main

import (
	"context"
	"fmt"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/store"
)

// serve runs the bot until ctx is cancelled.
func (m *Main) serve(ctx context.Context, args []string) error {
	fs := m.flagSet("serve [flags]", "Runs the bot: receives updates from Telegram by long polling and answers them.")
	dbPath := m.dbFlag(fs)
	token := fs.String("token", "", "Telegram bot token from @BotFather (TELEGRAM_BOT_TOKEN; prefer the variable: flags show in ps)")
	apiURL := fs.String("api-url", m.env("TELEGRAM_API_URL", "https://api.telegram.org"), "Telegram Bot API base URL (TELEGRAM_API_URL)")
	if err := parse(fs, args); err != nil {
		return err
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
	b := bot.New(bot.Config{API: client, Store: db, Logger: log})
	log.Info("starting", "db", *dbPath, "api", *apiURL)
	if err := b.Run(ctx); err != nil {
		return err
	}
	log.Info("stopped")
	return nil
}
