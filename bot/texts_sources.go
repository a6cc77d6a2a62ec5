package bot

import (
	"fmt"
	"strings"
	"time"

	"github.com/loaphuong/loaphuong/scheduler/feed"
	"github.com/loaphuong/loaphuong/store"
)

// The Vietnamese texts of /sources. As everywhere, what comes from outside
// (names, titles, addresses, errors) passes through esc.

const (
	txtSrcAskURL = "📡 <b>Thêm nguồn tin</b> · bước 1/3\n" +
		"Gửi địa chỉ (URL) của nguồn tin: một trang RSS, hoặc trang danh sách tin của một website, ví dụ " +
		"<code>https://tuoitre.vn/rss/tin-moi-nhat.rss</code>.\n\n" +
		"Với trang không có RSS, Loa Phường lấy các liên kết nằm trong tiêu đề bài. Nếu lấy chưa đúng, " +
		"bạn gửi kèm bộ chọn CSS của các liên kết bài sau địa chỉ, cách một khoảng trắng, ví dụ " +
		"<code>https://phuong.example.vn/tin-tuc .news-item h3 a</code>."
	txtSrcNeedURL = "Hãy gửi địa chỉ của nguồn tin bằng một tin nhắn chữ, bắt đầu bằng <code>http://</code> " +
		"hoặc <code>https://</code> (gõ /cancel để hủy)."
	txtSrcUseButtons = "Bạn đang thêm nguồn tin: hãy bấm chọn ở tin nhắn phía trên, hoặc gõ /cancel để hủy."
	txtSrcCancelled  = "❌ Đã hủy việc thêm nguồn tin. Gõ /sources khi muốn thêm lại."
	txtSrcDraftGone  = "Việc thêm nguồn tin này đã kết thúc. Gõ /sources để bắt đầu lại."
	txtSrcRetired    = "Đã nhận địa chỉ mới. Kết quả ở bên dưới."
	txtSrcRetiredKw  = "🔑 Đã nhận từ khóa. Bản xác nhận mới ở bên dưới."
	txtSrcNoArea     = "Hãy chọn ít nhất một khu vực nhận tin."
	txtSrcTooMany    = "Một nguồn tin nhận tối đa 10 khu vực. Hãy chọn khu vực lớn hơn bao trùm các khu vực đó."
	txtSrcGone       = "Nguồn tin này không còn. Danh sách đã được cập nhật."
	txtSrcAreaGone   = "Một khu vực đã chọn không còn trong danh sách (có thể đã được sáp nhập). Gõ /sources để thêm lại."
	txtNoSources     = "📡 <b>Nguồn tin tự động</b>\nChưa có nguồn tin nào cho khu vực bạn phụ trách.\n\n" +
		"Nguồn tin là trang RSS hoặc trang tin của phường, của thành phố: Loa Phường tự kiểm tra định kỳ " +
		"và chuyển tin mới đến cư dân đã đăng ký. Bấm nút bên dưới để thêm."

	txtToastSrcAdded   = "Đã thêm nguồn tin"
	txtToastSrcPaused  = "Đã tạm dừng nguồn tin"
	txtToastSrcResumed = "Đã cho nguồn tin chạy lại"
	txtToastSrcRemoved = "Đã xóa nguồn tin"
	txtToastSrcUnread  = "Không đọc được nguồn tin lúc này. Bạn thử bấm lại sau ít phút."

	btnSrcAdd     = "➕ Thêm nguồn tin"
	btnSrcAll     = "📍 Chọn cả %s"
	btnSrcAreas   = "📍 Chọn khu vực nhận tin ›"
	btnSrcMore    = "➕ Thêm khu vực"
	btnSrcNext    = "Tiếp tục ›"
	btnSrcUnpick  = "✖ %s"
	btnSrcBackTo  = "« Đổi khu vực"
	btnSrcTopicBk = "« Đổi loại tin"
	btnSrcNews    = "📰 Tin tức"
	btnSrcNotices = "📢 Thông báo"
	btnSrcEvery   = "⏱ Kiểm tra mỗi %d phút (bấm để đổi)"
	btnSrcConfirm = "✅ Thêm nguồn tin"
	btnSrcPause   = "⏸ Dừng #%d"
	btnSrcResume  = "▶️ Chạy lại #%d"
	btnSrcRemove  = "🗑 Xóa #%d"
	btnSrcRmYes   = "🗑 Xóa hẳn #%d"
)

