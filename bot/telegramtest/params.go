package telegramtest

import (
	"context"
	"encoding/json"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
)

// fileParts are the uploaded files of a multipart request, by field name.
type fileParts map[string][]*multipart.FileHeader

// call is one request being served.
type call struct {
	ctx     context.Context
	seq     int // arrival index: the request's position in Requests
	m       *method
	p       url.Values
	files   fileParts
	chatID  int64
	hasChat bool
	chatErr string // why chat_id is unusable, answered after faults and before the method
}

// maxUpload bounds the multipart bodies kept in memory; larger files spill to disk.
const maxUpload = 32 << 20

// readParams gathers parameters every way the real server accepts them: the query
// string, a url-encoded or multipart form, or a JSON object body. Files are recorded as
// "<file:NAME size:N>" so that Requests shows what was uploaded without keeping it.
func readParams(r *http.Request) (url.Values, fileParts) {
	mediaType, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxUpload); err != nil {
			return r.URL.Query(), nil
		}
		p := r.URL.Query()
		for k, v := range r.MultipartForm.Value {
			p[k] = append(p[k], v...)
		}
		for k, fhs := range r.MultipartForm.File {
			for _, fh := range fhs {
				p.Add(k, "<file:"+fh.Filename+" size:"+strconv.FormatInt(fh.Size, 10)+">")
			}
		}
		return p, fileParts(r.MultipartForm.File)
	case "application/json":
		p := r.URL.Query()
		var obj map[string]json.RawMessage
		if json.NewDecoder(io.LimitReader(r.Body, maxUpload)).Decode(&obj) == nil {
			for k, raw := range obj {
				var str string
				if json.Unmarshal(raw, &str) == nil {
					p.Set(k, str)
				} else {
					p.Set(k, string(raw)) // numbers, booleans, objects: their JSON text
				}
			}
		}
		return p, nil
	default:
		_ = r.ParseForm()
		if r.Form == nil {
			return url.Values{}, nil
		}
		return r.Form, nil
	}
}

// resolveChat reads chat_id: a number, or @username of a public chat.
func (c *call) resolveChat(s *Server) {
	v := c.p.Get("chat_id")
	switch {
	case v == "":
		if c.p.Get("inline_message_id") == "" {
			c.chatErr = descChatIDEmpty
		}
	case v[0] == '@':
		c.chatID, c.hasChat = s.ResolveUsername(v[1:]), true
	default:
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil || id == 0 {
			c.chatErr = descChatNotFound
			return
		}
		c.chatID, c.hasChat = id, true
	}
}

// int64Param parses an integer parameter; ok is false when absent or malformed.
func (c *call) int64Param(name string) (int64, bool) {
	v := c.p.Get(name)
	if v == "" {
		return 0, false
	}
	n, err := strconv.ParseInt(v, 10, 64)
	return n, err == nil
}

// boolParam reads a boolean parameter as the real server does ("true" or a non-zero number).
func (c *call) boolParam(name string) bool {
	switch v := c.p.Get(name); v {
	case "", "false", "False", "0":
		return false
	default:
		return true
	}
}
