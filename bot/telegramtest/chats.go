package telegramtest

import (
	"strings"
	"sync"
	"time"
)

// chatState is one chat: what it looks like and every message in it. Each chat has its
// own lock so that sends to different chats never wait for each other.
type chatState struct {
	id   int64
	mu   sync.Mutex
	info chatInfo
	// msgs[i] has message_id i+1: as in a real chat, the users' messages and the bot's
	// share one numbering.
	msgs     []*storedMsg
	botCount int // the bot's messages not deleted
	lim      chatLimiter
}

// storedMsg is a message in its current state, kept compactly: the raw text parameter
// and the text the user sees share memory when they are equal.
type storedMsg struct {
	id        int
	byUser    bool  // sent by a user (SendText), not by the bot
	sender    int64 // that user
	sent      time.Time
	editDate  int64
	edits     int
	deleted   bool
	parseMode string
	raw       string // the text (or caption) parameter as sent
	text      string // what the user sees
	ents      []entity
	kb        [][]kbButton
	photo     *photoInfo
	doc       *docInfo
	fwd       *forwardInfo
}

// Message is a message the bot sent, in its current state.
type Message struct {
	ChatID    int64
	MessageID int
	Text      string // as the user sees it: markup removed, character references decoded; a photo's caption
	HTML      string // the raw text (or caption) parameter
	ParseMode string
	Buttons   [][]Button // the inline keyboard, nil if none
	Photo     bool
	Document  string // the file name of a document (sendDocument), "" for other messages
	Sent      time.Time
	Edits     int // successful edits of text, caption or keyboard
}

// chat returns the chat with that id, creating it as an unseen chat looks.
func (s *Server) chat(id int64) *chatState {
	if cs := s.existingChat(id); cs != nil {
		return cs
	}
	info := s.defaultChatInfo(id)
	s.chatsMu.Lock()
	cs := s.chats[id]
	if cs == nil {
		cs = &chatState{id: id, info: info}
		s.chats[id] = cs
	}
	s.chatsMu.Unlock()
	return cs
}

// existingChat returns the chat with that id, nil if nothing happened in it yet.
func (s *Server) existingChat(id int64) *chatState {
	s.chatsMu.RLock()
	cs := s.chats[id]
	s.chatsMu.RUnlock()
	return cs
}

// actIn notes a chat and a user as a test acting as that user describes them.
func (s *Server) actIn(chat Chat, from User) *chatState {
	s.rememberUser(from)
	cs := s.chat(chat.ID)
	cs.mu.Lock()
	if chat.Type != "" && chat.Type != cs.info.typ {
		cs.info.typ = chat.Type
		if chat.Type != "private" && cs.info.title == "" {
			cs.info.title = placeholderTitle(chat.Type, chat.ID)
		}
	}
	if cs.info.typ == "private" && chat.ID == from.ID {
		cs.info.firstName, cs.info.lastName, cs.info.username = from.FirstName, from.LastName, from.Username
	}
	if chat.Title != "" {
		cs.info.title = chat.Title
	}
	cs.mu.Unlock()
	return cs
}

// ResolveUsername returns the id that chat_id "@username" stands for: a chat seen with
// that username in an injected update, else a channel created for it. Tests use it to
// find the messages a bot posted to a public channel by name.
func (s *Server) ResolveUsername(username string) int64 {
	name := strings.TrimPrefix(username, "@")
	key := strings.ToLower(name)
	s.chatsMu.Lock()
	defer s.chatsMu.Unlock()
	if id, ok := s.usernames[key]; ok {
		return id
	}
	s.nextChannelID--
	id := s.nextChannelID
	s.usernames[key] = id
	if s.chats[id] == nil {
		s.chats[id] = &chatState{id: id, info: chatInfo{typ: "channel", title: name, username: name}}
	}
	return id
}

