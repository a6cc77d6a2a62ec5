// Package bot is everything that talks to Telegram: the update loop, the
// handlers for residents, the Vietnamese texts and the replies.
package bot

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// State keys the bot keeps in the store.
const (
	stateOffset   = "telegram.update_offset"
	stateUsername = "telegram.username"
)

// Config is what a Bot needs.
type Config struct {
	API    API
	Store  *store.DB
	Logger *slog.Logger

	// Workers is how many updates are handled at once (default 16). Updates
	// of one chat are always handled in order.
	Workers int
	// PollTimeout is the long-poll timeout of getUpdates (default 30s).
	PollTimeout time.Duration
	// ShutdownGrace is how long updates already received may take to finish
	// once Run's context is cancelled (default 3s).
	ShutdownGrace time.Duration
	// Flood limits each user: Burst actions at once, then one per FloodEvery.
	FloodBurst int
	FloodEvery time.Duration

	// Admins are Telegram user ids with every right, from the configuration.
	Admins []int64

	// Rate is the overall ceiling of broadcast messages per second (default
	// 30, Telegram's limit); PaidBroadcast raises it to 1000 and marks each
	// message allow_paid_broadcast. A negative Rate means no limit (tests).
	Rate          float64
	PaidBroadcast bool
	// PerChat is the least time between two messages to one chat (default
	// 1s); PerGroup the most messages to one group per minute (default 20).
	PerChat  time.Duration
	PerGroup int
	// Senders is how many broadcast messages may be in flight at once
	// (default 32).
	Senders int
	// QuietHours is when non-urgent reminders and news wait for morning,
	// for chats without their own setting: "HH:MM-HH:MM" in Asia/Ho_Chi_Minh
	// or "off" (default store.DefaultQuietHours).
	QuietHours string

	// Webhook, when its URL is set, has Telegram post updates to that URL
	// instead of the bot polling for them (see WebhookHandler).
	Webhook Webhook
	// SchedulesChanged is called after an official creates, pauses,
	// resumes or ends a campaign, so the scheduler reloads at once.
	SchedulesChanged func()
	// Fetcher reads the sources officials add with /sources (default: one
	// with a 10-second limit, so an official is not kept waiting).
	Fetcher *feed.Fetcher
}

// Bot is the Telegram side of Loa Phường.
type Bot struct {
	api   API
	db    *store.DB
	log   *slog.Logger
	cfg   Config
	flood *floodGuard
	fetch *feed.Fetcher

	mu       sync.RWMutex
	username string // the bot's @username, to tell commands meant for it

	// wakeup tells the dispatcher that a broadcast was created.
	wakeup chan struct{}
	// stored tells the webhook's update loop that an update was stored.
	stored chan struct{}

	counters counters
	idle     idleState
}

