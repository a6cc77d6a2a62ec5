package bot

import (
	"fmt"
	"strings"

	"github.com/loaphuong/loaphuong/store"
)

// The texts of /stats.

// txtGrowth is a net change in words: "+5 (6 mới, 1 ngừng)".
func txtGrowth(joined, ended int) string {
	net := joined - ended
	switch {
	case joined == 0 && ended == 0:
		return "không đổi"
	case ended == 0:
		return fmt.Sprintf("%+d", net)
	}
	return fmt.Sprintf("%+d (%d mới, %d ngừng)", net, joined, ended)
}

// txtStats is the /stats message.
func txtStats(blocks []statsBlock, bs []store.Broadcast) string {
	var b strings.Builder
	b.WriteString("📊 <b>Thống kê Loa Phường</b>\n")
	for _, blk := range blocks {
		t := blk.top
		fmt.Fprintf(&b, "\n<b>%s</b>: <b>%d</b> nơi nhận tin\n7 ngày qua: %s · 30 ngày qua: %s\n",
			esc(t.Area.Name), t.Subscribers, txtGrowth(t.Joined7, t.Ended7), txtGrowth(t.Joined30, t.Ended30))
		for _, c := range blk.children {
			fmt.Fprintf(&b, "• %s: %d · 7 ngày %s · 30 ngày %s\n", esc(c.Area.Name), c.Subscribers,
				shortGrowth(c.Joined7, c.Ended7), shortGrowth(c.Joined30, c.Ended30))
		}
		if blk.more > 0 {
			fmt.Fprintf(&b, "• … và %d khu vực khác\n", blk.more)
		}
	}
	b.WriteString("\n<i>Nơi nhận tin: người và nhóm nhận thông báo gửi đến khu vực (đăng ký khu vực đó hoặc khu vực bên trong). " +
		"Tăng giảm: số đăng ký mới trừ số đăng ký đã ngừng (hủy, /stop, chặn bot).</i>\n")
	if len(bs) == 0 {
		b.WriteString("\nChưa có thông báo nào được gửi trong khu vực bạn phụ trách.")
		return b.String()
	}
	b.WriteString("\n📤 <b>Thông báo gần đây</b>\n")
	for _, bc := range bs {
		c := bc.Counts
		fmt.Fprintf(&b, "\n<b>#%d</b> · %s · %s\n", bc.ID, esc(bc.AreaName), formatWhen(bc.SendAt))
		if share, ok := c.Success(); ok {
			fmt.Fprintf(&b, "Đến được %d/%d nơi (%.0f%%)", c.Sent, c.Sent+c.Blocked+c.Failed, share*100)
		} else {
			b.WriteString("Chưa gửi xong nơi nào")
		}
		if c.Blocked > 0 {
			fmt.Fprintf(&b, " · 🚫 %d bị chặn", c.Blocked)
		}
		if c.Failed > 0 {
			fmt.Fprintf(&b, " · ⚠️ %d lỗi", c.Failed)
		}
		if c.Pending > 0 {
			fmt.Fprintf(&b, " · ⏳ %d đang chờ", c.Pending)
		}
		b.WriteString("\n")
	}
	return strings.TrimRight(b.String(), "\n")
}

// shortGrowth is a net change as a number: "+3", "−1", "0".
func shortGrowth(joined, ended int) string {
	if net := joined - ended; net != 0 {
		return strings.Replace(fmt.Sprintf("%+d", net), "-", "−", 1)
	}
	return "0"
}
