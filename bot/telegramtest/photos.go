package telegramtest

import (
	"encoding/base64"
	"encoding/binary"
	"image"
	_ "image/gif" // decoders, so an uploaded photo reports its real size
	_ "image/jpeg"
	_ "image/png"
	"net/http"
	"strings"
	"time"
)

// photoInfo is a stored photo; the same file_id sent again reuses it, as on Telegram.
type photoInfo struct {
	fileID, uniqueID string
	width, height    int // of the largest size
	size             int64
}

// Telegram keeps photos at most this many pixels on their longer side, and makes a
// thumbnail this small.
const (
	maxPhotoSide   = 1280
	thumbPhotoSide = 90
)

// readCaption reads the caption parameter as Telegram does, with the reason it
// is refused ("" when it is fine): bad markup, or longer than a caption may be.
func readCaption(c *call) (string, []entity, string) {
	text, ents, desc := formatText(c.p.Get("caption"), c.p.Get("parse_mode"))
	if desc == "" && utf16Len(text) > maxCaptionUnits {
		desc = descCaptionTooLong
	}
	return text, ents, desc
}

// sendPhoto posts a photo: an uploaded file, an HTTP URL, or a file_id seen before.
func (s *Server) sendPhoto(c *call) answer {
	caption, ents, desc := readCaption(c)
	if desc != "" {
		return failure(http.StatusBadRequest, desc)
	}
	kb, desc := parseKeyboard(c.p.Get("reply_markup"))
	if desc != "" {
		return failure(http.StatusBadRequest, desc)
	}
	var info *photoInfo
	if fhs := c.files["photo"]; len(fhs) > 0 {
		fh := fhs[0]
		if fh.Size == 0 {
			return failure(http.StatusBadRequest, descEmptyFile)
		}
		w, h := 1280, 720 // not an image the standard library decodes: a plausible size
		if f, err := fh.Open(); err == nil {
			if cfg, _, err := image.DecodeConfig(f); err == nil && cfg.Width > 0 && cfg.Height > 0 {
				w, h = cfg.Width, cfg.Height
			}
			_ = f.Close()
		}
		info = s.newPhoto(w, h, fh.Size)
	} else if v := c.p.Get("photo"); v != "" {
		if strings.HasPrefix(v, "http://") || strings.HasPrefix(v, "https://") {
			info = s.newPhoto(800, 600, 0)
		} else if info = s.lookupFile(v); info == nil {
			return failure(http.StatusBadRequest, descBadFileID)
		}
	} else {
		return failure(http.StatusBadRequest, descNoPhoto)
	}
	m := &storedMsg{sent: time.Now(), parseMode: internParseMode(c.p.Get("parse_mode")), raw: c.p.Get("caption"), text: caption, ents: ents, kb: kb, photo: info}
	return okResult(s.postMessage(c.chatID, m))
}

// newPhoto stores a photo of that size under fresh file ids.
func (s *Server) newPhoto(w, h int, size int64) *photoInfo {
	if longer := max(w, h); longer > maxPhotoSide {
		w, h = w*maxPhotoSide/longer, h*maxPhotoSide/longer
	}
	if size == 0 {
		size = int64(w*h) / 8 // roughly what a JPEG of that size weighs
	}
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	s.fileSeq++
	var raw [16]byte
	binary.BigEndian.PutUint64(raw[:8], uint64(s.opts.BotID))
	binary.BigEndian.PutUint64(raw[8:], uint64(s.fileSeq))
	info := &photoInfo{
		fileID:   "AgACAgIAAxkDAAI" + base64.RawURLEncoding.EncodeToString(raw[:]),
		uniqueID: "AQAD" + base64.RawURLEncoding.EncodeToString(raw[8:]),
		width:    max(w, 1), height: max(h, 1), size: size,
	}
	s.files[info.fileID] = info
	s.files[info.fileID+"-t"] = info
	return info
}

// lookupFile finds a photo by any of its file ids.
func (s *Server) lookupFile(fileID string) *photoInfo {
	s.fileMu.Lock()
	defer s.fileMu.Unlock()
	return s.files[fileID]
}

// appendSizes appends the PhotoSize array: a thumbnail when the photo is larger than
// one, then the photo itself.
func (p *photoInfo) appendSizes(b []byte) []byte {
	b = append(b, '[')
	if longer := max(p.width, p.height); longer > thumbPhotoSide {
		tw, th := max(p.width*thumbPhotoSide/longer, 1), max(p.height*thumbPhotoSide/longer, 1)
		b = appendPhotoSize(b, p.fileID+"-t", p.uniqueID+"-t", int64(tw*th/8), tw, th)
		b = append(b, ',')
	}
	b = appendPhotoSize(b, p.fileID, p.uniqueID, p.size, p.width, p.height)
	return append(b, ']')
}

func appendPhotoSize(b []byte, id, unique string, size int64, w, h int) []byte {
	b = append(b, `{"file_id":`...)
	b = appendString(b, id)
	b = append(b, `,"file_unique_id":`...)
	b = appendString(b, unique)
	b = append(b, `,"file_size":`...)
	b = appendInt(b, size)
	b = append(b, `,"width":`...)
	b = appendInt(b, int64(w))
	b = append(b, `,"height":`...)
	b = appendInt(b, int64(h))
	return append(b, '}')
}
