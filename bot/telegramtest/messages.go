package telegramtest

import (
	"net/http"
	"time"
)

// sendMessage posts a text message.
func (s *Server) sendMessage(c *call) answer {
	text, ents, kb, desc := textParams(c)
	if desc != "" {
		return failure(http.StatusBadRequest, desc)
	}
	m := &storedMsg{sent: time.Now(), parseMode: internParseMode(c.p.Get("parse_mode")), raw: c.p.Get("text"), text: text, ents: ents, kb: kb}
	if m.raw == m.text {
		m.raw = m.text // one string, not two
	}
	return okResult(s.postMessage(c.chatID, m))
}

// textParams reads and checks the text, parse mode and keyboard of a send
// or an edit; desc is the error description when they are not acceptable.
func textParams(c *call) (text string, ents []entity, kb [][]kbButton, desc string) {
	text, ents, desc = formatText(c.p.Get("text"), c.p.Get("parse_mode"))
	switch {
	case desc != "":
		return "", nil, nil, desc
	case text == "":
		return "", nil, nil, descTextEmpty
	case utf16Len(text) > maxTextUnits:
		return "", nil, nil, descTooLong
	}
	kb, desc = parseKeyboard(c.p.Get("reply_markup"))
	return text, ents, kb, desc
}

// editable finds the bot's message an edit names, or the answer explaining why not.
// On success cs.mu is held and the caller must unlock it.
func (s *Server) editable(c *call, notFound string) (*chatState, *storedMsg, answer, bool) {
	if !c.hasChat {
		return nil, nil, failure(http.StatusBadRequest, notFound), false // inline messages are not kept
	}
	if c.p.Get("message_id") == "" {
		return nil, nil, failure(http.StatusBadRequest, descMessageIDMissing), false
	}
	id, _ := c.int64Param("message_id")
	cs := s.existingChat(c.chatID)
	if cs == nil {
		return nil, nil, failure(http.StatusBadRequest, notFound), false
	}
	cs.mu.Lock()
	m := cs.find(id)
	switch {
	case m == nil || m.deleted:
		cs.mu.Unlock()
		return nil, nil, failure(http.StatusBadRequest, notFound), false
	case m.byUser && notFound == descEditNotFound:
		cs.mu.Unlock()
		return nil, nil, failure(http.StatusBadRequest, descCantEdit), false
	}
	return cs, m, answer{}, true
}

// editMessageText replaces a text message's text and keyboard; like Telegram, an edit
// without reply_markup removes the keyboard.
func (s *Server) editMessageText(c *call) answer {
	text, ents, kb, desc := textParams(c)
	if desc != "" {
		return failure(http.StatusBadRequest, desc)
	}
	cs, m, a, ok := s.editable(c, descEditNotFound)
	if !ok {
		return a
	}
	defer cs.mu.Unlock()
	if m.photo != nil || m.doc != nil {
		return failure(http.StatusBadRequest, descNoTextToEdit)
	}
	if m.text == text && sameEntities(m.ents, ents) && sameKeyboard(m.kb, kb) {
		return failure(http.StatusBadRequest, descNotModified)
	}
	m.raw, m.text, m.ents, m.parseMode, m.kb = c.p.Get("text"), text, ents, internParseMode(c.p.Get("parse_mode")), kb
	m.edits++
	m.editDate = time.Now().Unix()
	return okResult(s.appendMessage(nil, cs, m))
}

// editMessageCaption replaces a photo's caption and keyboard.
func (s *Server) editMessageCaption(c *call) answer {
	text, ents, desc := readCaption(c)
	if desc != "" {
		return failure(http.StatusBadRequest, desc)
	}
	kb, desc := parseKeyboard(c.p.Get("reply_markup"))
	if desc != "" {
		return failure(http.StatusBadRequest, desc)
	}
	cs, m, a, ok := s.editable(c, descEditNotFound)
	if !ok {
		return a
	}
	defer cs.mu.Unlock()
	if m.photo == nil {
		return failure(http.StatusBadRequest, descNoCaptionToEdit)
	}
	if m.text == text && sameEntities(m.ents, ents) && sameKeyboard(m.kb, kb) {
		return failure(http.StatusBadRequest, descNotModified)
	}
	m.raw, m.text, m.ents, m.parseMode, m.kb = c.p.Get("caption"), text, ents, internParseMode(c.p.Get("parse_mode")), kb
	m.edits++
	m.editDate = time.Now().Unix()
	return okResult(s.appendMessage(nil, cs, m))
}

// editMessageReplyMarkup replaces a message's inline keyboard (none removes it).
func (s *Server) editMessageReplyMarkup(c *call) answer {
	kb, desc := parseKeyboard(c.p.Get("reply_markup"))
	if desc != "" {
		return failure(http.StatusBadRequest, desc)
	}
	cs, m, a, ok := s.editable(c, descEditNotFound)
	if !ok {
		return a
	}
	defer cs.mu.Unlock()
	if sameKeyboard(m.kb, kb) {
		return failure(http.StatusBadRequest, descNotModified)
	}
	m.kb = kb
	m.edits++
	return okResult(s.appendMessage(nil, cs, m))
}

// deleteMessage deletes a message; it disappears from Messages.
func (s *Server) deleteMessage(c *call) answer {
	cs, m, a, ok := s.editable(c, descDeleteNotFound)
	if !ok {
		return a
	}
	defer cs.mu.Unlock()
	m.deleted = true
	if !m.byUser {
		cs.botCount--
	}
	// Nothing shows a deleted message again: let its content go.
	m.raw, m.text, m.ents, m.kb, m.photo, m.fwd = "", "", nil, nil, nil, nil
	return answerTrue
}

// sendChatAction accepts the actions Telegram knows.
func (s *Server) sendChatAction(c *call) answer {
	switch c.p.Get("action") {
	case "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
		"upload_document", "choose_sticker", "find_location", "record_video_note", "upload_video_note":
		return answerTrue
	}
	return failure(http.StatusBadRequest, descBadAction)
}
