package bot

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// The Vietnamese texts of /events and /campaigns. As everywhere, what a
// person typed passes through esc.

const (
	txtCpNone       = "Chưa có phong trào nào đang nhắc lịch trong khu vực bạn phụ trách."
	txtCpDraftGone  = "Bản nháp này không còn. Gõ /campaigns để bắt đầu lại."
	txtCpUseButtons = "Bạn đang tạo phong trào: hãy bấm chọn ở tin nhắn phía trên, hoặc gõ /cancel để hủy."
	txtCpCancelled  = "❌ Đã hủy phong trào đang soạn. Gõ /campaigns khi muốn tạo lại."
	txtCpNeedText   = "✍️ Hãy gửi một tin nhắn chữ (gõ /cancel để hủy)."
	txtCpNoAreas    = "Hãy chọn ít nhất một khu vực."
	txtCpAreaGone   = "Một khu vực đã chọn không còn trong danh sách (có thể đã được sáp nhập). Gõ /campaigns để tạo lại."
	txtCpNoTemplate = "Danh mục không còn mục này. Gõ /campaigns để xem lại."
	txtCpTplEnded   = "Phong trào này đã qua ngày kết thúc trong danh mục."
	txtCpNoneLeft   = "Với lịch và thời gian này, phong trào không còn lần nhắc nào. Hãy chọn lại thời gian."

	txtCpAskSchedule = "🗓 <b>Tạo phong trào</b> · bước 4/5\nChọn lịch nhắc bên dưới, hoặc gõ lịch khác, ví dụ:\n" +
		"• <code>mỗi tối thứ Bảy 19:30</code>\n" +
		"• <code>ngày 15 hằng tháng 8:00</code>\n" +
		"• <code>rằm âm lịch 18:00</code>\n" +
		"• <code>0 7 * * 1</code> (biểu thức cron: phút giờ ngày tháng thứ, giờ Việt Nam)"
	txtCpAskDays = "📅 <b>Tạo phong trào</b> · bước 5/5\nPhong trào nhắc từ nay, không hẹn ngày kết thúc? " +
		"Bấm nút bên dưới, hoặc gõ khoảng thời gian, ví dụ:\n" +
		"• <code>đến 30/4/2027</code>\n" +
		"• <code>1/5/2026 - 30/6/2026</code>"

	txtToastPaused   = "Đã tạm dừng"
	txtToastResumed  = "Đã tiếp tục"
	txtToastEnded    = "Đã kết thúc phong trào"
	txtToastCpNA     = "Không tìm thấy phong trào này"
	txtToastCpState  = "Phong trào đã ở trạng thái này hoặc đã kết thúc"
	txtToastStarted  = "Đã bắt đầu nhắc lịch"
	txtToastCpChosen = "Đã chọn"
	txtToastCpDrop   = "Đã bỏ chọn"

	btnCpNew       = "➕ Tạo phong trào mới"
	btnCpCatalogue = "📚 Bật từ danh mục"
	btnCpPause     = "⏸ Dừng #%d"
	btnCpResume    = "▶️ Tiếp #%d"
	btnCpEnd       = "⏹ Kết thúc #%d"
	btnCpAll       = "☑️ Chọn cả %s"
	btnCpAreasDone = "✅ Xong, chọn lịch (%d khu vực)"
	btnCpForever   = "♾ Từ nay, không hẹn ngày kết thúc"
	btnCpKeepDays  = "📅 Giữ như danh mục: %s"
	btnCpKeepSpec  = "⭐ Theo gợi ý: %s"
	btnCpStart     = "✅ Bắt đầu nhắc"
)

// txtEvents is the answer to /events.
func txtEvents(labels []string, list []scheduler.Occurrence, running []comingCampaign, now time.Time) string {
	var b strings.Builder
	b.WriteString("📅 <b>Sắp tới</b>")
	if len(labels) > 0 {
		b.WriteString(" ở " + esc(strings.Join(labels, "; ")))
	}
	b.WriteString("\n")
	if len(list) == 0 {
		b.WriteString("\nChưa có ngày lễ, sự kiện nào trong năm tới.")
	}
	for _, o := range list {
		left := scheduler.DaysLeft(scheduler.DaysUntil(o, now))
		left = strings.ToUpper(left[:1]) + left[1:]
		fmt.Fprintf(&b, "\n• <b>%s</b> · %s\n   %s", left, esc(o.When()), esc(o.Name()))
	}
	if len(running) > 0 {
		b.WriteString("\n\n📣 <b>Phong trào đang nhắc lịch</b>")
		for _, c := range running {
			fmt.Fprintf(&b, "\n• %s\n   Lần nhắc tới: %s", esc(c.title), formatReminder(c.next))
		}
	}
	if len(labels) == 0 {
		b.WriteString("\n\nBạn chưa đăng ký khu vực nào, nên trên đây chỉ có các ngày lễ chung. " +
			"Gõ /start để chọn phường, khu phố và nhận nhắc lịch của nơi mình ở.")
	}
	return b.String()
}