// txtReason explains in Vietnamese why a source could not be read.
func txtReason(r feed.Reason, status int) string {
	switch r {
	case feed.ReasonNetwork:
		return "không kết nối được đến trang"
	case feed.ReasonTimeout:
		return "trang trả lời quá chậm"
	case feed.ReasonStatus:
		if status == 404 {
			return "trang không còn ở địa chỉ này (lỗi 404)"
		}
		if status > 0 {
			return fmt.Sprintf("trang báo lỗi (HTTP %d)", status)
		}
		return "trang báo lỗi"
	case feed.ReasonTooLarge:
		return "trang quá lớn (hơn 5 MB)"
	case feed.ReasonRedirects:
		return "trang chuyển hướng quá nhiều lần"
	case feed.ReasonScheme:
		return "chỉ đọc được địa chỉ bắt đầu bằng http:// hoặc https://"
	case feed.ReasonParse:
		return "nội dung không phải RSS, cũng không đọc được như một trang web"
	case feed.ReasonNoItems:
		return "không tìm thấy liên kết bài nào trên trang"
	case feed.ReasonSelector:
		return "bộ chọn CSS không hợp lệ"
	case feed.ReasonPrivate:
		return "địa chỉ này thuộc mạng nội bộ, Loa Phường không đọc"
	}
	return "lỗi không xác định"
}

// kindName names how a source is read.
func kindName(kind store.SourceKind, selector string) string {
	if kind == store.SourceRSS {
		return "RSS/Atom"
	}
	return fmt.Sprintf("trang web, liên kết bài theo bộ chọn <code>%s</code>", esc(selector))
}

// srcTopicName names a source's topic, with what it means for the night.
func srcTopicName(t store.Topic) string {
	if t == store.TopicAnnouncements {
		return "📢 Thông báo (gửi ngay, kể cả ban đêm)"
	}
	return "📰 Tin tức (ban đêm chờ đến sáng mới gửi)"
}

func txtSrcBadURL(input string) string {
	return fmt.Sprintf("“%s” không phải địa chỉ trang web. Hãy gửi địa chỉ đầy đủ, bắt đầu bằng "+
		"<code>http://</code> hoặc <code>https://</code> (gõ /cancel để hủy).", esc(truncate(input, 200)))
}

func txtSrcBadSelector(selector string) string {
	return fmt.Sprintf("Bộ chọn CSS <code>%s</code> không hợp lệ. Hãy gửi lại địa chỉ, kèm bộ chọn khác hoặc không kèm bộ chọn.",
		esc(truncate(selector, 200)))
}

func txtSrcReading(url string) string {
	return fmt.Sprintf("⏳ Đang đọc %s …", esc(truncate(url, 300)))
}

func txtSrcUnreadable(url string, r feed.Reason, status int) string {
	hint := "Bạn kiểm tra lại địa chỉ rồi gửi lại, hoặc gõ /cancel để hủy."
	if r == feed.ReasonNoItems {
		hint = "Bạn gửi lại địa chỉ kèm bộ chọn CSS của các liên kết bài, ví dụ <code>" + esc(truncate(url, 200)) +
			" .news-item a</code>, hoặc gõ /cancel để hủy."
	}
	return fmt.Sprintf("⚠️ Không đọc được %s: %s.\n\n%s", esc(truncate(url, 300)), txtReason(r, status), hint)
}

// txtSrcProbed shows what a URL turned out to be and its latest items.
func txtSrcProbed(res *feed.Result, given string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "📡 <b>Thêm nguồn tin</b> · bước 1/3\nĐã đọc được: <b>%s</b>\nLoại: %s\n", esc(res.Name), kindName(res.Kind, res.Selector))
	if res.URL != given {
		fmt.Fprintf(&b, "Trang này có RSS riêng, Loa Phường sẽ đọc RSS đó: %s\n", esc(res.URL))
	}
	fmt.Fprintf(&b, "Hiện có %d tin. Ba tin mới nhất:\n", len(res.Items))
	for _, it := range feed.Latest(res.Items, 3) {
		fmt.Fprintf(&b, "• %s\n", esc(truncate(it.Title, 150)))
	}
	b.WriteString("\nCác tin đang có sẽ không được gửi đi: chỉ tin đăng sau khi thêm nguồn mới được chuyển đến cư dân.")
	if res.Kind == store.SourceHTML {
		b.WriteString("\nNếu đây chưa phải các bài bạn muốn, hãy gửi lại địa chỉ kèm bộ chọn CSS khác.")
	}
	return b.String()
}

