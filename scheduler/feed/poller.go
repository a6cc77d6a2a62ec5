package feed

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// Polling policy.
const (
	// NotifyAfter is how many failed polls in a row make a source's owner
	// be told, once, that it keeps failing.
	NotifyAfter = 3
	// MaxBackoff is the longest a failing source waits between polls (a
	// site's Retry-After may ask for up to a day).
	MaxBackoff = 6 * time.Hour
	// DefaultWorkers is how many sources are polled at once.
	DefaultWorkers = 64
	// DefaultRescan is how often the store is read again for sources added
	// or resumed by another process.
	DefaultRescan = 30 * time.Second
)

// Notifier is told when a source keeps failing and when it works again;
// the bot implements it by writing to the source's owner.
type Notifier interface {
	// SourceFailing is called once when a source has failed NotifyAfter
	// polls in a row; an error makes the next failure call it again.
	SourceFailing(ctx context.Context, s store.Source) error
	// SourceRecovered is called when such a source answers again.
	SourceRecovered(ctx context.Context, s store.Source) error
}

// Config is what a Poller needs.
type Config struct {
	Store    *store.DB
	Fetcher  *Fetcher // nil: NewFetcher(Options{})
	Notifier Notifier // nil: failures are only logged
	// Wake is called when new broadcasts are in the outbox (the bot's
	// Wake, so the dispatcher does not wait for its next look).
	Wake    func()
	Workers int           // sources polled at once (default DefaultWorkers)
	Rescan  time.Duration // default DefaultRescan
	Logger  *slog.Logger
}

// Poller polls sources and relays what is new in them.
type Poller struct {
	db      *store.DB
	fetch   *Fetcher
	notify  Notifier
	wake    func()
	workers int
	rescan  time.Duration
	log     *slog.Logger

	polls, notModified, errs, itemsNew, itemsRelayed, broadcasts atomic.Int64
}

// Stats are the Poller's counters since it was made.
type Stats struct {
	Polls        int64 // fetches made, answered or not
	NotModified  int64 // answered 304
	Errors       int64 // failed
	ItemsNew     int64 // items not seen before
	ItemsRelayed int64 // new items addressed to at least one chat
	Broadcasts   int64 // messages enqueued (items and digests)
}

// NewPoller returns a Poller; it polls nothing until Run or a Poll call.
func NewPoller(cfg Config) *Poller {
	p := &Poller{db: cfg.Store, fetch: cfg.Fetcher, notify: cfg.Notifier, wake: cfg.Wake, workers: cfg.Workers, rescan: cfg.Rescan, log: cfg.Logger}
	if p.fetch == nil {
		p.fetch = NewFetcher(Options{})
	}
	if p.workers <= 0 {
		p.workers = DefaultWorkers
	}
	if p.rescan <= 0 {
		p.rescan = DefaultRescan
	}
	if p.log == nil {
		p.log = slog.Default()
	}
	return p
}

// Stats returns the counters.
func (p *Poller) Stats() Stats {
	return Stats{
		Polls: p.polls.Load(), NotModified: p.notModified.Load(), Errors: p.errs.Load(),
		ItemsNew: p.itemsNew.Load(), ItemsRelayed: p.itemsRelayed.Load(), Broadcasts: p.broadcasts.Load(),
	}
}

// Outcome is what polling one source did.
type Outcome struct {
	Source      store.Source
	NotModified bool
	Relay       store.Relay
	Err         error // the fetch's (an *Error) or the store's
}

// now is the store's clock, which tests may set.
func (p *Poller) now() time.Time {
	if p.db.Now != nil {
		return p.db.Now()
	}
	return time.Now()
}

// Run polls each source when it is due until ctx ends, then waits for the
// polls in flight to stop.
func (p *Poller) Run(ctx context.Context) error {
	sem := make(chan struct{}, p.workers)
	var mu sync.Mutex
	inflight := map[int64]bool{}
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		now := p.now()
		wait := p.rescan
		due, err := p.db.DueSources(ctx, now.Add(p.rescan), 100000)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			p.log.Error("read due sources", "err", err)
		}
		for _, s := range due {
			mu.Lock()
			busy := inflight[s.ID]
			mu.Unlock()
			if busy {
				continue
			}
			if d := s.NextPollAt.Sub(now); d > 0 {
				wait = min(wait, d) // the rest are later still
				break
			}
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				return nil
			}
			mu.Lock()
			inflight[s.ID] = true
			mu.Unlock()
			wg.Go(func() {
				p.poll(ctx, s)
				mu.Lock()
				delete(inflight, s.ID)
				mu.Unlock()
				<-sem
			})
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// PollDue polls every source that is due now, a bounded number at once,
// and returns when all are done.
func (p *Poller) PollDue(ctx context.Context) ([]Outcome, error) {
	due, err := p.db.DueSources(ctx, p.now(), 100000)
	if err != nil {
		return nil, err
	}
	return p.pollAll(ctx, due), nil
}

