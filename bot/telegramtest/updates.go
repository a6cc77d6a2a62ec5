package telegramtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// queuedUpdate is an Update object as it goes on the wire.
type queuedUpdate struct {
	id   int
	body []byte
}

// longPoll is a getUpdates waiting for an update. done is closed exactly once, by
// whoever takes it out of Server.poll: a queued update, or a newer getUpdates (conflict).
type longPoll struct {
	done     chan struct{}
	conflict bool
}

// defaultExcluded are the update types Telegram sends only to bots that ask for them by
// name in allowed_updates.
var defaultExcluded = map[string]bool{"chat_member": true, "message_reaction": true, "message_reaction_count": true}

// allowedLocked tells whether the bot receives updates of type typ; upMu must be held.
// Telegram filters when an update arrives, not when it is fetched, and so does this.
func (s *Server) allowedLocked(typ string) bool {
	if s.allowed == nil {
		return !defaultExcluded[typ]
	}
	return s.allowed[typ]
}

// enqueue queues an update whose members after update_id are rest (`"message":{…}`);
// ok is false when the bot's allowed_updates drop it (its id is used all the same).
func (s *Server) enqueue(typ string, rest []byte) (id int, ok bool) {
	s.upMu.Lock()
	id = s.nextUpdateID
	s.nextUpdateID++
	if !s.allowedLocked(typ) {
		s.upMu.Unlock()
		return id, false
	}
	// The real server writes `{"update_id":N,\n"message":…}`, with a raw ",\n".
	body := make([]byte, 0, len(rest)+24)
	body = append(body, `{"update_id":`...)
	body = appendInt(body, int64(id))
	if len(rest) > 0 {
		body = append(body, ",\n"...)
		body = append(body, rest...)
	}
	body = append(body, '}')
	s.queue = append(s.queue, queuedUpdate{id: id, body: body})
	if p := s.poll; p != nil {
		s.poll = nil
		close(p.done)
	}
	hook := s.webhookURL != ""
	s.upMu.Unlock()
	if hook {
		s.pokeWebhook()
	}
	s.notify()
	return id, true
}

// getUpdates confirms updates below offset, then answers the queued ones at once, or
// holds the request until one is queued, timeout seconds pass, the client goes away, the
// server closes, or another getUpdates takes over (then this one answers 409).
func (s *Server) getUpdates(c *call) answer {
	offset, _ := c.int64Param("offset")
	limit, _ := c.int64Param("limit")
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := c.int64Param("timeout")
	s.upMu.Lock()
	if s.webhookURL != "" {
		s.upMu.Unlock()
		return failure(http.StatusConflict, descConflictWebhook)
	}
	// "Concurrent" is decided by arrival, so that a getUpdates overtaken on its way in by
	// a newer one is the one terminated, whichever reaches this point first.
	if c.seq < s.lastPollSeq {
		s.upMu.Unlock()
		return failure(http.StatusConflict, descConflictPoll)
	}
	s.lastPollSeq = c.seq
	if v := c.p.Get("allowed_updates"); v != "" {
		s.setAllowedLocked(v)
	}
	s.confirmLocked(offset)
	if p := s.poll; p != nil {
		p.conflict = true
		s.poll = nil
		close(p.done)
	}
	if len(s.queue) > 0 || timeout <= 0 {
		a := s.takeLocked(int(limit))
		s.upMu.Unlock()
		return a
	}
	p := &longPoll{done: make(chan struct{})}
	s.poll = p
	s.upMu.Unlock()
	s.notify() // the confirmation is visible now, not when this long poll ends

	t := time.NewTimer(time.Duration(timeout) * time.Second)
	defer t.Stop()
	gone := false
	select {
	case <-p.done:
	case <-t.C:
	case <-s.closed:
	case <-c.ctx.Done():
		gone = true
	}
	s.upMu.Lock()
	if s.poll == p {
		s.poll = nil
	}
	conflict := p.conflict
	a := s.takeLocked(int(limit))
	s.upMu.Unlock()
	switch {
	case conflict:
		return failure(http.StatusConflict, descConflictPoll)
	case gone:
		return cancelled
	}
	return a
}

