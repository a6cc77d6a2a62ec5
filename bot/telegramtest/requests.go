package telegramtest

import (
	"net/http"
	"net/url"
	"time"
)

// Request is one request the bot made, as the server received it (without the token).
type Request struct {
	Method string     // canonical name for served methods; "" for a path not /bot<token>/<method>
	Params url.Values // form, multipart or JSON fields; uploaded files as "<file:NAME size:N>"
	Time   time.Time  // arrival
	Status int        // HTTP status answered; 0 while still being answered, 499 if the client left
}

// Stats counts what the server answered.
type Stats struct {
	Requests int // every request received
	Sent     int // messages posted: successful sendMessage, sendPhoto, copyMessage, forwardMessage
	TooMany  int // answers 429
	Errors   int // answers other than 200, 429s and abandoned requests included
}

// record notes a request on arrival, so that a long poll in flight is visible (with
// Status 0) to a test that synchronises on it; it returns the record's index.
func (s *Server) record(method string, p url.Values, t time.Time) int {
	s.reqMu.Lock()
	if max := s.opts.MaxRequests; max > 0 && len(s.reqs) >= max {
		drop := len(s.reqs) - max/2
		s.reqs = append(s.reqs[:0], s.reqs[drop:]...)
		s.reqBase += drop
	}
	idx := s.reqBase + len(s.reqs)
	s.reqs = append(s.reqs, Request{Method: method, Params: p, Time: t})
	s.stats.Requests++
	s.reqMu.Unlock()
	s.notify()
	return idx
}

// finish notes the status a request was answered with.
func (s *Server) finish(idx int, method string, status int, sends bool) {
	s.reqMu.Lock()
	if i := idx - s.reqBase; i >= 0 {
		s.reqs[i].Status = status
	}
	switch {
	case status == http.StatusOK:
		s.okCount[method]++
		if sends {
			s.stats.Sent++
		}
	case status == http.StatusTooManyRequests:
		s.stats.TooMany++
		s.stats.Errors++
	default:
		s.stats.Errors++
	}
	s.reqMu.Unlock()
	s.notify()
}

// Requests returns copies of every request received, in order of arrival.
func (s *Server) Requests() []Request {
	s.reqMu.Lock()
	out := make([]Request, len(s.reqs))
	copy(out, s.reqs)
	s.reqMu.Unlock()
	for i := range out {
		out[i].Params = cloneValues(out[i].Params)
	}
	return out
}

// Count is the number of requests of a method answered ok.
func (s *Server) Count(method string) int {
	if m := lookupMethod(method); m != nil {
		method = m.name
	}
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	return s.okCount[method]
}

// Stats returns the counters so far.
func (s *Server) Stats() Stats {
	s.reqMu.Lock()
	defer s.reqMu.Unlock()
	return s.stats
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
