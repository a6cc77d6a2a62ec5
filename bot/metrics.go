package bot

import (
	"context"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Metrics are what the bot counted since it was made, for /metrics and
// /healthz. Reading them is cheap and safe at any time.
type Metrics struct {
	// Updates counts the updates handled, by kind: message, callback,
	// membership, migration, other (a message without text) and ignored.
	Updates map[string]uint64
	// Deliveries counts the broadcast messages the dispatcher tried, by
	// outcome: sent, blocked, failed, retry (a transient failure, tried
	// again later), rate_limited (a 429) and migrated (resent to a supergroup).
	Deliveries map[string]uint64
	// Requests counts the calls to Telegram, by result: ok, or error.
	Requests map[string]uint64
	// TooManyRequests counts Telegram's 429 answers, to any call.
	TooManyRequests uint64
	// Webhook counts the webhook's requests: accepted (stored), repeated
	// (Telegram sent an update already stored), rejected (wrong secret) and
	// invalid (not an update).
	Webhook map[string]uint64
	// LastContact is when Telegram last answered a call as it should; the
	// zero time before the first answer.
	LastContact time.Time
}

// kindNames name the kinds of update in Metrics.Updates.
var kindNames = [...]string{
	kindIgnored: "ignored", kindText: "message", kindOther: "other",
	kindCallback: "callback", kindMembership: "membership", kindMigration: "migration",
}

// The outcomes of a delivery attempt, as Metrics.Deliveries names them.
const (
	outSent = iota
	outBlocked
	outFailed
	outRetry
	outRateLimited
	outMigrated
	outCount
)

var outcomeNames = [outCount]string{"sent", "blocked", "failed", "retry", "rate_limited", "migrated"}

// The webhook's answers, as Metrics.Webhook names them.
const (
	hookAccepted = iota
	hookRepeated
	hookRejected
	hookInvalid
	hookCount
)

var hookNames = [hookCount]string{"accepted", "repeated", "rejected", "invalid"}

// counters are the live counts behind Metrics.
type counters struct {
	updates     [len(kindNames)]atomic.Uint64
	deliveries  [outCount]atomic.Uint64
	requestsOK  atomic.Uint64
	requestsErr atomic.Uint64
	tooMany     atomic.Uint64
	webhook     [hookCount]atomic.Uint64
	lastContact atomic.Int64 // unix nanoseconds
}

// Metrics returns the bot's counters now.
func (b *Bot) Metrics() Metrics {
	c := &b.counters
	m := Metrics{
		Updates:         map[string]uint64{},
		Deliveries:      map[string]uint64{},
		Requests:        map[string]uint64{"ok": c.requestsOK.Load(), "error": c.requestsErr.Load()},
		TooManyRequests: c.tooMany.Load(),
		Webhook:         map[string]uint64{},
	}
	for k, name := range kindNames {
		m.Updates[name] = c.updates[k].Load()
	}
	for o, name := range outcomeNames {
		m.Deliveries[name] = c.deliveries[o].Load()
	}
	for h, name := range hookNames {
		m.Webhook[name] = c.webhook[h].Load()
	}
	if ns := c.lastContact.Load(); ns != 0 {
		m.LastContact = time.Unix(0, ns)
	}
	return m
}

// LastContact is when Telegram last answered a call as it should; the zero
// time before the first answer.
func (b *Bot) LastContact() time.Time {
	if ns := b.counters.lastContact.Load(); ns != 0 {
		return time.Unix(0, ns)
	}
	return time.Time{}
}

// observe counts the outcome of a call to Telegram. An answer from
// Telegram about the request itself (a blocked chat, a bad request, a 429)
// proves the link works; a transport failure, a 5xx or a refused token
// does not.
func (c *counters) observe(err error) {
	class, _, _ := classify(err)
	if err == nil {
		c.requestsOK.Add(1)
	} else {
		c.requestsErr.Add(1)
	}
	switch class {
	case failTransient, failFatal:
	default:
		c.lastContact.Store(time.Now().UnixNano())
	}
	if class == failRetryAfter {
		c.tooMany.Add(1)
	}
}

// observedAPI counts every call to Telegram that goes through it.
type observedAPI struct {
	next API
	c    *counters
}

func (o observedAPI) GetMe(ctx context.Context) (tgbotapi.User, error) {
	u, err := o.next.GetMe(ctx)
	o.c.observe(err)
	return u, err
}

func (o observedAPI) GetUpdates(ctx context.Context, cfg tgbotapi.UpdateConfig) ([]tgbotapi.Update, error) {
	u, err := o.next.GetUpdates(ctx, cfg)
	if ctx.Err() == nil { // a long poll cut short by a stop says nothing about Telegram
		o.c.observe(err)
	}
	return u, err
}

func (o observedAPI) Send(ctx context.Context, c tgbotapi.Chattable) (tgbotapi.Message, error) {
	m, err := o.next.Send(ctx, c)
	o.c.observe(err)
	return m, err
}

func (o observedAPI) Request(ctx context.Context, c tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	r, err := o.next.Request(ctx, c)
	o.c.observe(err)
	return r, err
}

func (o observedAPI) GetChatMember(ctx context.Context, cfg tgbotapi.GetChatMemberConfig) (tgbotapi.ChatMember, error) {
	m, err := o.next.GetChatMember(ctx, cfg)
	o.c.observe(err)
	return m, err
}

func (o observedAPI) MakeRequest(ctx context.Context, method string, params tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	r, err := o.next.MakeRequest(ctx, method, params)
	o.c.observe(err)
	return r, err
}