// New returns a bot; it does nothing until Run.
func New(cfg Config) *Bot {
	if cfg.Workers <= 0 {
		cfg.Workers = 16
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.ShutdownGrace <= 0 {
		cfg.ShutdownGrace = 3 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.FloodBurst <= 0 {
		cfg.FloodBurst = 12
	}
	if cfg.FloodEvery <= 0 {
		cfg.FloodEvery = time.Second
	}
	switch {
	case cfg.PaidBroadcast:
		cfg.Rate = 1000
	case cfg.Rate == 0:
		cfg.Rate = 30
	}
	if cfg.PerChat == 0 {
		cfg.PerChat = time.Second
	}
	if cfg.PerGroup == 0 {
		cfg.PerGroup = 20
	}
	if cfg.Senders <= 0 {
		cfg.Senders = 32
	}
	if cfg.QuietHours == "" {
		cfg.QuietHours = store.DefaultQuietHours
	}
	if cfg.Fetcher == nil {
		cfg.Fetcher = feed.NewFetcher(feed.Options{Timeout: 10 * time.Second})
	}
	b := &Bot{
		db:     cfg.Store,
		log:    cfg.Logger,
		cfg:    cfg,
		flood:  newFloodGuard(cfg.FloodBurst, cfg.FloodEvery),
		fetch:  cfg.Fetcher,
		wakeup: make(chan struct{}, 1),
		stored: make(chan struct{}, 1),
		idle:   newIdleState(),
	}
	b.api = observedAPI{next: cfg.API, c: &b.counters}
	return b
}

// Wake tells the dispatcher to look for new broadcasts now rather than at
// its next poll of the database.
func (b *Bot) Wake() {
	select {
	case b.wakeup <- struct{}{}:
	default:
	}
}

// Username returns the bot's @username as Telegram last told it.
func (b *Bot) Username() string {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.username
}

// Start introduces the bot to Telegram: who it is, its commands, and how
// updates come: by polling (any webhook is deleted) or to the configured
// webhook. It retries until Telegram answers or ctx ends.
func (b *Bot) Start(ctx context.Context) error {
	var me tgbotapi.User
	err := b.retry(ctx, "getMe", func() (err error) {
		me, err = b.api.GetMe(ctx)
		return err
	})
	if err != nil {
		return err
	}
	b.mu.Lock()
	b.username = me.UserName
	b.mu.Unlock()
	if err := b.db.SetState(ctx, stateUsername, me.UserName); err != nil {
		return err
	}
	b.log.Info("connected to Telegram", "bot", me.UserName)

	if b.cfg.Webhook.URL != "" {
		if err := b.retry(ctx, "setWebhook", func() error { return b.setWebhook(ctx) }); err != nil {
			return err
		}
	} else if err := b.retry(ctx, "deleteWebhook", func() error {
		_, err := b.api.Request(ctx, tgbotapi.DeleteWebhookConfig{})
		return err
	}); err != nil {
		return err
	}
	return b.retry(ctx, "setMyCommands", func() error {
		_, err := b.api.Request(ctx, tgbotapi.NewSetMyCommands(commands...))
		return err
	})
}

// commands is the menu Telegram shows; names are latin, descriptions Vietnamese.
var commands = []tgbotapi.BotCommand{
	{Command: "start", Description: "Chọn phường, khu phố để nhận tin"},
	{Command: "mine", Description: "Xem và sửa các khu vực đang nhận tin"},
	{Command: "events", Description: "Các ngày lễ, sự kiện sắp tới ở khu vực của bạn"},
	{Command: "stop", Description: "Ngừng nhận mọi tin"},
	{Command: "quiet", Description: "Giờ yên lặng: không nhận nhắc lịch, tin tức ban đêm"},
	{Command: "forget", Description: "Xóa mọi dữ liệu của bạn"},
	{Command: "help", Description: "Hướng dẫn sử dụng"},
}

// Run starts the bot and handles updates until ctx is cancelled: by long
// polling, or those the webhook stored when Config.Webhook is set. Either
// way an update counts as received only once it has been handled (the
// polling offset is stored after a batch, a stored update is marked handled
// after it), so a restart neither loses nor repeats one.
func (b *Bot) Run(ctx context.Context) error {
	if err := b.Start(ctx); err != nil {
		if ctx.Err() != nil {
			return nil
		}
		return err
	}
	// The outbox is drained alongside; Run returns once its sends in
	// flight are recorded.
	dctx, dcancel := context.WithCancel(ctx)
	dispatched := make(chan struct{})
	go func() { newDispatcher(b).run(dctx); close(dispatched) }()
	defer func() { dcancel(); <-dispatched }()

	// Updates already received are finished after a stop, within a grace period.
	hctx, hcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hcancel()
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(b.cfg.ShutdownGrace, hcancel) })
	defer stop()

	if b.cfg.Webhook.URL != "" {
		return b.runWebhook(ctx, hctx)
	}
	return b.poll(ctx, hctx)
}