// txtSrcChooseArea is the area chooser of /sources; label is the area shown.
func txtSrcChooseArea(label string) string {
	s := "📡 <b>Thêm nguồn tin</b> · bước 2/3\nChọn khu vực sẽ nhận tin từ nguồn này (chọn được nhiều khu vực)."
	if label != "" {
		s += fmt.Sprintf("\nĐang xem: <b>%s</b>", esc(label))
	}
	return s
}

// txtSrcChosenLine lists the areas chosen so far under the chooser.
func txtSrcChosenLine(labels []string) string {
	if len(labels) == 0 {
		return ""
	}
	return "\n\nĐã chọn: " + esc(strings.Join(labels, "; "))
}

func txtSrcChosen(name string, labels []string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "📡 <b>Thêm nguồn tin</b> · bước 2/3\nNguồn: <b>%s</b>\n\nCác khu vực nhận tin:\n", esc(name))
	for _, l := range labels {
		fmt.Fprintf(&b, "• %s\n", esc(l))
	}
	b.WriteString("\nBấm “➕ Thêm khu vực” để chọn thêm, “✖” để bỏ bớt, hoặc “Tiếp tục”.")
	return b.String()
}

func txtSrcChooseTopic(name string, labels []string) string {
	return fmt.Sprintf("📡 <b>Thêm nguồn tin</b> · bước 3/3\nNguồn: <b>%s</b>\nKhu vực: %s\n\nTin từ nguồn này là loại nào?\n"+
		"• 📰 <b>Tin tức</b>: tin đến trong giờ yên tĩnh ban đêm sẽ chờ đến sáng mới gửi.\n"+
		"• 📢 <b>Thông báo</b>: gửi ngay, kể cả ban đêm. Chỉ chọn cho nguồn thông báo chính thức của phường.",
		esc(name), esc(strings.Join(labels, "; ")))
}

// sourceDraftView is what the confirmation shows.
type sourceDraftView struct {
	d        sourceDraft
	labels   []string
	topic    store.Topic
	audience int
}

func txtSrcConfirm(v sourceDraftView) string {
	var b strings.Builder
	b.WriteString("📡 <b>Thêm nguồn tin</b> · xác nhận\n\n")
	fmt.Fprintf(&b, "Nguồn: <b>%s</b>\nĐịa chỉ: %s\nLoại: %s\n", esc(v.d.Name), esc(v.d.URL), kindName(v.d.Kind, v.d.Selector))
	fmt.Fprintf(&b, "Khu vực: %s\nLoại tin: %s\nKiểm tra tin mới: mỗi %d phút\n", esc(strings.Join(v.labels, "; ")), srcTopicName(v.topic), v.d.minutes())
	if kw := store.ParseKeywords(v.d.Keywords); len(kw) > 0 {
		fmt.Fprintf(&b, "Từ khóa: chỉ chuyển tin có <b>%s</b>\n", esc(strings.Join(kw, ", ")))
	} else {
		b.WriteString("Từ khóa: không có, chuyển mọi tin mới\n")
	}
	fmt.Fprintf(&b, "Hiện có <b>%d</b> nơi nhận.\n", v.audience)
	if v.audience == 0 {
		b.WriteString("⚠️ Hiện chưa có ai đăng ký nhận loại tin này ở các khu vực đã chọn.\n")
	}
	b.WriteString("\nMuốn chỉ chuyển tin có từ khóa nhất định, bạn gửi các từ khóa, cách nhau bằng dấu phẩy " +
		"(ví dụ: <i>Phú Thọ Hòa, cắt điện</i>; có dấu hay không dấu đều được); gửi <i>bỏ</i> để bỏ từ khóa. " +
		"Bấm ✅ để thêm, ❌ để hủy.")
	return b.String()
}