// formatReminder shows when a reminder goes out: "7:00 Chủ nhật 8/3/2026".
func formatReminder(t time.Time) string {
	t = t.In(vietnam)
	return t.Format("15:04") + " " + scheduler.Weekday(t) + " " + t.Format("2/1/2006")
}

// campaignStatusText says where a campaign is, in words.
func campaignStatusText(s store.CampaignStatus) string {
	switch s {
	case store.CampaignPaused:
		return "⏸ tạm dừng"
	case store.CampaignEnded:
		return "⏹ đã kết thúc"
	}
	return "▶️ đang nhắc"
}

// campaignLine is one campaign in the /campaigns list.
type campaignLine struct {
	c     store.Campaign
	areas []string
	next  time.Time
}

// txtCampaigns lists the campaigns in an official's scope.
func txtCampaigns(lines []campaignLine) string {
	var b strings.Builder
	b.WriteString("📣 <b>Phong trào, cuộc vận động</b>\n")
	if len(lines) == 0 {
		b.WriteString("\n" + txtCpNone + "\n")
	}
	for _, l := range lines {
		fmt.Fprintf(&b, "\n<b>#%d</b> · %s · %s\n", l.c.ID, campaignStatusText(l.c.Status), esc(l.c.Title))
		fmt.Fprintf(&b, "Khu vực: %s\n", esc(strings.Join(l.areas, ", ")))
		fmt.Fprintf(&b, "Lịch: %s", esc(l.c.Schedules[0].Spec))
		if d := txtDays(l.c.From, l.c.Until); d != "" {
			b.WriteString(" · " + d)
		}
		b.WriteString("\n")
		if !l.next.IsZero() && l.c.Status == store.CampaignActive {
			fmt.Fprintf(&b, "Lần nhắc tới: %s\n", formatReminder(l.next))
		}
	}
	b.WriteString("\nBấm nút để tạm dừng, tiếp tục hay kết thúc một phong trào, hoặc tạo phong trào mới.")
	return b.String()
}

// txtDays shows a campaign's days, "" when it has no bound.
func txtDays(from, until time.Time) string {
	switch {
	case from.IsZero() && until.IsZero():
		return ""
	case from.IsZero():
		return "đến hết " + until.Format("2/1/2006")
	case until.IsZero():
		return "từ " + from.Format("2/1/2006")
	}
	return "từ " + from.Format("2/1/2006") + " đến hết " + until.Format("2/1/2006")
}

const txtCpAskTitle = "📣 <b>Tạo phong trào</b> · bước 1/5\nGõ tên phong trào, cuộc vận động, ví dụ: " +
	"<i>Ngày Chủ nhật xanh</i>."

func txtCpAskText(title string) string {
	return fmt.Sprintf("📣 <b>Tạo phong trào</b> · bước 2/5\nPhong trào: <b>%s</b>\n\n"+
		"✍️ Gõ nội dung lời nhắc mà cư dân sẽ nhận mỗi lần, ví dụ: "+
		"<i>Mời bà con dành 15 phút dọn vệ sinh trước nhà và lối đi chung.</i>", esc(title))
}

// txtCpChooseArea is the area chooser; chosen are the labels of the areas
// already chosen, label the area shown.
func txtCpChooseArea(title string, chosen []string) func(string) string {
	return func(label string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "📣 <b>Tạo phong trào</b> · bước 3/5\nPhong trào: <b>%s</b>\n\n"+
			"Chọn các khu vực sẽ nhận lời nhắc (bấm lần nữa để bỏ chọn), rồi bấm “Xong”.", esc(title))
		if len(chosen) > 0 {
			b.WriteString("\nĐã chọn: <b>" + esc(strings.Join(chosen, "; ")) + "</b>")
		}
		if label != "" {
			fmt.Fprintf(&b, "\nĐang xem: <b>%s</b>", esc(label))
		}
		return b.String()
	}
}

