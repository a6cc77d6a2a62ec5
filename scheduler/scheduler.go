package scheduler

import (
	"container/heap"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// DefaultCatchUp is how late a missed occurrence may still fire, unless
// configured otherwise (serve --catch-up).
const DefaultCatchUp = 2 * time.Hour

// Scheduler timing.
const (
	defaultPoll = 2 * time.Second  // how often the store is asked whether schedules changed elsewhere
	retryEvery  = 5 * time.Second  // after a failed pass
	lateAfter   = time.Minute      // a firing later than this is counted as caught up
	saveEvery   = time.Minute      // how often the watermark is stored when nothing fires
	reloadEvery = time.Hour        // a full reload, for what changes no version (areas imported or merged)
	fireBatch   = 200              // occurrences recorded in one transaction
	maxSkips    = 100000           // missed occurrences of one schedule recorded at once
	stateMark   = "scheduler.mark" // the watermark: every occurrence up to it was handled
)

// Config is what a Scheduler needs.
type Config struct {
	Store  *store.DB
	Logger *slog.Logger
	// CatchUp is how late a missed occurrence may still fire (default
	// DefaultCatchUp); older ones are recorded as skipped and logged.
	CatchUp time.Duration
	// Now returns the current time (default time.Now); tests move it.
	Now func() time.Time
	// OnEnqueue is called after broadcasts were created, so the dispatcher
	// looks at once rather than at its next poll.
	OnEnqueue func()
	// Poll is how often the store is asked whether campaigns or events
	// changed in another process, such as the command line (default 2s).
	Poll time.Duration
}

// Stats are the scheduler's counters since it was made.
type Stats struct {
	Schedules int           // campaign schedules and event countdowns scheduled now
	Fired     int64         // occurrences fired on time
	CaughtUp  int64         // occurrences fired late, within the catch-up window
	Skipped   int64         // occurrences missed by more than the catch-up window, recorded and logged
	MaxLate   time.Duration // the longest an occurrence waited to be enqueued after its time
}

// Scheduler turns the firings of campaign schedules and event countdowns
// into broadcasts in the outbox (DESIGN §4). robfig/cron and the lunar
// calendar say when; the store's occurrences say what already fired, so a
// restart never fires an occurrence twice. Occurrences missed while the
// program was down fire late when they are within the catch-up window,
// and are skipped and logged when older.
type Scheduler struct {
	cfg  Config
	db   *store.DB
	log  *slog.Logger
	wake chan struct{}

	mu       sync.Mutex
	jobs     jobHeap
	loaded   bool
	loadedAt time.Time
	version  int64
	mark     time.Time // every occurrence up to here was handled
	saved    time.Time // the mark last stored
	ready    bool      // the first pass is done

	fired, caughtUp, skipped, maxLate, scheduled atomic.Int64
}

// New returns a scheduler; it does nothing until Run or Check.
func New(cfg Config) *Scheduler {
	if cfg.CatchUp <= 0 {
		cfg.CatchUp = DefaultCatchUp
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.Poll <= 0 {
		cfg.Poll = defaultPoll
	}
	return &Scheduler{cfg: cfg, db: cfg.Store, log: cfg.Logger, wake: make(chan struct{}, 1)}
}

// Wake tells the scheduler that campaigns or events changed: it reloads
// them now rather than at its next poll.
func (s *Scheduler) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Stats returns the counters.
func (s *Scheduler) Stats() Stats {
	return Stats{Schedules: int(s.scheduled.Load()), Fired: s.fired.Load(), CaughtUp: s.caughtUp.Load(), Skipped: s.skipped.Load(),
		MaxLate: time.Duration(s.maxLate.Load())}
}

// Next returns the next firing and how many schedules wait for theirs.
func (s *Scheduler) Next() (time.Time, int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.jobs) == 0 {
		return time.Time{}, 0
	}
	return s.jobs[0].next, len(s.jobs)
}

// Run fires what is due until ctx is cancelled, waking at each firing, when
// Wake is called, and every Poll to notice changes made elsewhere.
func (s *Scheduler) Run(ctx context.Context) error {
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for {
		wait := s.cfg.Poll
		if err := s.Check(ctx); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			s.log.Error("scheduler pass failed", "err", err, "retry_in", retryEvery)
			wait = retryEvery
		} else if next, _ := s.Next(); !next.IsZero() {
			wait = min(wait, max(0, next.Sub(s.cfg.Now())))
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			s.log.Info("scheduler stopped")
			return nil
		case <-timer.C:
		case <-s.wake:
			if !timer.Stop() {
				<-timer.C
			}
		}
	}
}

