package bot

import (
	"context"
	"math"
	"sync"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// The dispatcher drains the outbox (DESIGN §3). A feeder reads pending
// deliveries from the store into a short queue, urgent broadcasts first,
// then the oldest; a pacer takes them one at a time under Telegram's limits
// (overall, per chat, per group); senders send them; a writer records every
// outcome in batched transactions. Nothing but the rows says what is left
// to do, so after a crash the next run picks up where this one stopped: a
// chat may get a message twice only if its send was in flight.

// Dispatcher timing.
const (
	pollEvery     = 500 * time.Millisecond // how often the store is asked for due broadcasts
	progressEvery = 3 * time.Second        // how often an author's progress message is edited
	sendTimeout   = 30 * time.Second       // one send, however slow Telegram is
)

// job is one delivery in the dispatcher's hands.
type job struct {
	bid      int64
	chat     int64
	attempts int
	at       time.Time // not before
	part     int       // the parts of a long message already sent
	msgID    int       // the id of the first part, once sent
	slot     uint64    // its place in the overall ceiling
	quiet    string    // the chat's quiet hours, "" for the default
}

// active is a due broadcast the dispatcher is working on.
type active struct {
	b     store.Broadcast
	parts []part
	// cursor is the last chat id read from the store: each pending row is
	// read once, however long its send takes.
	cursor    int64
	exhausted bool // the cursor reached the end
	// held counts the jobs read and not yet settled (outcome committed).
	held         int
	cancelled    bool
	lastProgress time.Time
	progress     string // the text last shown
}

// dispatcher is the outbox's one consumer in this process.
type dispatcher struct {
	b       *Bot
	limiter *ceiling      // nil: no overall limit
	queue   chan job      // ready to send, in priority order
	work    chan job      // from the pacer to the senders
	hungry  chan struct{} // the pacer asks the feeder for more
	reports chan report   // progress and final reports to send
	results chan store.Delivery

	mu     sync.Mutex
	active map[int64]*active
	order  []int64 // active broadcast ids, urgent first then oldest
	later  []job   // jobs waiting for a time: retries, per-chat pacing
	pause  time.Time
	pace   *pacer
	// quietDefault is the quiet hours of chats without their own.
	quietDefault store.QuietHours
	// reporting counts the reports queued and not yet sent.
	reporting int
}

// newDispatcher sizes the queue to about a quarter second of sending, so
// an urgent broadcast never waits behind much of another one.
func newDispatcher(b *Bot) *dispatcher {
	size := 1024
	var lim *ceiling
	if b.cfg.Rate > 0 {
		lim = newCeiling(b.cfg.Rate)
		size = min(1024, max(8, int(b.cfg.Rate/4)))
	}
	d := &dispatcher{
		b:       b,
		limiter: lim,
		queue:   make(chan job, size),
		work:    make(chan job),
		hungry:  make(chan struct{}, 1),
		reports: make(chan report, 256),
		results: make(chan store.Delivery, 4096),
		active:  map[int64]*active{},
		pace:    newPacer(b.cfg.PerChat, b.cfg.PerGroup),
	}
	q, err := store.ParseQuietHours(b.cfg.QuietHours)
	if err != nil {
		b.log.Error("quiet hours ignored", "err", err)
	}
	d.quietDefault = q
	return d
}

// quiet says until when a job must wait for its chat's quiet hours to end:
// urgent broadcasts and announcements are never held, reminders and news are.
func (d *dispatcher) quiet(j job, now time.Time) (time.Time, bool) {
	d.mu.Lock()
	a := d.active[j.bid]
	d.mu.Unlock()
	if a == nil || a.b.Urgent || a.b.Topic == store.TopicAnnouncements {
		return time.Time{}, false
	}
	q := d.quietDefault
	if j.quiet != "" {
		var err error
		if q, err = store.ParseQuietHours(j.quiet); err != nil {
			return time.Time{}, false
		}
	}
	return q.Until(now)
}

// run dispatches until ctx ends, then lets the sends in flight finish and
// records their outcomes before returning.
func (d *dispatcher) run(ctx context.Context) {
	var senders, writer sync.WaitGroup
	writer.Go(d.write)
	writer.Go(func() { d.reporter(ctx) })
	for range d.b.cfg.Senders {
		senders.Go(func() { d.send(ctx) })
	}
	pacerDone := make(chan struct{})
	go func() { d.pacer(ctx); close(pacerDone) }()

	d.feed(ctx)
	close(d.reports)
	<-pacerDone
	close(d.work)
	senders.Wait()
	close(d.results)
	writer.Wait()
}

// feed keeps the queue filled and the broadcasts' progress reported.
func (d *dispatcher) feed(ctx context.Context) {
	tick := time.NewTicker(pollEvery / 5)
	defer tick.Stop()
	var lastPoll time.Time
	for ctx.Err() == nil {
		now := time.Now()
		var look uint64
		if now.Sub(lastPoll) >= pollEvery {
			look = d.b.idle.begin()
			d.refresh(ctx)
			lastPoll = now
		}
		d.release(now)
		d.fill(ctx)
		d.finish(ctx)
		d.report(now)
		d.publish(look)
		select {
		case <-ctx.Done():
		case <-tick.C:
		case <-d.hungry:
		case <-d.b.wakeup:
			lastPoll = time.Time{}
		}
	}
}

// publish tells WaitIdle whether anything is left to do, as of look.
func (d *dispatcher) publish(look uint64) {
	d.mu.Lock()
	busy := len(d.active) > 0 || len(d.later) > 0 || len(d.queue) > 0 || d.reporting > 0
	d.mu.Unlock()
	d.b.idle.publish(look, busy)
}

// refresh learns which broadcasts are due, and which were cancelled.
func (d *dispatcher) refresh(ctx context.Context) {
	due, err := d.b.db.DueBroadcasts(ctx)
	if err != nil {
		if ctx.Err() == nil {
			d.b.log.Error("read due broadcasts", "err", err)
		}
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	seen := make(map[int64]bool, len(due))
	d.order = d.order[:0]
	for _, b := range due {
		seen[b.ID] = true
		d.order = append(d.order, b.ID)
		if a, ok := d.active[b.ID]; ok {
			a.b.ReportMessage = max(a.b.ReportMessage, b.ReportMessage)
			continue
		}
		d.active[b.ID] = &active{b: b, parts: parts(b), cursor: math.MinInt64}
	}
	for id, a := range d.active {
		if !seen[id] {
			// Cancelled, or finished by another process: drop what is queued.
			a.cancelled = true
			if a.held == 0 {
				delete(d.active, id)
			}
		}
	}
}

// release moves the waiting jobs whose time has come back to the queue.
func (d *dispatcher) release(now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	kept := d.later[:0]
	for _, j := range d.later {
		if !j.at.After(now) && len(d.queue) < cap(d.queue) {
			d.queue <- j
			continue
		}
		kept = append(kept, j)
	}
	d.later = kept
}

// fill tops the queue up from the store, broadcast by broadcast in order.
func (d *dispatcher) fill(ctx context.Context) {
	for {
		room := cap(d.queue) - len(d.queue)
		if room < cap(d.queue)/2 {
			return
		}
		a := d.next()
		if a == nil {
			return
		}
		rows, err := d.b.db.PendingDeliveries(ctx, a.b.ID, a.cursor, room)
		if err != nil {
			if ctx.Err() == nil {
				d.b.log.Error("read pending deliveries", "broadcast", a.b.ID, "err", err)
			}
			return
		}
		d.mu.Lock()
		if len(rows) < room {
			a.exhausted = true
		}
		for _, r := range rows {
			a.cursor = r.ChatID
			a.held++
			d.queue <- job{bid: a.b.ID, chat: r.ChatID, attempts: r.Attempts, quiet: r.QuietHours}
		}
		d.mu.Unlock()
	}
}

// next returns the first broadcast, in priority order, with rows left to read.
func (d *dispatcher) next() *active {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, id := range d.order {
		if a := d.active[id]; a != nil && !a.exhausted && !a.cancelled {
			return a
		}
	}
	return nil
}

// finish closes the broadcasts that have nothing left in flight: done when
// the store has no pending row left, otherwise read again from the start
// (a migrated chat's row may have moved behind the cursor).
func (d *dispatcher) finish(ctx context.Context) {
	d.mu.Lock()
	var idle []*active
	for _, a := range d.active {
		if a.exhausted && a.held == 0 && !a.cancelled {
			idle = append(idle, a)
		}
	}
	d.mu.Unlock()
	for _, a := range idle {
		done, err := d.b.db.FinishBroadcast(ctx, a.b.ID)
		if err != nil {
			if ctx.Err() == nil {
				d.b.log.Error("finish broadcast", "broadcast", a.b.ID, "err", err)
			}
			continue
		}
		d.mu.Lock()
		if done {
			delete(d.active, a.b.ID)
			if a.b.ReportChat != 0 {
				d.reporting++ // the final report, queued below
			}
		} else {
			a.cursor, a.exhausted = math.MinInt64, false
		}
		d.mu.Unlock()
		if done {
			d.final(ctx, a)
		}
	}
}

// pacer hands queued jobs to the senders under the limits: a job whose chat
// had a message too recently waits in later; the overall limiter and a
// pause after a 429 hold everything.
func (d *dispatcher) pacer(ctx context.Context) {
	for {
		var j job
		select {
		case <-ctx.Done():
			return
		case j = <-d.queue:
		}
		if len(d.queue) < cap(d.queue)/2 {
			select {
			case d.hungry <- struct{}{}:
			default:
			}
		}
		if d.dropped(j) {
			continue
		}
		now := time.Now()
		if until, ok := d.quiet(j, now); ok {
			d.wait(j, until)
			continue
		}
		if wait := d.pace.reserve(j.chat, now); wait > 0 {
			d.wait(j, now.Add(wait))
			continue
		}
		slot, err := d.hold(ctx)
		if err != nil {
			d.wait(j, now) // still pending in the store; the next run sends it
			return
		}
		j.slot = slot
		select {
		case d.work <- j:
			d.pace.sent(j.chat, time.Now())
		case <-ctx.Done():
			return
		}
	}
}

// hold waits out a 429 pause, then for the overall ceiling, and returns
// the send's slot in the ceiling (0 when there is none).
func (d *dispatcher) hold(ctx context.Context) (uint64, error) {
	for {
		d.mu.Lock()
		until := d.pause
		d.mu.Unlock()
		wait := time.Until(until)
		if wait <= 0 {
			break
		}
		if err := sleep(ctx, wait); err != nil {
			return 0, err
		}
	}
	if d.limiter == nil {
		return 0, nil
	}
	slot, err := d.limiter.wait(ctx)
	return slot + 1, err
}

// answered tells the ceiling that the send in slot has its answer.
func (d *dispatcher) answered(slot uint64) {
	if d.limiter != nil && slot > 0 {
		d.limiter.arrived(slot-1, time.Now())
	}
}

// dropped says whether a job belongs to a cancelled broadcast, and settles it.
func (d *dispatcher) dropped(j job) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	a := d.active[j.bid]
	if a == nil || !a.cancelled {
		return false
	}
	if a.held--; a.held == 0 {
		delete(d.active, j.bid)
	}
	return true
}

// wait puts a job aside until at.
func (d *dispatcher) wait(j job, at time.Time) {
	j.at = at
	d.mu.Lock()
	d.later = append(d.later, j)
	d.mu.Unlock()
}

// pauseAll stops every send for d: Telegram said to slow down.
func (d *dispatcher) pauseAll(dur time.Duration) {
	d.mu.Lock()
	if until := time.Now().Add(dur); until.After(d.pause) {
		d.pause = until
	}
	d.mu.Unlock()
}

// job returns the messages of the broadcast a job belongs to.
func (d *dispatcher) job(id int64) ([]part, bool) {
	d.mu.Lock()
	defer d.mu.Unlock()
	a := d.active[id]
	if a == nil {
		return nil, false
	}
	return a.parts, true
}

// settle forgets the jobs whose outcomes are committed.
func (d *dispatcher) settle(outcomes []store.Delivery) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, o := range outcomes {
		if o.State == store.DeliveryPending {
			continue // a retry: the job is still held
		}
		if a := d.active[o.BroadcastID]; a != nil {
			a.held--
			if a.cancelled && a.held == 0 {
				delete(d.active, o.BroadcastID)
			}
		}
	}
}

// write records outcomes, as many per transaction as have arrived, and
// retries a failed write rather than lose an outcome.
func (d *dispatcher) write() {
	ctx := context.Background()
	batch := make([]store.Delivery, 0, 1024)
	for o := range d.results {
		batch = append(batch[:0], o)
	drain:
		for len(batch) < cap(batch) {
			select {
			case o, ok := <-d.results:
				if !ok {
					break drain
				}
				batch = append(batch, o)
			default:
				break drain
			}
		}
		for {
			err := d.b.db.RecordOutcomes(ctx, batch)
			if err == nil {
				break
			}
			d.b.log.Error("record delivery outcomes", "n", len(batch), "err", err)
			time.Sleep(time.Second)
		}
		d.settle(batch)
	}
}
