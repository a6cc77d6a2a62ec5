package telegramtest

import (
	"net/http"
	"strings"
	"time"
)

// Fault is a failure switched on for matching requests.
type Fault struct {
	Method      string        // "" = every method except getUpdates and getMe
	ChatID      int64         // 0 = any chat
	Code        int           // 429, 403, 400, 500, 502 …; 0 = succeed (with Delay: a slow answer)
	Description string        // default: the real description for the code
	RetryAfter  int           // 429: parameters.retry_after and header Retry-After (default 1)
	MigrateTo   int64         // 400 (the default code then): parameters.migrate_to_chat_id
	Delay       time.Duration // answer after this long (sooner if the client goes away)
	Times       int           // apply to this many matching requests, 0 = until cleared
}

// activeFault is a fault with its remaining count; left < 0 means unlimited.
type activeFault struct {
	Fault
	left int
}

// AddFault switches on a fault. Faults are tried in the order added: delays of matching
// succeed-faults (Code 0) add up, and the first matching fault with a Code answers.
func (s *Server) AddFault(f Fault) {
	if f.MigrateTo != 0 && f.Code == 0 {
		f.Code = http.StatusBadRequest
	}
	if f.Code == http.StatusTooManyRequests && f.RetryAfter <= 0 {
		f.RetryAfter = 1 // Telegram always says how long; 0 would make a bot spin
	}
	if f.Description == "" {
		f.Description = defaultDescription(f.Code, f.RetryAfter)
		if f.MigrateTo != 0 {
			f.Description = descMigrated
		}
	}
	left := f.Times
	if left <= 0 {
		left = -1
	}
	s.faultMu.Lock()
	s.faults = append(s.faults, &activeFault{Fault: f, left: left})
	s.nFaults.Store(int32(len(s.faults)))
	s.faultMu.Unlock()
}

// ClearFaults switches every fault off.
func (s *Server) ClearFaults() {
	s.faultMu.Lock()
	s.faults = nil
	s.nFaults.Store(0)
	s.faultMu.Unlock()
}

// matches tells whether a fault applies to a request. Only matching requests count
// down its Times.
func (f *activeFault) matches(c *call) bool {
	if f.Method == "" {
		if c.m.name == "getUpdates" || c.m.name == "getMe" {
			return false
		}
	} else if !strings.EqualFold(f.Method, c.m.name) {
		return false
	}
	return f.ChatID == 0 || c.hasChat && c.chatID == f.ChatID
}

// applyFaults runs the faults matching a request; hit is true when one answers it.
func (s *Server) applyFaults(c *call) (a answer, hit bool) {
	var delay time.Duration
	var answering *Fault
	s.faultMu.Lock()
	kept := s.faults[:0]
	for _, f := range s.faults {
		if answering == nil && f.matches(c) {
			delay += f.Delay
			if f.left > 0 {
				f.left--
			}
			if f.Code != 0 {
				fc := f.Fault
				answering = &fc
			}
		}
		if f.left != 0 {
			kept = append(kept, f) // spent faults go, keeping the scan short
		}
	}
	clear(s.faults[len(kept):])
	s.faults = kept
	s.nFaults.Store(int32(len(kept)))
	s.faultMu.Unlock()
	if delay > 0 && !s.pause(c.ctx, delay) {
		return cancelled, true
	}
	if answering == nil {
		return answer{}, false
	}
	return failureParams(answering.Code, answering.Description, answering.MigrateTo, answering.RetryAfter), true
}

// BlockChat makes every request naming the chat answer 403 from now on, as when a user
// blocks the bot or a group removes it; the description fits the chat's kind.
func (s *Server) BlockChat(chatID int64) {
	s.rulesMu.Lock()
	s.blocked[chatID] = true
	s.nRules.Store(int32(len(s.blocked) + len(s.migrated)))
	s.rulesMu.Unlock()
}

// MigrateChat makes requests naming oldID answer 400 with migrate_to_chat_id newID, as
// after a group became a supergroup; requests naming newID work.
func (s *Server) MigrateChat(oldID, newID int64) {
	s.rulesMu.Lock()
	s.migrated[oldID] = newID
	s.nRules.Store(int32(len(s.blocked) + len(s.migrated)))
	s.rulesMu.Unlock()
}

// chatRules answers for a blocked or migrated chat.
func (s *Server) chatRules(chatID int64) (answer, bool) {
	s.rulesMu.RLock()
	blocked := s.blocked[chatID]
	newID, migrated := s.migrated[chatID]
	s.rulesMu.RUnlock()
	switch {
	case blocked:
		return failure(http.StatusForbidden, s.blockedDescription(chatID)), true
	case migrated:
		return failureParams(http.StatusBadRequest, descMigrated, newID, 0), true
	}
	return answer{}, false
}

// blockedDescription is what Telegram says when the bot may no longer post to a chat.
func (s *Server) blockedDescription(chatID int64) string {
	typ := chatTypeOf(chatID)
	if cs := s.existingChat(chatID); cs != nil {
		cs.mu.Lock()
		typ = cs.info.typ
		cs.mu.Unlock()
	}
	switch typ {
	case "private":
		return descBlocked
	case "supergroup":
		return descKickedSupergroup
	case "channel":
		return descNotMemberChannel
	}
	return descKickedGroup
}

// SetLatency delays every answer by d, like a slow network; 0 switches it off.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }
