package bot

import (
	"fmt"
	"html"
	"regexp"
	"strings"
	"time"

	"github.com/loaphuong/loaphuong/store"
)

// The Vietnamese texts officials see. As in texts.go, everything
// user-supplied that goes into them passes through esc.

const (
	txtOfficialsOnly = "⛔ Lệnh này chỉ dành cho cán bộ phường, khu phố. " +
		"Nếu bạn là cán bộ, hãy xin link mời từ cán bộ phụ trách khu vực của bạn hoặc từ quản trị viên."
	txtButtonOfficialsOnly = "⛔ Nút này chỉ dành cho cán bộ phường, khu phố. Thao tác đã bị từ chối và được ghi lại."
	txtNoRight             = "⛔ Bạn không có quyền với khu vực này. Thao tác đã bị từ chối và được ghi lại."
	txtNoRightRole         = "⛔ Bạn không có quyền thu hồi quyền của cán bộ này. Thao tác đã bị từ chối và được ghi lại."
	txtNotYourOwn          = "Bạn không thể tự thu hồi quyền của chính mình."
	txtNoScope             = "Bạn chưa phụ trách khu vực nào còn trong danh sách. Hãy liên hệ quản trị viên."
	txtNoAreasYet          = "Chưa có khu vực nào trong danh sách. Quản trị viên nạp danh sách bằng lệnh <code>loaphuong areas import</code>."
	txtDraftGone           = "Bản nháp này không còn. Gõ /broadcast để soạn thông báo mới."

	txtHelpOfficial = "\n\n<b>Dành cho cán bộ</b> (dùng trong tin nhắn riêng với bot):\n" +
		"/broadcast: soạn và gửi thông báo đến cư dân trong khu vực bạn phụ trách\n" +
		"/history: xem các thông báo đã gửi, số nơi đã nhận, hủy thông báo chưa gửi xong\n" +
		"/campaigns: phong trào, cuộc vận động: tạo lịch nhắc (mỗi sáng Chủ nhật, mùng 1 và rằm, ...), bật từ danh mục, tạm dừng, kết thúc\n" +
		"/invite: tạo link mời cán bộ cho khu vực bạn phụ trách\n" +
		"/officials: xem danh sách cán bộ, thu hồi quyền\n" +
		"/stats: thống kê người nhận tin, tăng giảm trong 7 và 30 ngày, kết quả gửi các thông báo gần đây\n" +
		"/poster: tạo áp phích có mã QR để dán ở khu phố: cư dân quét mã là đăng ký nhận tin\n" +

		"/sources: nguồn tin tự động (RSS, trang tin của phường): thêm, tạm dừng, xóa\n" +
		"/cancel: hủy thông báo, phong trào hoặc nguồn tin đang soạn dở"

	txtBcNeedText = "✍️ Thông báo cần có nội dung. Hãy gửi một tin nhắn chữ, hoặc một ảnh kèm chú thích " +
		"(gõ /cancel để hủy)."
	txtBcUseButtons = "Bạn đang soạn thông báo: hãy bấm chọn ở tin nhắn phía trên, hoặc gõ /cancel để hủy."
	txtBcCancelled  = "❌ Đã hủy bản nháp thông báo. Gõ /broadcast khi muốn soạn lại."
	txtBcNoDraft    = "Bạn không có thông báo nào đang soạn dở."
	txtBcPhotoBad   = "Không gửi lại được ảnh này. Bạn hãy gửi ảnh khác, hoặc gửi nội dung bằng chữ."
	txtBcTimePassed = "Giờ hẹn đã qua. Hãy bấm “🕒 Đổi giờ” để chọn giờ khác, hoặc “⚡ Gửi ngay”."
	txtBcAreaGone   = "Khu vực này không còn trong danh sách (có thể đã được sáp nhập). Gõ /broadcast để chọn lại."

	txtRetiredText     = "✍️ Đã nhận nội dung. Bản xem trước ở bên dưới."
	txtRetiredReplaced = "✍️ Đã nhận nội dung mới. Bản xem trước mới ở bên dưới."
	txtRetiredUrgent   = "🔁 Đã đổi mức độ khẩn. Bản xem trước mới ở bên dưới."
	txtRetiredDraft    = "Bản nháp này đã được thay bằng bản nháp mới bên dưới."

	txtInvitePrivate  = "Link mời chỉ dùng được trong tin nhắn riêng với Loa Phường."
	txtInviteUnknown  = "Link mời này không đúng, có thể đã bị gõ sai hoặc cắt mất một phần. Bạn hãy xin cán bộ đã mời bạn gửi lại link."
	txtInviteUnusable = "Link mời này không còn dùng được: mỗi link chỉ dùng được một lần và chỉ có hạn 7 ngày. " +
		"Bạn hãy xin cán bộ đã mời bạn tạo link mới."
	txtNoOfficials = "Chưa có cán bộ nào trong khu vực bạn phụ trách. Gõ /invite để mời."
	txtNoHistory   = "Bạn chưa gửi thông báo nào. Gõ /broadcast để soạn thông báo đầu tiên."

	txtToastUrgentOn    = "Đã đánh dấu khẩn"
	txtToastUrgentOff   = "Đã bỏ đánh dấu khẩn"
	txtToastNow         = "Sẽ gửi ngay khi bạn bấm Gửi"
	txtToastQueued      = "Đã đưa vào hàng gửi"
	txtToastScheduled   = "Đã hẹn giờ gửi"
	txtToastCancelled   = "Đã hủy"
	txtToastInvite      = "Đã tạo link mời"
	txtToastRevoked     = "Đã thu hồi quyền"
	txtToastNoSuchRole  = "Người này không còn quyền đó"
	txtToastFinished    = "Thông báo này đã gửi xong hoặc đã bị hủy"
	txtToastBroadcastNA = "Không tìm thấy thông báo này"

	btnBcUrgentOff = "⬜ 🚨 Khẩn"
	btnBcUrgentOn  = "✅ 🚨 Khẩn"
	btnBcNow       = "⚡ Gửi ngay"
	btnBcLater     = "🕒 Hẹn giờ"
	btnBcRelater   = "🕒 Đổi giờ"
	btnBcSend      = "✅ Gửi"
	btnBcCancel    = "❌ Hủy"
	btnBcAll       = "📣 Gửi cho cả %s"
	btnBcOtherArea = "« Chọn khu vực khác"
	btnBcTopicBack = "« Đổi chủ đề"
	btnInviteAll   = "🔗 Mời cán bộ phụ trách %s"
	btnInviteAdmin = "👑 Mời quản trị viên (toàn quyền)"
	btnRevoke      = "🗑 Thu hồi: %s"
	btnCancelBc    = "🛑 Hủy #%d"
	btnRefresh     = "🔄 Cập nhật"
)

