package bot

import "fmt"

// The texts of /poster.

const (
	btnPosterAll   = "🖨 Áp phích cho %s"
	txtToastPoster = "Đã tạo áp phích"
	txtPosterFile  = "📎 Tệp để in (PNG, khổ A5, 300 dpi). In khổ A4 vẫn rõ nét."
)

// txtPosterChoose is the area chooser of /poster.
func txtPosterChoose(label string) string {
	s := "🖨 <b>Áp phích mã QR</b>\nChọn khu vực cần in áp phích: cư dân quét mã QR trên áp phích là đăng ký nhận tin của khu vực đó."
	if label != "" {
		s += fmt.Sprintf("\nĐang xem: <b>%s</b>", esc(label))
	}
	return s
}

func txtPosterMaking(label string) string {
	return fmt.Sprintf("🖨 Áp phích cho <b>%s</b> ở bên dưới.", esc(label))
}

func txtPosterCaption(label, link string) string {
	return fmt.Sprintf("🖨 Áp phích đăng ký nhận tin của <b>%s</b>.\nMã QR mở %s: ai quét mã sẽ đăng ký ngay, không cần tìm khu vực. "+
		"Bạn in tệp gửi kèm bên dưới để dán ở bảng tin, nhà văn hóa khu phố.", esc(label), esc(link))
}
