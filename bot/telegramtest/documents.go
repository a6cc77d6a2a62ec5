package telegramtest

import (
	"mime"
	"net/http"
	"path/filepath"
	"strings"
	"time"
)

// docInfo is a file the bot sent as a document, kept by name and size only.
type docInfo struct {
	fileID, uniqueID string
	fileName, mime   string
	size             int64
}

// name is the document's file name; "" for a message without one.
func (d *docInfo) name() string {
	if d == nil {
		return ""
	}
	return d.fileName
}

// appendTo appends the Document object.
func (d *docInfo) appendTo(b []byte) []byte {
	b = append(b, `{"file_name":`...)
	b = appendString(b, d.fileName)
	if d.mime != "" {
		b = append(b, `,"mime_type":`...)
		b = appendString(b, d.mime)
	}
	b = append(b, `,"file_id":`...)
	b = appendString(b, d.fileID)
	b = append(b, `,"file_unique_id":`...)
	b = appendString(b, d.uniqueID)
	b = append(b, `,"file_size":`...)
	b = appendInt(b, d.size)
	return append(b, '}')
}

// sendDocument posts an uploaded file as a document, with an optional caption.
func (s *Server) sendDocument(c *call) answer {
	caption, ents, desc := readCaption(c)
	if desc != "" {
		return failure(http.StatusBadRequest, desc)
	}
	kb, desc := parseKeyboard(c.p.Get("reply_markup"))
	if desc != "" {
		return failure(http.StatusBadRequest, desc)
	}
	fhs := c.files["document"]
	if len(fhs) == 0 {
		return failure(http.StatusBadRequest, descNoDocument)
	}
	fh := fhs[0]
	if fh.Size == 0 {
		return failure(http.StatusBadRequest, descEmptyFile)
	}
	p := s.newPhoto(1, 1, fh.Size) // for its ids only
	d := &docInfo{
		fileID: strings.Replace(p.fileID, "AgAC", "BQAC", 1), uniqueID: p.uniqueID,
		fileName: fh.Filename, mime: mime.TypeByExtension(strings.ToLower(filepath.Ext(fh.Filename))), size: fh.Size,
	}
	m := &storedMsg{sent: time.Now(), parseMode: internParseMode(c.p.Get("parse_mode")), raw: c.p.Get("caption"), text: caption, ents: ents, kb: kb, doc: d}
	return okResult(s.postMessage(c.chatID, m))
}