// maxDraftRunes bounds an announcement's text: four messages' worth is
// already more than residents read.
const maxDraftRunes = 4 * maxText

// topicName is the Vietnamese name of one topic.
func topicName(t store.Topic) string {
	for _, tn := range topicNames {
		if tn.topic == t {
			return tn.name
		}
	}
	return "?"
}

// topicIcons go before the topic names on the buttons, as in Announcement.
var topicIcons = map[store.Topic]string{
	store.TopicAnnouncements: "📢 ", store.TopicReminders: "⏰ ", store.TopicNews: "📰 ",
}

func txtPrivateOnly(cmd string) string {
	return fmt.Sprintf("Lệnh /%s chỉ dùng được trong tin nhắn riêng với Loa Phường. "+
		"Bạn hãy mở tin nhắn riêng với bot rồi gõ lại.", esc(cmd))
}

func txtBcUnknownArea(code string) string {
	return fmt.Sprintf("Không tìm thấy khu vực có mã <code>%s</code>. "+
		"Gõ /broadcast (không kèm mã) để chọn khu vực từ danh sách.", esc(code))
}

func txtBcTooLong(n int) string {
	return fmt.Sprintf("Nội dung dài %d ký tự, quá mức tối đa %d ký tự. Bạn hãy rút gọn rồi gửi lại.", n, maxDraftRunes)
}

// txtBcChooseArea is step 1 of /broadcast; label is the area being shown.
func txtBcChooseArea(label string) string {
	s := "📣 <b>Soạn thông báo</b> · bước 1/3\nChọn khu vực sẽ nhận thông báo."
	if label != "" {
		s += fmt.Sprintf("\nĐang xem: <b>%s</b>", esc(label))
	}
	return s
}

func txtBcChooseTopic(label string) string {
	return fmt.Sprintf("📣 <b>Soạn thông báo</b> · bước 2/3\nKhu vực: <b>%s</b>\n\nChọn chủ đề của thông báo:", esc(label))
}

func txtBcWriteText(label string, topic store.Topic) string {
	return fmt.Sprintf("📣 <b>Soạn thông báo</b> · bước 3/3\nKhu vực: <b>%s</b>\nChủ đề: %s\n\n"+
		"✍️ Bây giờ bạn hãy gửi nội dung thông báo: một tin nhắn chữ, hoặc một ảnh kèm chú thích. "+
		"Bạn sẽ được xem trước đúng như cư dân sẽ nhận, rồi mới bấm gửi.", esc(label), topicName(topic))
}