// PollNow polls the sources given, or every source that is not paused
// when none is given, whether due or not.
func (p *Poller) PollNow(ctx context.Context, ids ...int64) ([]Outcome, error) {
	var srcs []store.Source
	if len(ids) == 0 {
		all, err := p.db.Sources(ctx)
		if err != nil {
			return nil, err
		}
		for _, s := range all {
			if !s.Paused {
				srcs = append(srcs, s)
			}
		}
	}
	for _, id := range ids {
		s, err := p.db.SourceByID(ctx, id)
		if err != nil {
			return nil, err
		}
		srcs = append(srcs, *s)
	}
	return p.pollAll(ctx, srcs), nil
}

// pollAll polls sources, a bounded number at once, and returns what each
// poll did, in the order given.
func (p *Poller) pollAll(ctx context.Context, srcs []store.Source) []Outcome {
	out := make([]Outcome, len(srcs))
	sem := make(chan struct{}, p.workers)
	var wg sync.WaitGroup
	for i, s := range srcs {
		sem <- struct{}{}
		wg.Go(func() {
			out[i] = p.poll(ctx, s)
			<-sem
		})
	}
	wg.Wait()
	return out
}

// poll fetches one source and records the outcome: its new items relayed,
// or its failure with the next try pushed back.
func (p *Poller) poll(ctx context.Context, s store.Source) Outcome {
	o := Outcome{Source: s}
	res, err := p.fetch.Fetch(ctx, Request{URL: s.URL, Kind: s.Kind, Selector: s.Selector, ETag: s.ETag, LastModified: s.LastModified})
	if ctx.Err() != nil {
		o.Err = ctx.Err() // stopping: not the source's fault, and nothing to record
		return o
	}
	p.polls.Add(1)
	if err != nil {
		p.errs.Add(1)
		o.Err = err
		p.failed(ctx, s, err)
		return o
	}
	o.NotModified = res.NotModified
	if res.NotModified {
		p.notModified.Add(1)
	}
	render := func(items []store.Item) string { return Message(s, items) }
	o.Relay, err = p.db.RecordPoll(ctx, s.ID, store.Poll{NotModified: res.NotModified, ETag: res.ETag, LastModified: res.LastModified,
		Items: Chronological(res.Items)}, render)
	if err != nil {
		if store.ErrorCode(err) != store.ENOTFOUND && ctx.Err() == nil { // a source removed meanwhile is no error
			p.log.Error("record poll", "source", s.ID, "err", err)
			o.Err = err
		}
		return o
	}
	p.itemsNew.Add(int64(o.Relay.New))
	p.itemsRelayed.Add(int64(o.Relay.Relayed))
	p.broadcasts.Add(int64(o.Relay.Broadcasts))
	if o.Relay.Broadcasts > 0 {
		p.log.Info("source relayed", "source", s.ID, "new", o.Relay.New, "relayed", o.Relay.Relayed,
			"messages", o.Relay.Broadcasts, "deliveries", o.Relay.Deliveries)
		if p.wake != nil {
			p.wake()
		}
	}
	if o.Relay.Recovered && p.notify != nil {
		if err := p.notify.SourceRecovered(ctx, s); err != nil {
			p.log.Warn("tell the owner a source works again", "source", s.ID, "err", err)
		}
	}
	return o
}

// failed records a failed poll, backs the source off, and tells its owner
// once it has failed NotifyAfter times in a row.
func (p *Poller) failed(ctx context.Context, s store.Source, err error) {
	var fe *Error
	var after time.Duration
	if errors.As(err, &fe) {
		after = fe.RetryAfter
	}
	wait := Backoff(s.Interval, s.Failures+1, after)
	cur, rerr := p.db.RecordFailure(ctx, s.ID, err.Error(), wait)
	if rerr != nil {
		if store.ErrorCode(rerr) != store.ENOTFOUND && ctx.Err() == nil {
			p.log.Error("record a failed poll", "source", s.ID, "err", rerr)
		}
		return
	}
	p.log.Warn("source failed", "source", s.ID, "url", s.URL, "failures", cur.Failures, "retry_in", wait, "err", err)
	// Without a notifier (the command line) the telling is left to the
	// next failure seen by a process that has one (serve).
	if cur.Failures < NotifyAfter || cur.FailingNotified || p.notify == nil {
		return
	}
	claimed, cerr := p.db.SetFailingNotified(ctx, s.ID, true)
	if cerr != nil || !claimed {
		return // told already, by this process or another
	}
	if nerr := p.notify.SourceFailing(ctx, *cur); nerr != nil {
		p.log.Warn("tell the owner a source keeps failing", "source", s.ID, "err", nerr)
		// Not told: the next failure tries again.
		if _, uerr := p.db.SetFailingNotified(ctx, s.ID, false); uerr != nil {
			p.log.Error("source notice", "source", s.ID, "err", uerr)
		}
	}
}

// Backoff is how long a source waits after its failures-th failure in a
// row: twice its interval, then twice that each time, up to MaxBackoff,
// and never less than the site's Retry-After.
func Backoff(interval time.Duration, failures int, retryAfter time.Duration) time.Duration {
	d := interval
	for i := 0; i < failures && d < MaxBackoff; i++ {
		d *= 2
	}
	return max(min(d, MaxBackoff), min(retryAfter, 24*time.Hour))
}
