package bot

import (
	"context"
	"sync"
	"time"
)

// pacer keeps Telegram's limits for single chats: at most one message per
// perChat to any chat, and at most perGroup messages a minute to a group
// (a negative chat id). The overall limit is the dispatcher's limiter.
type pacer struct {
	perChat  time.Duration // <= 0: no limit
	perGroup int           // <= 0: no limit

	mu     sync.Mutex
	last   map[int64]time.Time   // the last send to each chat
	groups map[int64][]time.Time // the sends to each group in the last minute, oldest first
	pruned time.Time
}

// paceMargin is added to every wait: a request reaches Telegram a little
// later or sooner than it leaves, and a 429 costs a pause of everything.
const paceMargin = 50 * time.Millisecond

func newPacer(perChat time.Duration, perGroup int) *pacer {
	return &pacer{perChat: perChat, perGroup: perGroup, last: map[int64]time.Time{}, groups: map[int64][]time.Time{}}
}

// reserve returns how long a message to chat must wait; when it need not,
// the send is counted as made now.
func (p *pacer) reserve(chat int64, now time.Time) time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	var wait time.Duration
	if last, ok := p.last[chat]; ok && p.perChat > 0 {
		wait = last.Add(p.perChat + paceMargin).Sub(now)
	}
	if g := p.recent(chat, now); p.perGroup > 0 && chat < 0 && len(g) >= p.perGroup {
		wait = max(wait, g[len(g)-p.perGroup].Add(time.Minute+paceMargin).Sub(now))
	}
	if wait > 0 {
		return wait
	}
	p.markLocked(chat, now)
	return 0
}

// sent moves the send reserved last for chat to t, when it actually went:
// waiting for the overall limiter can take a while after the reservation.
func (p *pacer) sent(chat int64, t time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if _, ok := p.last[chat]; ok {
		p.last[chat] = t
	}
	if g := p.groups[chat]; len(g) > 0 {
		g[len(g)-1] = t
	}
}

func (p *pacer) markLocked(chat int64, t time.Time) {
	if p.perChat > 0 {
		p.last[chat] = t
	}
	if p.perGroup > 0 && chat < 0 {
		p.groups[chat] = append(p.recent(chat, t), t)
	}
	if t.Sub(p.pruned) > 10*time.Second {
		p.prune(t)
	}
}

// recent returns the sends to a group within the minute before now.
func (p *pacer) recent(chat int64, now time.Time) []time.Time {
	g := p.groups[chat]
	i := 0
	for i < len(g) && now.Sub(g[i]) >= time.Minute {
		i++
	}
	return g[i:]
}

// prune forgets what no longer limits anything, so a 100,000-chat
// broadcast does not leave 100,000 entries behind.
func (p *pacer) prune(now time.Time) {
	for chat, t := range p.last {
		if now.Sub(t) >= p.perChat {
			delete(p.last, chat)
		}
	}
	for chat := range p.groups {
		if g := p.recent(chat, now); len(g) == 0 {
			delete(p.groups, chat)
		} else {
			p.groups[chat] = g
		}
	}
	p.pruned = now
}

// ceiling keeps the overall limit the way Telegram counts it: at most n
// messages in any window of a second, as they arrive. A token bucket alone
// drifts: one send that reaches Telegram a few milliseconds late lets a
// window hold n+1, and the 429 that follows pauses everything for a
// second. So each send is counted from when it left until its answer came
// back, by which time it certainly arrived, up to maxSkew.
type ceiling struct {
	n        int
	interval time.Duration // 1s/n: the even spacing
	slack    time.Duration // how far ahead of the even spacing sends may run

	mu     sync.Mutex
	tat    time.Time   // when the next send is due on the even spacing
	ring   []time.Time // the last n sends; send number p is at p % n
	pushes uint64
}

// The window is a second and a little: a send is taken to arrive when its
// answer comes back, or maxSkew after it left if the answer is slower.
const (
	windowMargin = time.Millisecond
	maxSkew      = 5 * time.Millisecond
)

// newCeiling returns a ceiling of perSecond messages a second. At high
// rates sends may run a few ahead of the spacing: timers are not precise
// to the millisecond, and waiting for each one would lose a quarter.
func newCeiling(perSecond float64) *ceiling {
	n := max(1, int(perSecond))
	interval := time.Duration(float64(time.Second) / perSecond)
	return &ceiling{
		n:        n,
		interval: interval,
		// At least a few milliseconds: a timer fires a little late, and
		// without slack each late send would push all later ones back.
		slack: max(interval*time.Duration(n/50), 3*time.Millisecond),
		ring:  make([]time.Time, n),
	}
}

// wait blocks until a message may leave, and returns its slot, to pass to
// arrived once Telegram has answered.
func (c *ceiling) wait(ctx context.Context) (uint64, error) {
	for {
		c.mu.Lock()
		now := time.Now()
		at := c.tat.Add(-c.slack)
		if c.pushes >= uint64(c.n) {
			oldest := c.ring[c.pushes%uint64(c.n)]
			at = later(at, oldest.Add(time.Second+windowMargin))
		}
		if !at.After(now) {
			c.tat = later(c.tat, now).Add(c.interval)
			slot := c.pushes
			c.ring[slot%uint64(c.n)] = now
			c.pushes++
			c.mu.Unlock()
			return slot, nil
		}
		c.mu.Unlock()
		if err := sleep(ctx, at.Sub(now)); err != nil {
			return 0, err
		}
	}
}

// arrived moves a send's time to t, when its answer came (at most maxSkew
// after it left).
func (c *ceiling) arrived(slot uint64, t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.pushes-slot > uint64(c.n) {
		return // long out of the window
	}
	i := slot % uint64(c.n)
	c.ring[i] = later(c.ring[i], minTime(t, c.ring[i].Add(maxSkew)))
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