func txtSrcAdded(s store.Source, labels []string, seen int) string {
	return fmt.Sprintf("✅ <b>Đã thêm nguồn tin #%d</b>: %s\nKhu vực: %s\nLoại tin: %s\nKiểm tra mỗi %d phút.\n\n"+
		"%d tin đang có đã được ghi nhận và sẽ không được gửi đi; từ nay tin mới sẽ được chuyển đến cư dân. "+
		"Gõ /sources để xem, tạm dừng hoặc xóa.",
		s.ID, esc(s.Name), esc(strings.Join(labels, "; ")), srcTopicName(s.Topic), int(s.Interval/time.Minute), seen)
}

// sourceLine is one source in the /sources list.
type sourceLine struct {
	s      store.Source
	labels []string
}

func txtSources(lines []sourceLine, page, pages int, now time.Time) string {
	var b strings.Builder
	b.WriteString("📡 <b>Nguồn tin tự động</b> của khu vực bạn phụ trách\n")
	for _, l := range lines {
		s := l.s
		fmt.Fprintf(&b, "\n<b>#%d %s</b>\n", s.ID, esc(s.Name))
		fmt.Fprintf(&b, "%s · %s · mỗi %d phút\n", kindShort(s.Kind), srcTopicShort(s.Topic), int(s.Interval/time.Minute))
		fmt.Fprintf(&b, "→ %s\n", esc(strings.Join(l.labels, "; ")))
		if len(s.Keywords) > 0 {
			fmt.Fprintf(&b, "🔑 %s\n", esc(strings.Join(s.Keywords, ", ")))
		}
		b.WriteString(txtSourceState(s, now) + "\n")
	}
	if pages > 1 {
		b.WriteString(pageNote(page, pages))
	}
	return strings.TrimRight(b.String(), "\n")
}

func kindShort(k store.SourceKind) string {
	if k == store.SourceRSS {
		return "RSS"
	}
	return "Trang web"
}

func srcTopicShort(t store.Topic) string {
	if t == store.TopicAnnouncements {
		return "📢 thông báo"
	}
	return "📰 tin tức"
}

// txtSourceState says how a source is doing.
func txtSourceState(s store.Source, now time.Time) string {
	switch {
	case s.Paused:
		return "⏸ Đang tạm dừng"
	case s.Failures > 0:
		return fmt.Sprintf("⚠️ Lỗi %d lần liên tiếp: %s. Thử lại lúc %s", s.Failures, txtStoredReason(s.LastError), formatWhen(s.NextPollAt))
	case s.LastPolledAt.IsZero():
		return "🆕 Chưa kiểm tra lần nào, lần đầu lúc " + formatWhen(s.NextPollAt)
	}
	return "✅ Hoạt động, kiểm tra lần cuối lúc " + formatWhen(s.LastPolledAt)
}

// txtStoredReason explains a failure kept as text in the store.
func txtStoredReason(lastError string) string {
	var status int
	r := feed.ReasonOfText(lastError)
	if r == feed.ReasonStatus {
		fmt.Sscanf(strings.TrimPrefix(lastError, "the site answered HTTP "), "%d", &status)
	}
	return txtReason(r, status)
}

func txtSrcRemoveAsk(s store.Source) string {
	return fmt.Sprintf("🗑 Xóa nguồn tin <b>#%d %s</b>?\n%s\n\nCư dân sẽ không nhận tin mới từ nguồn này nữa; các tin đã gửi vẫn giữ nguyên.",
		s.ID, esc(s.Name), esc(s.URL))
}

// txtSourceFailing tells a source's owner that it keeps failing.
func txtSourceFailing(s store.Source) string {
	return fmt.Sprintf("⚠️ <b>Nguồn tin #%d %s</b> đã lỗi %d lần liên tiếp: %s.\n%s\n\n"+
		"Loa Phường vẫn tự thử lại, thưa dần (lần tới lúc %s). Bạn hãy kiểm tra địa chỉ trên; "+
		"nếu trang đã đổi địa chỉ, hãy xóa nguồn này rồi thêm lại bằng /sources.\n(Chi tiết kỹ thuật: <code>%s</code>)",
		s.ID, esc(s.Name), s.Failures, txtStoredReason(s.LastError), esc(s.URL), formatWhen(s.NextPollAt), esc(truncate(s.LastError, 300)))
}

// txtSourceRecovered tells a source's owner that it works again.
func txtSourceRecovered(s store.Source) string {
	return fmt.Sprintf("✅ <b>Nguồn tin #%d %s</b> đã đọc được trở lại. Tin mới sẽ tiếp tục được chuyển đến cư dân.", s.ID, esc(s.Name))
}
