package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/loaphuong/loaphuong/bot"
	"github.com/loaphuong/loaphuong/metrics"
	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// staleAfter is how long without an answer from Telegram makes /healthz
// fail: a long poll answers at least every 30 seconds, and in webhook mode
// the bot asks Telegram about the webhook every minute.
const staleAfter = 3 * time.Minute

// endpoints are what the listener serves.
type endpoints struct {
	bot      *bot.Bot
	db       *store.DB
	hookPath string // "" without a webhook
	// registry is what /metrics serves (default: a new one with the bot's
	// series only); serve adds the scheduler's and the news sources' to it.
	registry *metrics.Registry
}

// listen serves /healthz, /metrics and the webhook on addr until ctx ends
// or stop is called; it returns once the address is bound.
func (m *Main) listen(ctx context.Context, addr string, log *slog.Logger, e endpoints) (stop func(), err error) {
	if e.registry == nil {
		e.registry = metrics.New()
		registerBot(e.registry, e.bot, e.db)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", healthHandler(e.bot, e.db))
	mux.Handle("GET /metrics", e.registry.Handler())
	if e.hookPath != "" {
		pattern := e.hookPath
		if pattern == "/" {
			pattern = "/{$}"
		}
		mux.Handle(pattern, e.bot.WebhookHandler())
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	attrs := []any{"addr", ln.Addr().String()}
	if e.hookPath != "" {
		attrs = append(attrs, "webhook_path", e.hookPath)
	}
	log.Info("listening", attrs...)
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("listener stopped", "err", err)
		}
	}()
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil {
			log.Warn("listener shutdown", "err", err)
		}
		<-served
	}, nil
}

// health is the body of /healthz.
type health struct {
	Status   string `json:"status"`   // ok or failing
	Database string `json:"database"` // ok, or the error
	// Telegram is ok, stale (no answer for longer than staleAfter) or never.
	Telegram string `json:"telegram"`
	// LastContact is when Telegram last answered; AgeSeconds how long ago.
	LastContact *time.Time `json:"telegram_last_contact,omitempty"`
	AgeSeconds  *float64   `json:"telegram_age_seconds,omitempty"`
}

// healthHandler answers 200 when the database answers and Telegram
// answered lately, 503 otherwise, with a small JSON body saying which.
func healthHandler(b *bot.Bot, db *store.DB) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := health{Status: "ok", Database: "ok", Telegram: "ok"}
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := db.Ping(ctx); err != nil {
			h.Status, h.Database = "failing", err.Error()
		}
		if last := b.LastContact(); last.IsZero() {
			h.Status, h.Telegram = "failing", "never"
		} else {
			age := time.Since(last).Seconds()
			last = last.UTC().Truncate(time.Millisecond)
			h.LastContact, h.AgeSeconds = &last, &age
			if time.Since(last) > staleAfter {
				h.Status, h.Telegram = "failing", "stale"
			}
		}
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if h.Status != "ok" {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		_ = json.NewEncoder(w).Encode(h)
	})
}

// registerScheduler adds the scheduler's series to the registry.
func registerScheduler(reg *metrics.Registry, sched *scheduler.Scheduler) {
	reg.Counters("loaphuong_scheduler_firings_total", "Reminder occurrences, by outcome: fired on time, caught up late, skipped as too late.", "outcome",
		func() map[string]float64 {
			st := sched.Stats()
			return map[string]float64{"fired": float64(st.Fired), "caught_up": float64(st.CaughtUp), "skipped": float64(st.Skipped)}
		})
	reg.Gauge("loaphuong_scheduler_schedules", "Campaign schedules and event countdowns scheduled now.",
		func() float64 { return float64(sched.Stats().Schedules) })
	reg.Gauge("loaphuong_scheduler_max_late_seconds", "The longest an occurrence waited to be enqueued after its time.",
		func() float64 { return sched.Stats().MaxLate.Seconds() })
}

// registerSources adds the news sources' series to the registry.
func registerSources(reg *metrics.Registry, p *feed.Poller) {
	reg.Counters("loaphuong_source_polls_total", "Fetches of news sources, by result.", "result",
		func() map[string]float64 {
			st := p.Stats()
			return map[string]float64{"changed": float64(st.Polls - st.NotModified - st.Errors), "not_modified": float64(st.NotModified), "error": float64(st.Errors)}
		})
	reg.Counter("loaphuong_source_items_new_total", "Items news sources showed that were not seen before.",
		func() float64 { return float64(p.Stats().ItemsNew) })
	reg.Counter("loaphuong_source_broadcasts_total", "Messages enqueued from news sources (items and digests).",
		func() float64 { return float64(p.Stats().Broadcasts) })
}

// registerBot adds the bot's series to the registry.
func registerBot(reg *metrics.Registry, b *bot.Bot, db *store.DB) {
	reg.Counters("loaphuong_updates_handled_total", "Telegram updates handled, by kind.", "kind",
		func() map[string]float64 { return metrics.Uints(b.Metrics().Updates) })
	reg.Counters("loaphuong_messages_sent_total", "Broadcast messages the dispatcher tried, by outcome.", "outcome",
		func() map[string]float64 { return metrics.Uints(b.Metrics().Deliveries) })
	reg.Counters("loaphuong_telegram_requests_total", "Calls to the Telegram Bot API, by result.", "result",
		func() map[string]float64 { return metrics.Uints(b.Metrics().Requests) })
	reg.Counter("loaphuong_telegram_too_many_requests_total", "Telegram's 429 answers (flood control), to any call.",
		func() float64 { return float64(b.Metrics().TooManyRequests) })
	reg.Counters("loaphuong_webhook_requests_total", "Requests to the webhook, by result.", "result",
		func() map[string]float64 { return metrics.Uints(b.Metrics().Webhook) })
	reg.Gauge("loaphuong_telegram_last_contact_timestamp_seconds", "When Telegram last answered, as a Unix time (0: never).",
		func() float64 {
			if t := b.LastContact(); !t.IsZero() {
				return float64(t.UnixNano()) / 1e9
			}
			return 0
		})
	reg.Gauge("loaphuong_deliveries_pending", "Deliveries waiting to be sent, due or scheduled (-1: the database did not answer).",
		countOf(db.CountPendingDeliveries))
	reg.Gauge("loaphuong_webhook_updates_unhandled", "Updates the webhook stored that wait to be handled (-1: the database did not answer).",
		countOf(db.CountUnhandledUpdates))
}

// countOf reads a count from the database at a scrape, -1 on failure.
func countOf(count func(context.Context) (int, error)) func() float64 {
	return func() float64 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		n, err := count(ctx)
		if err != nil {
			return -1
		}
		return float64(n)
	}
}