// Check loads the schedules when they changed and fires every occurrence
// due by now: on time, caught up within the window, or skipped.
func (s *Scheduler) Check(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	version, err := s.db.ScheduleVersion(ctx)
	if err != nil {
		return err
	}
	if !s.loaded || version != s.version || now.Sub(s.loadedAt) >= reloadEvery {
		if err := s.load(ctx, now); err != nil {
			return err
		}
		s.version, s.loadedAt = version, now
	}
	if err := s.pass(ctx, now); err != nil {
		s.loaded = false // start again from the mark, which has not moved
		return err
	}
	s.mark = now
	s.scheduled.Store(int64(len(s.jobs)))
	if now.Sub(s.saved) >= saveEvery || !s.ready {
		if err := s.db.SetState(ctx, stateMark, now.UTC().Format(time.RFC3339Nano)); err != nil {
			return err
		}
		s.saved = now
	}
	if !s.ready {
		s.ready = true
		next := ""
		if len(s.jobs) > 0 {
			next = s.jobs[0].next.In(store.Zone).Format(time.RFC3339)
		}
		st := s.stats()
		s.log.Info("scheduler ready", "schedules", len(s.jobs), "next", next, "fired", st.Fired,
			"caught_up", st.CaughtUp, "skipped", st.Skipped, "catch_up", s.cfg.CatchUp)
	}
	return nil
}

// stats is Stats for a caller that holds mu.
func (s *Scheduler) stats() Stats {
	return Stats{Schedules: len(s.jobs), Fired: s.fired.Load(), CaughtUp: s.caughtUp.Load(), Skipped: s.skipped.Load()}
}

// job is one schedule waiting for its next firing.
type job struct {
	key      string // the occurrence key: "schedule:ID" or "event:ID:AREA"
	campaign int64  // or 0
	event    *store.Event
	area     int64
	sched    Schedule
	until    time.Time // no firing at or after it; zero: none
	next     time.Time
	index    int
}

// load reads every active campaign schedule and event countdown and
// computes its next firing after the mark (or after it began, if later).
func (s *Scheduler) load(ctx context.Context, now time.Time) error {
	if s.mark.IsZero() {
		v, ok, err := s.db.State(ctx, stateMark)
		if err != nil {
			return err
		}
		if ok && v != "" {
			if s.mark, err = time.Parse(time.RFC3339Nano, v); err != nil {
				return fmt.Errorf("stored scheduler mark %q: %w", v, err)
			}
			s.saved = s.mark
		}
	}
	rows, err := s.db.ActiveSchedules(ctx, now)
	if err != nil {
		return err
	}
	events, err := s.db.Events(ctx, false)
	if err != nil {
		return err
	}
	roots, err := s.db.ChildAreas(ctx, 0)
	if err != nil {
		return err
	}
	jobs := make(jobHeap, 0, len(rows)+len(events)*max(1, len(roots)))
	parsed := map[string]Schedule{} // many schedules share a spec
	for _, r := range rows {
		sched, ok := parsed[r.Spec]
		if !ok {
			if sched, err = parse(r.Spec); err != nil {
				s.log.Warn("campaign schedule ignored", "schedule", r.ID, "campaign", r.CampaignID, "err", err)
			}
			parsed[r.Spec] = sched
		}
		if sched == nil {
			continue
		}
		j := &job{key: fmt.Sprintf("schedule:%d", r.ID), campaign: r.CampaignID, area: r.AreaID, sched: sched}
		since := later(r.Since, s.mark)
		if !r.From.IsZero() {
			since = later(since, r.From.Add(-time.Nanosecond))
		}
		if !r.Until.IsZero() {
			j.until = r.Until.AddDate(0, 0, 1)
		}
		if j.start(since) {
			jobs = append(jobs, j)
		}
	}
	for i := range events {
		e := &events[i]
		if len(e.Milestones) == 0 {
			continue
		}
		targets := []int64{e.AreaID}
		if e.AreaID == 0 {
			targets = targets[:0]
			for _, r := range roots {
				targets = append(targets, r.ID)
			}
		}
		for _, area := range targets {
			j := &job{key: fmt.Sprintf("event:%d:%d", e.ID, area), event: e, area: area, sched: countdown{e: *e}}
			if j.start(later(e.CreatedAt, s.mark)) {
				jobs = append(jobs, j)
			}
		}
	}
	heap.Init(&jobs)
	s.jobs, s.loaded = jobs, true
	s.log.Debug("schedules loaded", "schedules", len(jobs))
	return nil
}

