package telegramtest

// LongPollWaiting reports whether a getUpdates is parked waiting for an update, so that
// tests can prove a long poll is woken by a queued update rather than answered at once.
func (s *Server) LongPollWaiting() bool {
	s.upMu.Lock()
	defer s.upMu.Unlock()
	return s.poll != nil
}