// confirmLocked drops the updates the offset confirms; upMu must be held.
func (s *Server) confirmLocked(offset int64) {
	drop := 0
	switch {
	case offset > 0:
		for drop < len(s.queue) && int64(s.queue[drop].id) < offset {
			drop++
		}
		s.confirmed = max(s.confirmed, int(offset-1))
	case offset < 0: // the last -offset updates are kept, the others forgotten
		drop = max(len(s.queue)+int(offset), 0)
		if drop > 0 {
			s.confirmed = max(s.confirmed, s.queue[drop-1].id)
		}
	}
	s.queue = s.queue[drop:]
	if len(s.queue) == 0 {
		s.queue = nil // let the backing array go
	}
}

// takeLocked answers the first limit queued updates; upMu must be held.
func (s *Server) takeLocked(limit int) answer {
	n := min(limit, len(s.queue))
	size := 32
	for _, u := range s.queue[:n] {
		size += len(u.body) + 1
	}
	b := make([]byte, 0, size)
	b = append(b, `{"ok":true,"result":[`...)
	for i, u := range s.queue[:n] {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, u.body...)
	}
	b = append(b, "]}"...)
	return answer{status: http.StatusOK, body: b}
}

// setAllowedLocked keeps a getUpdates allowed_updates list; an empty one restores
// Telegram's default set, and null (which go-telegram-bot-api sends when the list is
// unset) keeps the previous one, as an absent parameter does.
func (s *Server) setAllowedLocked(v string) {
	var list []string
	if v == "null" || json.Unmarshal([]byte(v), &list) != nil {
		return
	}
	if len(list) == 0 {
		s.allowed = nil
		return
	}
	s.allowed = make(map[string]bool, len(list))
	for _, t := range list {
		s.allowed[t] = true
	}
}

// Confirmed is the highest update_id the bot has confirmed by a getUpdates offset
// (offset-1); 0 before any. Wait on it to know an update was consumed.
func (s *Server) Confirmed() int {
	s.upMu.Lock()
	defer s.upMu.Unlock()
	return s.confirmed
}

// Pending is the number of queued updates the bot has not confirmed.
func (s *Server) Pending() int {
	s.upMu.Lock()
	defer s.upMu.Unlock()
	return len(s.queue)
}

// SendText queues a message update from a user in a chat and returns its update_id. A
// text starting with a command gets the bot_command entity Telegram adds.
func (s *Server) SendText(chat Chat, from User, text string) int {
	cs := s.actIn(chat, from)
	m := &storedMsg{byUser: true, sender: from.ID, sent: time.Now(), raw: text, text: text, ents: commandEntity(text)}
	cs.mu.Lock()
	cs.add(m)
	rest := s.appendMessage([]byte(`"message":`), cs, m)
	cs.mu.Unlock()
	id, _ := s.enqueue("message", rest)
	return id
}

// SendDeepLink queues what a user opening t.me/<bot>?start=<payload> sends: "/start
// <payload>" in the private chat.
func (s *Server) SendDeepLink(from User, payload string) int {
	text := "/start"
	if payload != "" {
		text += " " + payload
	}
	return s.SendText(PrivateChat(from), from, text)
}