// txtBcControl is the message under the preview: what will happen on ✅ Gửi.
func txtBcControl(label string, d store.Draft, audience, messages int) string {
	var b strings.Builder
	b.WriteString("👆 Trên đây là bản xem trước, đúng như cư dân sẽ nhận.\n\n")
	fmt.Fprintf(&b, "Khu vực: <b>%s</b>\nChủ đề: %s\n", esc(label), topicName(d.Topic))
	fmt.Fprintf(&b, "Sẽ gửi đến <b>%d</b> nơi nhận.\n", audience)
	if d.SendAt.IsZero() {
		b.WriteString("Thời gian: gửi ngay khi bạn bấm Gửi.\n")
	} else {
		fmt.Fprintf(&b, "Thời gian: hẹn gửi lúc <b>%s</b>.\n", formatWhen(d.SendAt))
	}
	if d.Urgent {
		b.WriteString("Mức độ: 🚨 <b>khẩn</b>, được ưu tiên gửi trước mọi tin khác.\n")
	} else {
		b.WriteString("Mức độ: thường.\n")
	}
	if audience == 0 {
		b.WriteString("\n⚠️ Hiện chưa có ai đăng ký nhận chủ đề này ở khu vực này.\n")
	}
	if messages > 1 {
		fmt.Fprintf(&b, "\nNội dung dài nên sẽ được gửi thành %d tin nhắn liên tiếp.\n", messages)
	}
	b.WriteString("\nMuốn sửa nội dung, bạn chỉ cần gửi lại tin nhắn mới. Bấm ✅ Gửi để gửi, ❌ Hủy để bỏ.")
	return b.String()
}

const txtBcAskTime = "🕒 <b>Hẹn giờ gửi</b>\nGõ thời điểm muốn gửi (giờ Việt Nam), ví dụ:\n" +
	"• <code>20:00</code>: hôm nay, hoặc ngày mai nếu đã qua giờ đó\n" +
	"• <code>7:00 ngày mai</code> hoặc <code>7h sáng mai</code>\n" +
	"• <code>20:00 15/4</code>\n" +
	"• <code>15/4/2027 8:00</code>"

// txtWhenError explains why a typed time was not taken.
func txtWhenError(err error, now time.Time) string {
	switch err {
	case errWhenNoClock:
		return "Bạn hãy ghi cả giờ gửi, ví dụ <code>8:00 15/4</code> hoặc <code>7h ngày mai</code>."
	case errWhenBadDate:
		return "Ngày này không có trên lịch. Bạn kiểm tra lại ngày, tháng rồi gõ lại nhé."
	case errWhenPast:
		return fmt.Sprintf("Thời điểm này đã qua (bây giờ là %s). Bạn hãy chọn một thời điểm sắp tới.", formatWhen(now))
	case errWhenTooFar:
		return "Chỉ hẹn giờ được trong vòng hai năm tới. Bạn kiểm tra lại năm nhé."
	}
	return "Loa Phường chưa hiểu thời điểm này. Bạn gõ theo mẫu <code>20:00</code>, <code>7:00 ngày mai</code>, " +
		"<code>20:00 15/4</code> hoặc <code>15/4/2027 8:00</code>, hoặc gõ /cancel để hủy."
}

func txtBcQueued(id int64, label string, n int) string {
	return fmt.Sprintf("✅ <b>Đã nhận thông báo #%d</b> gửi đến <b>%s</b>: %d nơi nhận.\n"+
		"Loa Phường đang gửi; tiến độ và báo cáo sẽ hiện ngay bên dưới. Gõ /history để xem lại.", id, esc(label), n)
}

func txtBcScheduled(id int64, label string, n int, at time.Time) string {
	return fmt.Sprintf("🕒 <b>Đã hẹn giờ thông báo #%d</b> gửi đến <b>%s</b> lúc <b>%s</b>: %d nơi nhận.\n"+
		"Trước giờ gửi, bạn có thể hủy bằng /history.", id, esc(label), formatWhen(at), n)
}

// txtInviteChoose is the area chooser of /invite.
func txtInviteChoose(label string) string {
	s := "🔗 <b>Mời cán bộ</b>\nChọn khu vực mà người được mời sẽ phụ trách: họ sẽ gửi được thông báo " +
		"cho khu vực đó và mọi khu vực bên trong."
	if label != "" {
		s += fmt.Sprintf("\nĐang xem: <b>%s</b>", esc(label))
	}
	return s
}

// scopeLabel names the area of a role; 0 is the whole tree.
func scopeLabel(label string) string {
	if label == "" {
		return "toàn hệ thống (quản trị viên)"
	}
	return label
}

func txtInviteLink(label, link string, expires time.Time) string {
	return fmt.Sprintf("🔗 Link mời cán bộ phụ trách <b>%s</b>:\n\n%s\n\n"+
		"Bạn hãy gửi link này cho người được mời. Link chỉ dùng được <b>một lần</b> và có hạn <b>7 ngày</b> "+
		"(đến %s). Ai mở link trước sẽ nhận quyền, nên đừng đăng link ở nơi công khai.",
		esc(scopeLabel(label)), esc(link), formatWhen(expires))
}

