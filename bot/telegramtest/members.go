package telegramtest

import "net/http"

// SetChatMember sets what getChatMember answers for a user in a chat: "creator",
// "administrator", "member" (the default), "restricted", "left" or "kicked".
func (s *Server) SetChatMember(chatID, userID int64, status string) {
	s.memberMu.Lock()
	s.members[[2]int64{chatID, userID}] = status
	s.memberMu.Unlock()
}

// getChatMember answers a ChatMember object of the status set by SetChatMember.
func (s *Server) getChatMember(c *call) answer {
	userID, ok := c.int64Param("user_id")
	if !ok || userID <= 0 {
		return failure(http.StatusBadRequest, descBadUserID)
	}
	s.memberMu.RLock()
	status, ok := s.members[[2]int64{c.chatID, userID}]
	s.memberMu.RUnlock()
	if !ok {
		status = "member"
	}
	b := append([]byte(`{"user":`), s.appendUserByID(nil, userID)...)
	b = append(b, `,"status":`...)
	b = appendString(b, status)
	// The fields each status carries in the real ChatMember variants.
	switch status {
	case "creator":
		b = append(b, `,"is_anonymous":false`...)
	case "administrator":
		b = append(b, `,"can_be_edited":false,"is_anonymous":false,"can_manage_chat":true,"can_delete_messages":true,"can_manage_video_chats":true,"can_restrict_members":true,"can_promote_members":false,"can_change_info":true,"can_invite_users":true,"can_post_stories":false,"can_edit_stories":false,"can_delete_stories":false,"can_pin_messages":true`...)
	case "restricted":
		b = append(b, `,"is_member":true,"can_send_messages":false,"can_send_audios":false,"can_send_documents":false,"can_send_photos":false,"can_send_videos":false,"can_send_video_notes":false,"can_send_voice_notes":false,"can_send_polls":false,"can_send_other_messages":false,"can_add_web_page_previews":false,"can_change_info":false,"can_invite_users":false,"can_pin_messages":false,"can_manage_topics":false,"until_date":0`...)
	case "kicked":
		b = append(b, `,"until_date":0`...)
	}
	return okResult(append(b, '}'))
}
