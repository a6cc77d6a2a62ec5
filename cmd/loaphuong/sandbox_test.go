package main_test

import (
	"context"
	"strings"
	"testing"
)

// TestSandboxSession drives the sandbox from standard input: a resident
// subscribes by a poster's deep link, an official broadcasts to her khu
// phố with the buttons, and the resident sees the announcement.
func TestSandboxSession(t *testing.T) {
	script := strings.Join([]string{
		"/start pth-kp1",
		"9", // no such button
		"/as official",
		"/broadcast pth-kp1",
		"1", // 📢 Thông báo
		"Tối nay 19:30 họp tổ dân phố tại nhà văn hóa <Khu phố 1> & mang theo ghế.",
		"3", // ✅ Gửi
		"/as resident",
		"/mine",
	}, "\n") + "\n"
	m, out, errb := newMain(nil)
	m.Stdin = strings.NewReader(script)
	if err := m.Run(context.Background(), []string{"sandbox"}); err != nil {
		t.Fatalf("sandbox: %v\n%s", err, errb.String())
	}
	got := out.String()
	t.Logf("\n%s", got)

	const announcement = "Tối nay 19:30 họp tổ dân phố tại nhà văn hóa <Khu phố 1> & mang theo ghế."
	steps := []string{
		"› Lan (cư dân): /start pth-kp1",
		"── Loa Phường → Lan (cư dân)",
		"✅ Bạn đã đăng ký nhận tin của Khu phố 1 · Phường Phú Thọ Hòa.",
		"[1] ↩️ Hoàn tác",
		"(no button 9",
		"(you are now Tuấn (cán bộ phường Phú Thọ Hòa))",
		"[1] 📢 Thông báo",
		"bước 3/3",
		"👆 Trên đây là bản xem trước",
		"[3] ✅ Gửi",
		"› Tuấn (cán bộ phường Phú Thọ Hòa): 3",
		"💬 Đã đưa vào hàng gửi",
		"── Loa Phường → Lan (cư dân)",
		"📢 THÔNG BÁO · Khu phố 1 · Phường Phú Thọ Hòa\n\n" + announcement,
		"📋 Báo cáo thông báo #1",
		"✅ Đã gửi: 1",
		"› Lan (cư dân): /mine",
		"Bạn đang nhận tin của 1 khu vực",
		"(sandbox closed)",
	}
	rest := got
	for _, s := range steps {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Fatalf("%q missing, or out of order, after:\n%s", s, got[:len(got)-len(rest)])
		}
		rest = rest[i+len(s):]
	}
	if strings.Contains(got, "<b>") || strings.Contains(got, "&lt;") {
		t.Error("HTML shown in the transcript")
	}
	if errb.String() != "" {
		t.Errorf("stderr:\n%s", errb.String())
	}
}
