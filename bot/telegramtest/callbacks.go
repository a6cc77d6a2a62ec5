package telegramtest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// CallbackAnswer is an answerCallbackQuery the bot made.
type CallbackAnswer struct {
	QueryID   string
	Text      string
	ShowAlert bool
}

// PressButton acts as from pressing the callback button labelled exactly label on the
// newest message of the bot in the chat that has one (in its current state, after
// edits), and returns the update_id of the callback_query it queues. The error lists the
// labels there are when none matches, or says the bot's allowed_updates drop it.
func (s *Server) PressButton(chat Chat, from User, label string) (int, error) {
	cs := s.existingChat(chat.ID)
	if cs == nil {
		return 0, fmt.Errorf("telegramtest: no button %q in chat %d: the bot sent nothing there", label, chat.ID)
	}
	s.actIn(chat, from)
	cs.mu.Lock()
	var labels []string
	seen := map[string]bool{}
	for i := len(cs.msgs) - 1; i >= 0; i-- {
		m := cs.msgs[i]
		if m == nil || m.byUser || m.deleted {
			continue
		}
		for _, row := range m.kb {
			for _, b := range row {
				if !b.hasData {
					continue
				}
				if b.Text == label {
					msg := s.appendMessage(nil, cs, m)
					cs.mu.Unlock()
					return s.queueCallback(cs, from, msg, b.Data)
				}
				if !seen[b.Text] {
					seen[b.Text] = true
					labels = append(labels, strconv.Quote(b.Text))
				}
			}
		}
	}
	cs.mu.Unlock()
	return 0, fmt.Errorf("telegramtest: no button %q in chat %d; there are: %s", label, chat.ID, strings.Join(labels, ", "))
}

// PressButtonData queues a callback_query with arbitrary, possibly forged, data as if
// from pressed a button on message messageID, and returns its update_id. A message the
// bot does not have there is shown as Telegram shows an inaccessible one (date 0).
func (s *Server) PressButtonData(chat Chat, from User, messageID int, data string) int {
	cs := s.actIn(chat, from)
	cs.mu.Lock()
	var msg []byte
	if m := cs.find(int64(messageID)); m != nil && !m.deleted {
		msg = s.appendMessage(nil, cs, m)
	} else {
		msg = append([]byte(`{"chat":`), appendChat(nil, cs.id, &cs.info)...)
		msg = append(msg, `,"message_id":`...)
		msg = appendInt(msg, int64(messageID))
		msg = append(msg, `,"date":0}`...)
	}
	cs.mu.Unlock()
	id, _ := s.queueCallback(cs, from, msg, data)
	return id
}

// queueCallback queues a callback_query and opens its id for answerCallbackQuery.
func (s *Server) queueCallback(cs *chatState, from User, msg []byte, data string) (int, error) {
	s.cbMu.Lock()
	s.querySeq++
	qid := strconv.FormatUint(s.querySeq, 10)
	s.openQueries[qid] = struct{}{}
	s.cbMu.Unlock()

	b := make([]byte, 0, len(msg)+len(data)+200)
	b = append(b, `"callback_query":{"id":`...)
	b = appendString(b, qid)
	b = append(b, `,"from":`...)
	b = appendUser(b, s.lookupUser(from.ID))
	b = append(b, `,"message":`...)
	b = append(b, msg...)
	b = append(b, `,"chat_instance":`...)
	b = appendString(b, chatInstance(cs.id, s.opts.BotID))
	b = append(b, `,"data":`...)
	b = appendString(b, data)
	b = append(b, '}')
	id, ok := s.enqueue("callback_query", b)
	if !ok {
		s.cbMu.Lock()
		delete(s.openQueries, qid)
		s.cbMu.Unlock()
		return id, fmt.Errorf("telegramtest: callback_query updates are not in the bot's allowed_updates; Telegram drops them")
	}
	return id, nil
}

// chatInstance is a stable opaque id of a chat as one bot sees it, like Telegram's.
func chatInstance(chatID, botID int64) string {
	x := uint64(chatID) ^ uint64(botID)<<17
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return strconv.FormatInt(int64(x), 10)
}

// answerCallbackQuery records the answer; each query can be answered once.
func (s *Server) answerCallbackQuery(c *call) answer {
	qid := c.p.Get("callback_query_id")
	s.cbMu.Lock()
	defer s.cbMu.Unlock()
	if _, ok := s.openQueries[qid]; !ok {
		return failure(http.StatusBadRequest, descQueryInvalid)
	}
	delete(s.openQueries, qid)
	s.cbAnswers = append(s.cbAnswers, CallbackAnswer{QueryID: qid, Text: c.p.Get("text"), ShowAlert: c.boolParam("show_alert")})
	return answerTrue
}

// CallbackAnswers returns the answers to callback queries, in order.
func (s *Server) CallbackAnswers() []CallbackAnswer {
	s.cbMu.Lock()
	defer s.cbMu.Unlock()
	return append([]CallbackAnswer(nil), s.cbAnswers...)
}
