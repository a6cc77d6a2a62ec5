package bot_test

import (
	"fmt"
	"strings"
	"testing"
)

// TestPosterCommand: an official chooses an area of their scope and gets
// its poster as a photo and as a file; an area outside it is refused.
func TestPosterCommand(t *testing.T) {
	e, _ := startOfficials(t)
	e.grant(t, wardOff, "phu-tho-hoa")
	e.say(t, wardOff, "/poster")
	if m := e.last(t, wardOff.ID); !strings.Contains(m.Text, "Áp phích mã QR") {
		t.Fatalf("/poster: %q", m.Text)
	}
	if a := e.tap(t, wardOff, "Khu phố 1"); a.Text != "Đã tạo áp phích" {
		t.Fatalf("pressing Khu phố 1: %+v", a)
	}
	msgs := e.srv.Messages(wardOff.ID)
	photo, doc := msgs[len(msgs)-2], msgs[len(msgs)-1]
	link := "https://t.me/loaphuong_test_bot?start=kp1-phu-tho-hoa"
	if !photo.Photo || !strings.Contains(photo.Text, link) || !strings.Contains(photo.Text, "Khu phố 1 · Phường Phú Thọ Hòa") {
		t.Errorf("photo: %+v", photo)
	}
	if doc.Document != "loaphuong-kp1-phu-tho-hoa-A5.png" || !strings.Contains(doc.Text, "300 dpi") {
		t.Errorf("document: %+v", doc)
	}
	var uploaded bool
	for _, r := range e.srv.Requests() {
		if r.Method == "sendPhoto" && strings.HasPrefix(r.Params.Get("photo"), "<file:loaphuong-kp1-phu-tho-hoa-A5.png size:") {
			uploaded = true
		}
	}
	if !uploaded {
		t.Error("the photo was not uploaded")
	}

	// A button for another ward, forged: refused and audited.
	e.say(t, wardOff, "/poster")
	msgID := e.last(t, wardOff.ID).MessageID
	if a := e.forge(t, wardOff, msgID, fmt.Sprintf("pp:%d", areaOf(t, e.db, "tay-thanh"))); !a.ShowAlert || !strings.Contains(a.Text, "không có quyền") {
		t.Errorf("forged poster press: %+v", a)
	}
	if a := e.forge(t, stranger, 1, fmt.Sprintf("pp:%d", areaOf(t, e.db, "kp1-phu-tho-hoa"))); !a.ShowAlert {
		t.Errorf("a resident's poster press: %+v", a)
	}
}
