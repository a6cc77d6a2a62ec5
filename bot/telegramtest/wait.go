package telegramtest

import "context"

// Waiting works by a broadcast channel that is closed, and replaced, whenever something
// happens while anyone waits. The waiter count lets the hot path skip that when nobody
// waits: a waiter registers before it first evaluates its condition, and every change is
// made under a lock the condition also takes, so a change is either seen by that
// evaluation or followed by a notify that sees the waiter.

// notify wakes every Wait to re-evaluate its condition.
func (s *Server) notify() {
	if s.waiters.Load() == 0 {
		return
	}
	s.waitMu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.waitMu.Unlock()
}

// Wait returns nil as soon as cond() is true, re-evaluating it after every request the
// server receives or answers and every update it queues, or ctx's error if ctx ends
// first. cond runs without the server's locks held, so it may call any method.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	s.waiters.Add(1)
	defer s.waiters.Add(-1)
	for {
		s.waitMu.Lock()
		ch := s.changed
		s.waitMu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			if cond() {
				return nil
			}
			return ctx.Err()
		}
	}
}

// WaitMessages waits until the bot has at least n messages in the chat and returns them
// (those there are, with ctx's error, if ctx ends first).
func (s *Server) WaitMessages(ctx context.Context, chatID int64, n int) ([]Message, error) {
	err := s.Wait(ctx, func() bool { return s.messageCount(chatID) >= n })
	return s.Messages(chatID), err
}