// InjectUpdate queues a raw Update JSON object, every member kept (unknown ones too)
// except update_id, which is set to the next id. The chats and users it mentions are
// remembered, so the bot's answers to them show the same names; the messages it holds
// are not stored, so the bot cannot edit, copy or forward them.
func (s *Server) InjectUpdate(raw []byte) (int, error) {
	members, err := objectMembers(raw)
	if err != nil {
		return 0, fmt.Errorf("telegramtest: InjectUpdate: %w", err)
	}
	var rest []byte
	typ := ""
	for _, m := range members {
		if m.key == "update_id" {
			continue
		}
		if typ == "" {
			typ = m.key
		}
		if len(rest) > 0 {
			rest = append(rest, ',')
		}
		rest = appendString(rest, m.key)
		rest = append(rest, ':')
		rest = append(rest, compactJSON(m.value)...)
	}
	if typ == "" {
		return 0, errors.New("telegramtest: InjectUpdate: the update has nothing but update_id")
	}
	s.learn(raw)
	id, ok := s.enqueue(typ, rest)
	if !ok {
		return id, fmt.Errorf("telegramtest: InjectUpdate: %q updates are not in the bot's allowed_updates; Telegram drops them", typ)
	}
	return id, nil
}

type member struct {
	key   string
	value json.RawMessage
}

// objectMembers splits a JSON object into its members, in order.
func objectMembers(raw []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errors.New("not a JSON object")
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		out = append(out, member{key: tok.(string), value: v})
	}
	if _, err := dec.Token(); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the JSON object")
	}
	return out, nil
}

// Just enough of an update to learn the chats and users it mentions.
type (
	seenChat struct {
		ID        int64  `json:"id"`
		Type      string `json:"type"`
		Title     string `json:"title"`
		Username  string `json:"username"`
		FirstName string `json:"first_name"`
		LastName  string `json:"last_name"`
	}
	seenUser struct {
		ID           int64  `json:"id"`
		IsBot        bool   `json:"is_bot"`
		FirstName    string `json:"first_name"`
		LastName     string `json:"last_name"`
		Username     string `json:"username"`
		LanguageCode string `json:"language_code"`
	}
	seenMessage struct {
		Chat *seenChat `json:"chat"`
		From *seenUser `json:"from"`
	}
	seenUpdate struct {
		Message           *seenMessage `json:"message"`
		EditedMessage     *seenMessage `json:"edited_message"`
		ChannelPost       *seenMessage `json:"channel_post"`
		EditedChannelPost *seenMessage `json:"edited_channel_post"`
		CallbackQuery     *struct {
			From    *seenUser    `json:"from"`
			Message *seenMessage `json:"message"`
		} `json:"callback_query"`
		MyChatMember *seenMessage `json:"my_chat_member"`
		ChatMember   *seenMessage `json:"chat_member"`
	}
)

// learn remembers the chats and users an injected update mentions.
func (s *Server) learn(raw []byte) {
	var u seenUpdate
	if json.Unmarshal(raw, &u) != nil {
		return
	}
	msgs := []*seenMessage{u.Message, u.EditedMessage, u.ChannelPost, u.EditedChannelPost, u.MyChatMember, u.ChatMember}
	if q := u.CallbackQuery; q != nil {
		msgs = append(msgs, q.Message, &seenMessage{From: q.From})
	}
	for _, m := range msgs {
		if m == nil {
			continue
		}
		if f := m.From; f != nil && !f.IsBot && f.ID != 0 {
			s.rememberUser(User{ID: f.ID, FirstName: f.FirstName, LastName: f.LastName, Username: f.Username, LanguageCode: f.LanguageCode})
		}
		if c := m.Chat; c != nil && c.ID != 0 {
			s.learnChat(c)
		}
	}
}

func (s *Server) learnChat(c *seenChat) {
	cs := s.chat(c.ID)
	cs.mu.Lock()
	if c.Type != "" {
		cs.info.typ = c.Type
	}
	if c.Title != "" {
		cs.info.title = c.Title
	}
	if c.FirstName != "" {
		cs.info.firstName, cs.info.lastName = c.FirstName, c.LastName
	}
	if c.Username != "" {
		cs.info.username = c.Username
	}
	cs.mu.Unlock()
	if c.Username != "" && c.Type != "private" {
		s.chatsMu.Lock()
		s.usernames[strings.ToLower(c.Username)] = c.ID
		s.chatsMu.Unlock()
	}
}
