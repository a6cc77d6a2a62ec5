package bot

import (
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
