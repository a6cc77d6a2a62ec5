package telegramtest

import (
	"net/http"
	"time"
)

// Limits are flood limits on the methods that post messages (sendMessage, sendPhoto,
// copyMessage, forwardMessage), enforced over sliding windows.
type Limits struct {
	Overall  int           // messages per second over all chats, 0 = unlimited
	PerChat  time.Duration // min interval between messages to one chat (Telegram: 1s), 0 = none
	PerGroup int           // messages per minute to one group (negative chat id; Telegram: 20), 0 = none
	// Paid is the overall ceiling, messages per second, of sends marked
	// allow_paid_broadcast=true (Telegram: 1000); they are not counted
	// against Overall. 0 = such sends count against Overall like any other.
	Paid int
}

// chatLimiter is one chat's flood state; guarded by its chat's mu.
type chatLimiter struct {
	gen    int         // Server.limGen it belongs to; older state is reset
	last   time.Time   // the last send
	window []time.Time // ring of the last PerGroup sends
	next   int
}

// SetLimits replaces the flood limits and forgets the sends counted so far. A message
// over a limit is answered 429 "Too Many Requests: retry after N" with retry_after and
// a Retry-After header, N being the whole seconds until a slot frees (at least 1).
func (s *Server) SetLimits(l Limits) {
	s.limMu.Lock()
	s.limits = l
	s.limGen++
	s.overall = nil
	s.overallNext = 0
	s.paid = nil
	s.paidNext = 0
	if l.Overall > 0 {
		s.overall = make([]time.Time, 0, l.Overall)
	}
	if l.Paid > 0 {
		s.paid = make([]time.Time, 0, l.Paid)
	}
	s.limitsOn.Store(l != Limits{})
	s.limMu.Unlock()
}

// checkLimits counts a send to a chat, or answers 429 when a limit is reached. Lock
// order: the chat's mu, then limMu.
func (s *Server) checkLimits(chatID int64, paid bool) (answer, bool) {
	cs := s.chat(chatID)
	now := time.Now()
	cs.mu.Lock()
	defer cs.mu.Unlock()
	s.limMu.Lock()
	defer s.limMu.Unlock()
	l := s.limits
	cl := &cs.lim
	if cl.gen != s.limGen {
		*cl = chatLimiter{gen: s.limGen}
	}
	var wait time.Duration
	if l.PerChat > 0 && !cl.last.IsZero() {
		wait = max(wait, cl.last.Add(l.PerChat).Sub(now))
	}
	perGroup := l.PerGroup > 0 && chatID < 0
	if perGroup && len(cl.window) == l.PerGroup {
		wait = max(wait, cl.window[cl.next].Add(time.Minute).Sub(now))
	}
	ceiling, ring, next := l.Overall, &s.overall, &s.overallNext
	if paid && l.Paid > 0 {
		ceiling, ring, next = l.Paid, &s.paid, &s.paidNext
	}
	if ceiling > 0 && len(*ring) == ceiling {
		wait = max(wait, (*ring)[*next].Add(time.Second).Sub(now))
	}
	if wait > 0 {
		n := int((wait + time.Second - 1) / time.Second)
		return failureParams(http.StatusTooManyRequests, tooManyRequests(n), 0, n), true
	}
	cl.last = now
	if perGroup {
		cl.window, cl.next = pushRing(cl.window, cl.next, l.PerGroup, now)
	}
	if ceiling > 0 {
		*ring, *next = pushRing(*ring, *next, ceiling, now)
	}
	return answer{}, false
}

// pushRing records t in a ring of capacity n whose oldest entry is at next once full.
func pushRing(ring []time.Time, next, n int, t time.Time) ([]time.Time, int) {
	if len(ring) < n {
		return append(ring, t), 0
	}
	ring[next] = t
	return ring, (next + 1) % n
}
