package bot

import (
	"fmt"
	"html"
	"strings"

	"github.com/loaphuong/loaphuong/store"
)

// The Vietnamese texts residents see. Everything user-supplied that goes into
// them passes through esc: messages are sent in HTML parse mode.

const (
	txtWelcome = "👋 Chào bạn! <b>Loa Phường</b> gửi đến bạn thông báo của phường, khu phố, " +
		"lịch các phong trào và tin tức của địa phương, ngay trong Telegram.\n\n" +
		"Hãy chọn phường của bạn bên dưới, rồi chọn khu phố. " +
		"Bạn cũng có thể gõ tên phường hoặc khu phố để tìm (ví dụ: <i>Phú Thọ Hòa</i>)."
	txtChooseRoot = "Chọn khu vực bạn muốn nhận tin:"
	txtNoAreas    = "Hiện chưa có khu vực nào để đăng ký. Ban quản trị đang cập nhật danh sách, bạn vui lòng quay lại sau."
	txtHelp       = "<b>Loa Phường</b> là loa phát thanh của phường, khu phố ngay trong Telegram.\n\n" +
		"/start: chọn phường, khu phố để nhận tin\n" +
		"/mine: xem các khu vực bạn đang nhận tin, đổi chủ đề hoặc bỏ bớt\n" +
		"/events: các ngày lễ, sự kiện sắp tới và phong trào đang nhắc lịch ở khu vực của bạn\n" +
		"/stop: ngừng nhận mọi tin\n" +
		"/quiet: đặt giờ yên lặng (ban đêm không nhận nhắc lịch, tin tức; thông báo khẩn vẫn đến)\n" +
		"/forget: xóa mọi dữ liệu Loa Phường lưu về bạn\n" +
		"/help: xem hướng dẫn này\n\n" +
		"Bạn cũng có thể gõ tên phường hoặc khu phố (có dấu hay không dấu đều được) để tìm và đăng ký."
	txtHelpGroup = "<b>Loa Phường</b> đưa thông báo của phường, khu phố vào nhóm này.\n\n" +
		"Quản trị viên nhóm gõ /start để chọn khu vực, /mine để xem, /stop để ngừng nhận tin."
	txtGroupHello = "👋 Chào cả nhóm! Mình là <b>Loa Phường</b>. " +
		"Quản trị viên nhóm gõ /start để chọn phường, khu phố mà nhóm sẽ nhận thông báo."
	txtNoSubscriptions = "Bạn chưa đăng ký nhận tin của khu vực nào. Gõ /start để chọn phường, khu phố."
	txtStopNone        = "Bạn chưa đăng ký nhận tin của khu vực nào, nên không có gì để dừng. Gõ /start khi muốn đăng ký."
	txtAdminOnly       = "Chỉ quản trị viên của nhóm mới được thay đổi đăng ký của nhóm."
	txtNotUnderstood   = "Loa Phường chỉ hiểu tin nhắn chữ. Hãy gõ tên phường hoặc khu phố để tìm, hoặc gõ /help để xem hướng dẫn."
	txtSlowDown        = "⏳ Bạn thao tác nhanh quá. Vui lòng chờ vài giây rồi thử lại."
	txtStaleButton     = "Nút này đã cũ. Gõ /start để bắt đầu lại."
	txtAreaGone        = "Khu vực này không còn trong danh sách. Gõ /start để chọn lại."
	txtKeepOneTopic    = "Cần giữ ít nhất một chủ đề. Muốn ngừng hẳn, hãy bỏ đăng ký khu vực này."
	txtTryLater        = "Xin lỗi, hệ thống đang bận. Bạn vui lòng thử lại sau ít phút."
	txtSubscribedToast = "Đã đăng ký"
	txtUndoneToast     = "Đã hủy đăng ký"
	txtSavedToast      = "Đã lưu"
	txtForgetAsk       = "🗑 Loa Phường chỉ lưu những gì cần để gửi tin cho bạn: mã cuộc trò chuyện, các khu vực và chủ đề bạn chọn, " +
		"và các tin đã gửi cho bạn.\n\nBấm nút bên dưới để xóa hết. Sau đó Loa Phường không còn gửi gì cho bạn nữa; " +
		"khi muốn nhận tin lại, bạn gõ /start."
	txtForgotten      = "✅ Đã xóa mọi dữ liệu của bạn. Khi muốn nhận tin lại, bạn gõ /start."
	txtForgottenToast = "Đã xóa"

	btnSubscribeAll = "✅ Nhận tin cả %s"
	btnBack         = "« Quay lại"
	btnPrev         = "‹ Trang trước"
	btnNext         = "Trang sau ›"
	btnUndo         = "↩️ Hoàn tác"
	btnTopics       = "🏷 Chọn chủ đề"
	btnMore         = "➕ Đăng ký thêm khu vực"
	btnRemove       = "❌ Bỏ %s"
	btnTopicsOf     = "🏷 Chủ đề %s"
	btnDone         = "« Xong"
	btnResubscribe  = "📢 Đăng ký lại"
	btnForget       = "🗑 Xóa dữ liệu của tôi"
)