// find returns the message with that id, nil if there is none; cs.mu must be held.
func (cs *chatState) find(id int64) *storedMsg {
	if id < 1 || id > int64(len(cs.msgs)) {
		return nil
	}
	return cs.msgs[id-1]
}

// add appends a message, numbering it; cs.mu must be held.
func (cs *chatState) add(m *storedMsg) {
	m.id = len(cs.msgs) + 1
	cs.msgs = append(cs.msgs, m)
	if !m.byUser {
		cs.botCount++
	}
}

// public is the exported view of one of the bot's messages.
func (m *storedMsg) public(chatID int64) Message {
	return Message{
		ChatID: chatID, MessageID: m.id, Text: m.text, HTML: m.raw, ParseMode: m.parseMode,
		Buttons: publicButtons(m.kb), Photo: m.photo != nil, Sent: m.sent, Edits: m.edits,
		Document: m.doc.name(),
	}
}

// Messages returns the messages the bot sent to the chat and has not deleted, oldest
// first, in their current state.
func (s *Server) Messages(chatID int64) []Message {
	cs := s.existingChat(chatID)
	if cs == nil {
		return nil
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	out := make([]Message, 0, cs.botCount)
	for _, m := range cs.msgs {
		if m != nil && !m.byUser && !m.deleted {
			out = append(out, m.public(chatID))
		}
	}
	return out
}

// LastMessage returns the newest message the bot has in the chat.
func (s *Server) LastMessage(chatID int64) (Message, bool) {
	cs := s.existingChat(chatID)
	if cs == nil {
		return Message{}, false
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	for i := len(cs.msgs) - 1; i >= 0; i-- {
		if m := cs.msgs[i]; m != nil && !m.byUser && !m.deleted {
			return m.public(chatID), true
		}
	}
	return Message{}, false
}

// messageCount is len(Messages(chatID)) without building them.
func (s *Server) messageCount(chatID int64) int {
	cs := s.existingChat(chatID)
	if cs == nil {
		return 0
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.botCount
}

// appendMessage appends m as a Bot API Message object; cs.mu must be held.
func (s *Server) appendMessage(b []byte, cs *chatState, m *storedMsg) []byte {
	b = append(b, `{"message_id":`...)
	b = appendInt(b, int64(m.id))
	b = append(b, `,"from":`...)
	if m.byUser {
		b = appendUser(b, s.lookupUser(m.sender))
	} else {
		b = append(b, s.botShort...)
	}
	b = append(b, `,"chat":`...)
	b = appendChat(b, cs.id, &cs.info)
	b = append(b, `,"date":`...)
	b = appendInt(b, m.sent.Unix())
	if m.editDate != 0 {
		b = append(b, `,"edit_date":`...)
		b = appendInt(b, m.editDate)
	}
	if m.fwd != nil {
		b = m.fwd.appendTo(b, s)
	}
	if m.doc != nil {
		b = append(b, `,"document":`...)
		b = m.doc.appendTo(b)
	}
	if m.photo != nil || m.doc != nil {
		if m.photo != nil {
			b = append(b, `,"photo":`...)
			b = m.photo.appendSizes(b)
		}
		if m.text != "" {
			b = append(b, `,"caption":`...)
			b = appendString(b, m.text)
			b = appendEntities(b, "caption_entities", m.ents)
		}
	} else {
		b = append(b, `,"text":`...)
		b = appendString(b, m.text)
		b = appendEntities(b, "entities", m.ents)
	}
	if m.kb != nil {
		b = append(b, `,"reply_markup":`...)
		b = appendKeyboard(b, m.kb)
	}
	return append(b, '}')
}

// postMessage stores a new message of the bot and renders it.
func (s *Server) postMessage(chatID int64, m *storedMsg) []byte {
	cs := s.chat(chatID)
	cs.mu.Lock()
	defer cs.mu.Unlock()
	cs.add(m)
	return s.appendMessage(make([]byte, 0, 320+2*len(m.text)), cs, m)
}
