package telegramtest

import (
	"net/http"
	"strconv"
	"time"
)

// forwardInfo is where a forwarded message came from.
type forwardInfo struct {
	sender int64 // the original sender: a user or the bot
	date   int64
}

// appendTo appends forward_origin (Bot API 7.0) and the older forward_from and
// forward_date fields that older clients, go-telegram-bot-api v5 among them, still read.
func (f *forwardInfo) appendTo(b []byte, s *Server) []byte {
	user := s.appendUserByID(nil, f.sender)
	b = append(b, `,"forward_origin":{"type":"user","sender_user":`...)
	b = append(b, user...)
	b = append(b, `,"date":`...)
	b = appendInt(b, f.date)
	b = append(b, `},"forward_from":`...)
	b = append(b, user...)
	b = append(b, `,"forward_date":`...)
	return appendInt(b, f.date)
}

// sourceMessage is a snapshot of the message from_chat_id/message_id names. Slices are
// shared: stored messages replace them on edit, never change them in place.
func (s *Server) sourceMessage(c *call, notFound string) (storedMsg, answer, bool) {
	var fromID int64
	if v := c.p.Get("from_chat_id"); v != "" && v[0] == '@' {
		fromID = s.ResolveUsername(v[1:])
	} else if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		fromID = id
	}
	msgID, ok := c.int64Param("message_id")
	if !ok {
		return storedMsg{}, failure(http.StatusBadRequest, descMessageIDMissing), false
	}
	cs := s.existingChat(fromID)
	if cs == nil {
		return storedMsg{}, failure(http.StatusBadRequest, notFound), false
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	m := cs.find(msgID)
	if m == nil || m.deleted {
		return storedMsg{}, failure(http.StatusBadRequest, notFound), false
	}
	return *m, answer{}, true
}

// copyMessage posts a copy without a link to the original; the result is only its id.
func (s *Server) copyMessage(c *call) answer {
	src, a, ok := s.sourceMessage(c, descCopyNotFound)
	if !ok {
		return a
	}
	kb, desc := parseKeyboard(c.p.Get("reply_markup"))
	if desc != "" {
		return failure(http.StatusBadRequest, desc)
	}
	m := &storedMsg{sent: time.Now(), parseMode: src.parseMode, raw: src.raw, text: src.text, ents: src.ents, photo: src.photo, kb: kb}
	if _, set := c.p["caption"]; set && src.photo != nil {
		caption, ents, desc := readCaption(c)
		if desc != "" {
			return failure(http.StatusBadRequest, desc)
		}
		m.raw, m.text, m.ents, m.parseMode = c.p.Get("caption"), caption, ents, internParseMode(c.p.Get("parse_mode"))
	}
	cs := s.chat(c.chatID)
	cs.mu.Lock()
	cs.add(m)
	id := m.id
	cs.mu.Unlock()
	return okResult(append(appendInt([]byte(`{"message_id":`), int64(id)), '}'))
}

// forwardMessage posts the message with its origin shown.
func (s *Server) forwardMessage(c *call) answer {
	src, a, ok := s.sourceMessage(c, descForwardNotFound)
	if !ok {
		return a
	}
	m := &storedMsg{
		sent: time.Now(), parseMode: src.parseMode, raw: src.raw, text: src.text, ents: src.ents, photo: src.photo,
		fwd: &forwardInfo{sender: src.sender, date: src.sent.Unix()},
	}
	if !src.byUser {
		m.fwd.sender = s.opts.BotID
	}
	return okResult(s.postMessage(c.chatID, m))
}
