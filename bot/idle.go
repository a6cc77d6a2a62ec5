package bot

import (
	"context"
	"sync"
)

// idleState tells whether the dispatcher has anything due left to do, for
// WaitIdle. Each look at the outbox has a number: a caller waits for a look
// begun after it called, so that what it just created is seen.
type idleState struct {
	mu       sync.Mutex
	changed  chan struct{} // closed and replaced at every change
	begun    uint64        // looks at the outbox begun
	finished uint64        // the number of the latest look whose outcome is published
	busy     bool
}

func newIdleState() idleState { return idleState{changed: make(chan struct{})} }

// begin numbers a new look at the outbox.
func (s *idleState) begin() uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.begun++
	return s.begun
}

// publish records whether the dispatcher is busy, as of look n (0: no new look).
func (s *idleState) publish(n uint64, busy bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if n > s.finished {
		s.finished = n
	}
	s.busy = busy
	close(s.changed)
	s.changed = make(chan struct{})
}

// WaitIdle waits until the dispatcher has looked at the outbox since the
// call and has nothing due left: every due broadcast delivered, its report
// sent. Broadcasts scheduled for later do not count. It returns ctx's error
// if ctx ends first, and waits until then if the bot is not running.
func (b *Bot) WaitIdle(ctx context.Context) error {
	s := &b.idle
	s.mu.Lock()
	since := s.begun
	s.mu.Unlock()
	b.Wake()
	for {
		s.mu.Lock()
		ch, done := s.changed, s.finished > since && !s.busy
		s.mu.Unlock()
		if done {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}