// start sets the job's first firing after since; false when there is none.
func (j *job) start(since time.Time) bool {
	j.next = j.sched.Next(since)
	return j.alive()
}

// alive says whether the job has a firing left.
func (j *job) alive() bool {
	return !j.next.IsZero() && (j.until.IsZero() || j.next.Before(j.until))
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// due is an occurrence to fire.
type due struct {
	j  *job
	at time.Time
}

// pass handles every occurrence due by now.
func (s *Scheduler) pass(ctx context.Context, now time.Time) error {
	var batch []due
	for len(s.jobs) > 0 && !s.jobs[0].next.After(now) {
		j := s.jobs[0]
		if now.Sub(j.next) > s.cfg.CatchUp {
			if err := s.skip(ctx, j, now); err != nil {
				return err
			}
		} else {
			batch = append(batch, due{j: j, at: j.next})
			j.next = j.sched.Next(j.next)
		}
		if j.alive() {
			heap.Fix(&s.jobs, 0)
		} else {
			heap.Pop(&s.jobs)
		}
	}
	for len(batch) > 0 {
		n := min(len(batch), fireBatch)
		if err := s.fire(ctx, batch[:n], now); err != nil {
			return err
		}
		batch = batch[n:]
	}
	return nil
}

// skip records and logs the occurrences of j older than the catch-up
// window, and moves j past them.
func (s *Scheduler) skip(ctx context.Context, j *job, now time.Time) error {
	var ats []time.Time
	for j.alive() && now.Sub(j.next) > s.cfg.CatchUp && len(ats) < maxSkips {
		ats = append(ats, j.next)
		j.next = j.sched.Next(j.next)
	}
	reason := fmt.Sprintf("missed by more than the catch-up window (%s)", s.cfg.CatchUp)
	n, err := s.db.SkipOccurrences(ctx, j.key, ats, reason)
	if err != nil {
		return err
	}
	if n > 0 {
		s.skipped.Add(int64(n))
		s.log.Warn("missed reminders skipped: older than the catch-up window", "key", j.key, "count", n,
			"first", ats[0].In(store.Zone).Format(time.RFC3339), "last", ats[len(ats)-1].In(store.Zone).Format(time.RFC3339),
			"catch_up", s.cfg.CatchUp)
	}
	return nil
}

// fire makes the broadcasts of a batch of occurrences and records them, in
// one transaction.
func (s *Scheduler) fire(ctx context.Context, batch []due, now time.Time) error {
	labels := map[int64]labelled{}
	campaigns := map[int64]*store.Campaign{}
	firings := make([]store.Firing, 0, len(batch))
	for _, d := range batch {
		area, err := s.area(ctx, d.j.area, labels)
		if err != nil {
			return err
		}
		b := store.Broadcast{AreaID: area.id, Topic: store.TopicReminders, SendAt: d.at}
		if d.j.event != nil {
			o, days, ok := countdown{e: *d.j.event}.milestoneAt(d.at)
			if !ok {
				continue
			}
			b.Text = EventReminder(area.label, o, days)
			b.Author = fmt.Sprintf("event:%d", d.j.event.ID)
		} else {
			c, ok := campaigns[d.j.campaign]
			if !ok {
				c, err = s.db.CampaignByID(ctx, d.j.campaign)
				if store.ErrorCode(err) == store.ENOTFOUND {
					c, err = nil, nil
				}
				if err != nil {
					return err
				}
				campaigns[d.j.campaign] = c
			}
			if c == nil || c.Status != store.CampaignActive {
				s.loaded = false // paused or ended since it was loaded
				continue
			}
			b.Text = CampaignReminder(area.label, c.Title, c.Text)
			b.Author = fmt.Sprintf("campaign:%d", c.ID)
		}
		firings = append(firings, store.Firing{Key: d.j.key, At: d.at, Broadcast: b})
	}
	if err := s.db.FireOccurrences(ctx, firings); err != nil {
		return err
	}
	enqueued := s.cfg.Now()
	any := false
	for _, f := range firings {
		late := enqueued.Sub(f.At)
		switch {
		case f.Err != nil:
			s.log.Warn("reminder skipped", "key", f.Key, "at", f.At.In(store.Zone).Format(time.RFC3339), "err", f.Err)
		case !f.Fired:
			s.log.Debug("reminder already fired", "key", f.Key, "at", f.At.In(store.Zone).Format(time.RFC3339))
		default:
			any = true
			if late > lateAfter {
				s.caughtUp.Add(1)
			} else {
				s.fired.Add(1)
			}
			for {
				old := s.maxLate.Load()
				if int64(late) <= old || s.maxLate.CompareAndSwap(old, int64(late)) {
					break
				}
			}
			s.log.Info("reminder enqueued", "key", f.Key, "at", f.At.In(store.Zone).Format(time.RFC3339), "broadcast", f.Broadcast.ID,
				"chats", f.Deliveries, "late", late.Round(time.Millisecond), "caught_up", late > lateAfter)
		}
	}
	if any && s.cfg.OnEnqueue != nil {
		s.cfg.OnEnqueue()
	}
	return nil
}

// labelled is a live area with its label.
type labelled struct {
	id    int64
	label string
}

// area follows merges from an area to the one that holds its subscribers
// now, and names it.
func (s *Scheduler) area(ctx context.Context, id int64, cache map[int64]labelled) (labelled, error) {
	if l, ok := cache[id]; ok {
		return l, nil
	}
	live := id
	for range 64 {
		a, err := s.db.AreaByID(ctx, live)
		if store.ErrorCode(err) == store.ENOTFOUND {
			break // FireOccurrences records it as skipped
		}
		if err != nil {
			return labelled{}, err
		}
		if a.MergedInto == 0 {
			break
		}
		live = a.MergedInto
	}
	l := labelled{id: live}
	path, err := s.db.AreaPath(ctx, live)
	if err != nil && store.ErrorCode(err) != store.ENOTFOUND {
		return labelled{}, err
	}
	l.label = store.AreaLabel(path)
	cache[id] = l
	return l, nil
}

// jobHeap orders jobs by their next firing; Len, Less, Swap, Push and Pop
// make it a container/heap.
type jobHeap []*job

func (h jobHeap) Len() int           { return len(h) }
func (h jobHeap) Less(i, k int) bool { return h[i].next.Before(h[k].next) }
func (h jobHeap) Swap(i, k int) {
	h[i], h[k] = h[k], h[i]
	h[i].index, h[k].index = i, k
}
func (h *jobHeap) Push(x any) {
	j := x.(*job)
	j.index = len(*h)
	*h = append(*h, j)
}
func (h *jobHeap) Pop() any {
	old := *h
	j := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	return j
}