// poll handles updates by long polling until ctx ends; hctx bounds the
// handling of those already received.
func (b *Bot) poll(ctx, hctx context.Context) error {
	// Read without ctx: a stop that lands here is a clean stop, not a failure.
	offset, err := b.loadOffset(context.WithoutCancel(ctx))
	if err != nil {
		return err
	}
	backoff := newBackoff()
	for ctx.Err() == nil {
		updates, err := b.api.GetUpdates(ctx, tgbotapi.UpdateConfig{
			Offset:  offset,
			Limit:   100,
			Timeout: int(b.cfg.PollTimeout / time.Second),
		})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			if err := b.pollFailed(ctx, err, backoff); err != nil {
				return err
			}
			continue
		}
		backoff.reset()
		if len(updates) == 0 {
			continue
		}
		next := b.handleBatch(hctx, updates)
		if next > offset {
			offset = next
			if err := b.db.SetState(hctx, stateOffset, strconv.Itoa(offset)); err != nil {
				return fmt.Errorf("store update offset: %w", err)
			}
		}
	}
	b.log.Info("update loop stopped", "offset", offset)
	return nil
}

// pollFailed waits as long as the failure calls for, or returns the error
// when waiting will not help.
func (b *Bot) pollFailed(ctx context.Context, err error, bo *backoff) error {
	f, retryAfter, _ := classify(err)
	wait := bo.next()
	switch f {
	case failFatal:
		return fmt.Errorf("telegram refused the bot (check the token and the API URL): %w", err)
	case failRetryAfter:
		wait = retryAfter
	}
	b.log.Warn("getUpdates failed", "err", err, "retry_in", wait)
	return sleep(ctx, wait)
}

func (b *Bot) loadOffset(ctx context.Context) (int, error) {
	v, ok, err := b.db.State(ctx, stateOffset)
	if err != nil || !ok {
		return 0, err
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, fmt.Errorf("stored update offset %q: %w", v, err)
	}
	return n, nil
}

// handleBatch handles updates and returns the offset to confirm: one past
// the last update of the unbroken run of handled ones.
func (b *Bot) handleBatch(ctx context.Context, updates []tgbotapi.Update) int {
	done := b.handleUpdates(ctx, updates)
	next := updates[0].UpdateID
	for i, ok := range done {
		if !ok {
			break
		}
		next = updates[i].UpdateID + 1
	}
	return next
}

// handleUpdates handles updates concurrently, one goroutine per chat so
// that a chat's updates keep their order, and says which were handled:
// once ctx ends, a chat's remaining updates are left for later.
func (b *Bot) handleUpdates(ctx context.Context, updates []tgbotapi.Update) []bool {
	done := make([]bool, len(updates))
	byChat := map[int64][]int{}
	var order []int64
	converted := make([]update, len(updates))
	for i, tu := range updates {
		u := convert(tu)
		converted[i] = u
		if _, ok := byChat[u.ChatID]; !ok {
			order = append(order, u.ChatID)
		}
		byChat[u.ChatID] = append(byChat[u.ChatID], i)
	}
	sem := make(chan struct{}, b.cfg.Workers)
	var wg sync.WaitGroup
	for _, chat := range order {
		idx := byChat[chat]
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer func() { <-sem; wg.Done() }()
			for _, i := range idx {
				if ctx.Err() != nil {
					return
				}
				b.handle(ctx, converted[i])
				done[i] = true
			}
		}()
	}
	wg.Wait()
	return done
}

// retry calls f until it succeeds, waiting between attempts as the failure
// calls for; a fatal failure or the end of ctx stops it.
func (b *Bot) retry(ctx context.Context, what string, f func() error) error {
	bo := newBackoff()
	for {
		err := f()
		if err == nil {
			return nil
		}
		class, retryAfter, _ := classify(err)
		if class == failFatal {
			return fmt.Errorf("%s: telegram refused the bot (check the token and the API URL): %w", what, err)
		}
		wait := bo.next()
		if class == failRetryAfter {
			wait = retryAfter
		}
		b.log.Warn("telegram call failed", "call", what, "err", err, "retry_in", wait)
		if err := sleep(ctx, wait); err != nil {
			return err
		}
	}
}

// backoff doubles a delay from 500ms up to 30s.
type backoff struct{ d time.Duration }

func newBackoff() *backoff { return &backoff{} }

func (b *backoff) reset() { b.d = 0 }

func (b *backoff) next() time.Duration {
	switch {
	case b.d == 0:
		b.d = 500 * time.Millisecond
	case b.d < 30*time.Second:
		b.d *= 2
	}
	return min(b.d, 30*time.Second)
}

// sleep waits d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
