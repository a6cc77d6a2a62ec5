package bot

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// floodGuard slows down a user who sends too much: each user may act Burst
// times at once, then once per interval. The first action over the limit
// gets one "slow down" answer; the rest are dropped without a word, so a
// flood is never answered a hundred times.
type floodGuard struct {
	burst int
	every rate.Limit

	mu        sync.Mutex
	users     map[int64]*floodState
	lastSweep time.Time
}

type floodState struct {
	lim    *rate.Limiter
	warned bool
	seen   time.Time
}

// verdict is what to do with a user's action.
type verdict int

const (
	allow  verdict = iota
	warn           // over the limit for the first time: say so once
	ignore         // still over the limit: drop it silently
)

func newFloodGuard(burst int, every time.Duration) *floodGuard {
	return &floodGuard{burst: burst, every: rate.Every(every), users: map[int64]*floodState{}}
}

// check records one action of user and says what to do with it.
func (g *floodGuard) check(user int64, now time.Time) verdict {
	g.mu.Lock()
	defer g.mu.Unlock()
	st, ok := g.users[user]
	if !ok {
		g.sweep(now)
		st = &floodState{lim: rate.NewLimiter(g.every, g.burst)}
		g.users[user] = st
	}
	st.seen = now
	if st.lim.AllowN(now, 1) {
		st.warned = false
		return allow
	}
	if st.warned {
		return ignore
	}
	st.warned = true
	return warn
}

// sweep forgets users idle long enough for their bucket to be full again,
// so the map stays as small as the set of recently active users.
func (g *floodGuard) sweep(now time.Time) {
	if len(g.users) < 10000 || now.Sub(g.lastSweep) < time.Minute {
		return
	}
	g.lastSweep = now
	idle := time.Duration(float64(g.burst)/float64(g.every)*float64(time.Second)) + time.Minute
	for id, st := range g.users {
		if now.Sub(st.seen) > idle {
			delete(g.users, id)
		}
	}
}