const txtCpCatalogue = "📚 <b>Danh mục phong trào, cuộc vận động</b>\nChọn một phong trào để bật cho khu vực bạn phụ trách, " +
	"với ngày giờ nhắc của khu vực mình. Tên, nội dung và lịch gợi ý có sẵn; bạn chọn khu vực và lịch ở các bước sau."

func txtCpFromCatalogue(title string) string {
	return fmt.Sprintf("📚 Bật phong trào từ danh mục: <b>%s</b>", esc(title))
}

// txtCpControl is the message under the preview: what ✅ Bắt đầu will do.
func txtCpControl(d *store.CampaignDraft, areas []string, next []time.Time, audience int) string {
	var b strings.Builder
	b.WriteString("👆 Trên đây là lời nhắc, đúng như cư dân sẽ nhận.\n\n")
	fmt.Fprintf(&b, "Phong trào: <b>%s</b>\n", esc(d.Title))
	fmt.Fprintf(&b, "Khu vực: <b>%s</b>\n", esc(strings.Join(areas, "; ")))
	fmt.Fprintf(&b, "Lịch: <b>%s</b>\n", esc(d.Spec))
	if days := txtDays(d.From, d.Until); days != "" {
		fmt.Fprintf(&b, "Thời gian: %s\n", days)
	} else {
		b.WriteString("Thời gian: từ nay, đến khi bạn kết thúc.\n")
	}
	if len(next) > 0 {
		parts := make([]string, len(next))
		for i, t := range next {
			parts[i] = formatReminder(t)
		}
		fmt.Fprintf(&b, "Các lần nhắc tới: %s\n", strings.Join(parts, "; "))
	}
	fmt.Fprintf(&b, "Hiện có <b>%d</b> nơi nhận (đăng ký chủ đề Nhắc lịch).\n", audience)
	b.WriteString("\nLời nhắc không gửi trong giờ yên tĩnh ban đêm: nơi nhận sẽ nhận vào buổi sáng. " +
		"Bấm ✅ để bắt đầu, ❌ để hủy.")
	return b.String()
}

func txtCpCreated(id int64, title string, next time.Time) string {
	s := fmt.Sprintf("✅ <b>Đã bắt đầu phong trào #%d</b>: %s.", id, esc(title))
	if !next.IsZero() {
		s += "\nLần nhắc đầu tiên: " + formatReminder(next) + "."
	}
	return s + "\nGõ /campaigns để xem, tạm dừng hoặc kết thúc."
}

// txtCpBadSchedule explains why a typed schedule was not taken.
func txtCpBadSchedule(err error) string {
	switch {
	case errors.Is(err, scheduler.ErrTooOften):
		return "Lịch này nhắc dày quá: mỗi lần nhắc phải cách nhau ít nhất một giờ. Bạn gõ lại lịch khác nhé."
	case errors.Is(err, scheduler.ErrNever):
		return "Lịch này không bao giờ đến (ví dụ ngày 30/2). Bạn gõ lại lịch khác nhé."
	}
	return "Loa Phường chưa hiểu lịch này. Bạn bấm chọn một lịch có sẵn, hoặc gõ theo mẫu " +
		"<code>mỗi sáng Chủ nhật 7:00</code>, <code>ngày 15 hằng tháng 8:00</code>, <code>rằm âm lịch 18:00</code>, " +
		"hoặc gõ /cancel để hủy."
}

const txtCpBadDays = "Loa Phường chưa hiểu khoảng thời gian này. Bạn gõ theo mẫu <code>đến 30/4/2027</code> " +
	"hoặc <code>1/5/2026 - 30/6/2026</code>, hoặc bấm “Từ nay”."

const txtCpPastDays = "Ngày kết thúc đã qua, hoặc trước ngày bắt đầu. Bạn kiểm tra lại nhé."

func txtCpTooLong(what string, n, limit int) string {
	return fmt.Sprintf("%s dài %d ký tự, quá mức tối đa %d ký tự. Bạn hãy rút gọn rồi gửi lại.", what, n, limit)
}
