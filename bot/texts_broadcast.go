package bot

import (
	"fmt"
	"strings"

	"github.com/loaphuong/loaphuong/store"
)

// The texts an official sees about the delivery of a broadcast.

// txtCounts is one line of a broadcast's delivery counts.
func txtCounts(c store.DeliveryCounts) string {
	parts := []string{fmt.Sprintf("✅ đã gửi %d", c.Sent)}
	if c.Blocked > 0 {
		parts = append(parts, fmt.Sprintf("🚫 bị chặn %d", c.Blocked))
	}
	if c.Failed > 0 {
		parts = append(parts, fmt.Sprintf("⚠️ lỗi %d", c.Failed))
	}
	if c.Skipped > 0 {
		parts = append(parts, fmt.Sprintf("⏭ bỏ qua %d", c.Skipped))
	}
	if c.Pending > 0 {
		parts = append(parts, fmt.Sprintf("⏳ đang chờ %d", c.Pending))
	}
	return strings.Join(parts, " · ")
}

// txtProgress is the message edited while a broadcast is delivered.
func txtProgress(b store.Broadcast) string {
	c := b.Counts
	done := c.Total() - c.Pending
	pct := 100
	if c.Total() > 0 {
		pct = done * 100 / c.Total()
	}
	return fmt.Sprintf("📤 Đang gửi thông báo #%d đến <b>%s</b>: %d/%d (%d%%)\n%s",
		b.ID, esc(b.AreaName), done, c.Total(), pct, txtCounts(c))
}

// txtReport is the final report of a broadcast.
func txtReport(b store.Broadcast) string {
	c := b.Counts
	head := fmt.Sprintf("📋 <b>Báo cáo thông báo #%d</b> gửi đến <b>%s</b>", b.ID, esc(b.AreaName))
	if b.Status == store.BroadcastCancelled {
		head += " (đã hủy)"
	}
	var sb strings.Builder
	sb.WriteString(head + "\n\n")
	fmt.Fprintf(&sb, "Tổng số: %d nơi nhận\n✅ Đã gửi: %d\n🚫 Bị chặn hoặc đã rời: %d\n⚠️ Lỗi: %d", c.Total(), c.Sent, c.Blocked, c.Failed)
	if c.Skipped > 0 {
		fmt.Fprintf(&sb, "\n⏭ Bỏ qua: %d", c.Skipped)
	}
	return sb.String()
}