// esc escapes text for Telegram's HTML parse mode.
func esc(s string) string { return html.EscapeString(s) }

// topicNames are the Vietnamese names of the topics, in display order.
var topicNames = []struct {
	topic store.Topic
	name  string
}{
	{store.TopicAnnouncements, "Thông báo"},
	{store.TopicReminders, "Nhắc lịch"},
	{store.TopicNews, "Tin tức"},
}

// topicList names the topics of a set in lower case, for sentences.
func topicList(t store.Topic) string {
	var names []string
	for _, tn := range topicNames {
		if t&tn.topic != 0 {
			names = append(names, strings.ToLower(tn.name))
		}
	}
	return strings.Join(names, ", ")
}

func txtChooseIn(a store.Area) string {
	return fmt.Sprintf("Chọn khu vực thuộc <b>%s</b>, hoặc nhận tin của cả %s:", esc(a.Name), esc(a.Name))
}

func txtSubscribed(label string, topics store.Topic) string {
	return fmt.Sprintf("✅ Bạn đã đăng ký nhận tin của <b>%s</b>.\nChủ đề: %s.\n\n"+
		"Gõ /mine để xem các đăng ký, /stop để ngừng nhận tin.", esc(label), topicList(topics))
}

func txtAlreadySubscribed(label string, topics store.Topic) string {
	return fmt.Sprintf("Bạn đã đăng ký nhận tin của <b>%s</b> từ trước.\nChủ đề: %s.\n\n"+
		"Gõ /mine để xem các đăng ký.", esc(label), topicList(topics))
}

func txtUnsubscribed(label string) string {
	return fmt.Sprintf("Đã hủy đăng ký nhận tin của <b>%s</b>.", esc(label))
}

func txtUnknownCode(code string) string {
	return fmt.Sprintf("Không tìm thấy khu vực có mã <code>%s</code>. Có thể mã đã cũ hoặc bị gõ sai. "+
		"Bạn hãy chọn khu vực bên dưới, hoặc gõ tên phường, khu phố để tìm.", esc(code))
}

func txtSearchNone(q string) string {
	return fmt.Sprintf("Không tìm thấy khu vực nào khớp với “%s”. "+
		"Bạn thử gõ tên khác (ví dụ: <i>Phú Thọ Hòa</i>, <i>Khu phố 3</i>) hoặc gõ /start để chọn từ danh sách.", esc(q))
}

func txtSearchResults(q string) string {
	return fmt.Sprintf("Kết quả tìm “%s”. Bấm vào khu vực bạn muốn nhận tin:", esc(q))
}

func txtUnknownCommand(cmd string) string {
	return fmt.Sprintf("Loa Phường chưa hiểu lệnh /%s.\n\n%s", esc(cmd), txtHelp)
}

func txtMine(subs []store.Subscription, labels []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Bạn đang nhận tin của %d khu vực:\n", len(subs))
	for i, s := range subs {
		fmt.Fprintf(&b, "\n%d. <b>%s</b>\n    Chủ đề: %s", i+1, esc(labels[i]), topicList(s.Topics))
	}
	b.WriteString("\n\nBấm nút bên dưới để đổi chủ đề hoặc bỏ một khu vực.")
	return b.String()
}

func txtTopicsOf(label string) string {
	return fmt.Sprintf("Chọn các chủ đề muốn nhận từ <b>%s</b> (bấm để bật, tắt):", esc(label))
}

func txtStopped(n int) string {
	return fmt.Sprintf("🔕 Đã ngừng nhận tin: hủy %d đăng ký. Loa Phường sẽ không gửi gì thêm.\n\n"+
		"Khi muốn nhận tin lại, bạn gõ /start.", n)
}

func pageNote(page, pages int) string {
	return fmt.Sprintf("\n(Trang %d/%d)", page+1, pages)
}

const txtQuietOff = "Tắt: nhận tin mọi lúc"

func txtQuietDefault(hours string) string {
	return "Mặc định (" + hours + ")"
}

func txtQuiet(current string) string {
	return fmt.Sprintf("🌙 <b>Giờ yên lặng</b>: %s\n\n"+
		"Trong giờ yên lặng, Loa Phường giữ nhắc lịch và tin tức lại đến sáng. "+
		"Thông báo của phường, khu phố và tin khẩn vẫn đến ngay.\n\n"+
		"Chọn bên dưới, hoặc gõ giờ khác, ví dụ <code>/quiet 22:30-05:45</code>.", esc(current))
}

func txtQuietBad(arg string) string {
	return fmt.Sprintf("Chưa hiểu giờ yên lặng “%s”. Hãy gõ theo dạng <code>/quiet 22:00-06:00</code> "+
		"(giờ bắt đầu - giờ kết thúc), <code>/quiet tắt</code> hoặc <code>/quiet mặc định</code>.", esc(truncate(arg, 40)))
}
