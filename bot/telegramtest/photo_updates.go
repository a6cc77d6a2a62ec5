package telegramtest

import (
	"fmt"
	"time"
)

// maxUserCaptionUnits is the longest caption a user can send: 1024 UTF-16 units,
// 4096 for Telegram Premium users; the fake lets tests be premium.
const maxUserCaptionUnits = 4096

// SendPhoto queues a message update in which from sends a photo, with a caption if
// caption is not empty, and returns its update_id and the file_id of the photo's largest
// size. The photo is stored like one the bot uploaded, so the bot can send it again by
// that file_id, as on Telegram. A caption longer than a user can send is an error.
func (s *Server) SendPhoto(chat Chat, from User, caption string) (id int, fileID string, err error) {
	if utf16Len(caption) > maxUserCaptionUnits {
		return 0, "", fmt.Errorf("telegramtest: SendPhoto: a caption of %d UTF-16 units; Telegram allows users at most %d", utf16Len(caption), maxUserCaptionUnits)
	}
	info := s.newPhoto(1280, 960, 0)
	cs := s.actIn(chat, from)
	m := &storedMsg{byUser: true, sender: from.ID, sent: time.Now(), raw: caption, text: caption, photo: info}
	cs.mu.Lock()
	cs.add(m)
	rest := s.appendMessage([]byte(`"message":`), cs, m)
	cs.mu.Unlock()
	id, ok := s.enqueue("message", rest)
	if !ok {
		return id, info.fileID, fmt.Errorf("telegramtest: SendPhoto: message updates are not in the bot's allowed_updates; Telegram drops them")
	}
	return id, info.fileID, nil
}