func txtInviteWelcome(name, label string) string {
	return fmt.Sprintf("🎉 Chào %s! Bạn đã trở thành cán bộ phụ trách <b>%s</b> trên Loa Phường.\n\n"+
		"/broadcast: soạn thông báo (chữ hoặc ảnh kèm chú thích), xem trước đúng như cư dân sẽ nhận, "+
		"chọn gửi ngay hoặc hẹn giờ, rồi mới gửi\n"+
		"/history: xem các thông báo đã gửi, số nơi đã nhận, và hủy thông báo chưa gửi xong\n"+
		"/invite: mời thêm cán bộ cho khu vực bạn phụ trách\n"+
		"/officials: xem danh sách cán bộ\n"+
		"/help: xem toàn bộ hướng dẫn",
		esc(name), esc(scopeLabel(label)))
}

func txtInviteUsed(name string, userID int64, label string) string {
	return fmt.Sprintf("✅ %s (id %d) đã dùng link mời của bạn và trở thành cán bộ phụ trách <b>%s</b>.",
		esc(name), userID, esc(scopeLabel(label)))
}

func txtRoleRevoked(label string) string {
	return fmt.Sprintf("Quyền cán bộ phụ trách <b>%s</b> của bạn trên Loa Phường đã được thu hồi.", esc(scopeLabel(label)))
}

// officialLine is one official in the /officials list.
type officialLine struct {
	role  store.Role
	label string
}

func txtOfficials(lines []officialLine, page, pages int, configAdmins []int64, revocable bool) string {
	var b strings.Builder
	b.WriteString("👥 <b>Cán bộ trong khu vực bạn phụ trách</b>\n")
	for _, l := range lines {
		name := l.role.Name
		if name == "" {
			name = "Không tên"
		}
		fmt.Fprintf(&b, "\n• <b>%s</b> (id %d): %s, từ %s", esc(name), l.role.UserID,
			esc(scopeLabel(l.label)), l.role.CreatedAt.In(vietnam).Format("2/1/2006"))
	}
	if len(configAdmins) > 0 {
		ids := make([]string, len(configAdmins))
		for i, id := range configAdmins {
			ids[i] = fmt.Sprint(id)
		}
		fmt.Fprintf(&b, "\n\nQuản trị viên theo cấu hình máy chủ: %s.", strings.Join(ids, ", "))
	}
	if pages > 1 {
		b.WriteString("\n" + pageNote(page, pages))
	}
	if revocable {
		b.WriteString("\n\nBấm nút bên dưới để thu hồi quyền của cán bộ thuộc cấp dưới bạn.")
	}
	return b.String()
}

func txtToastBcCancelled(id int64, n int) string {
	return fmt.Sprintf("Đã hủy thông báo #%d: %d nơi chưa nhận sẽ không nhận nữa", id, n)
}

// txtHistory lists an official's latest broadcasts.
func txtHistory(bs []store.Broadcast, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "🗂 <b>%d thông báo gần đây của bạn</b>\n", len(bs))
	for _, bc := range bs {
		fmt.Fprintf(&b, "\n<b>#%d</b> · %s · %s\n", bc.ID, esc(bc.AreaName), topicName(bc.Topic))
		fmt.Fprintf(&b, "%s · %s\n", formatWhen(bc.SendAt), broadcastStatus(bc, now))
		b.WriteString(txtCounts(bc.Counts) + "\n")
		photo := ""
		if bc.Photo != "" {
			photo = "🖼 "
		}
		if ex := excerpt(bc.Text, 80); ex != "" || photo != "" {
			fmt.Fprintf(&b, "%s<i>%s</i>\n", photo, esc(ex))
		}
	}
	return strings.TrimRight(b.String(), "\n")
}

// broadcastStatus says where a broadcast is, in words.
func broadcastStatus(bc store.Broadcast, now time.Time) string {
	switch {
	case bc.Status == store.BroadcastCancelled:
		return "❌ đã hủy"
	case bc.Status == store.BroadcastDone:
		return "✅ đã gửi xong"
	case bc.SendAt.After(now):
		return "🕒 đang chờ đến giờ gửi"
	}
	return "📤 đang gửi"
}

var htmlTag = regexp.MustCompile(`<[^>]*>`)

// excerpt is the start of a broadcast's text as plain text, without its
// heading line, to tell broadcasts apart in a list.
func excerpt(text string, n int) string {
	if _, body, ok := strings.Cut(text, "\n\n"); ok {
		text = body
	}
	text = html.UnescapeString(htmlTag.ReplaceAllString(text, ""))
	return truncate(strings.Join(strings.Fields(text), " "), n)
}
