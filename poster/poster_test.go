package poster_test

import (
	"bytes"
	"image"
	"image/png"
	"testing"

	"github.com/makiuchi-d/gozxing"
	"github.com/makiuchi-d/gozxing/qrcode"

	"github.com/loaphuong/loaphuong/poster"
)

// decodeQR reads the QR code in an image back.
func decodeQR(t testing.TB, img image.Image) string {
	t.Helper()
	bmp, err := gozxing.NewBinaryBitmapFromImage(img)
	if err != nil {
		t.Fatal(err)
	}
	res, err := qrcode.NewQRCodeReader().Decode(bmp, map[gozxing.DecodeHintType]any{gozxing.DecodeHintType_TRY_HARDER: true})
	if err != nil {
		t.Fatalf("no QR code found: %v", err)
	}
	return res.GetText()
}

func TestPosterPNG(t *testing.T) {
	for _, size := range []poster.Size{poster.A5, poster.A4} {
		t.Run(size.Name, func(t *testing.T) {
			link := poster.Link("@loaphuong_bot", "kp3-phu-tho-hoa")
			if link != "https://t.me/loaphuong_bot?start=kp3-phu-tho-hoa" {
				t.Fatalf("Link = %q", link)
			}
			p := poster.Poster{Title: "Khu phố 3", Subtitle: "Phường Phú Thọ Hòa", Link: link, Size: size}
			data, err := p.PNG()
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != size.Width || b.Dy() != size.Height {
				t.Errorf("size %v, want %dx%d", b, size.Width, size.Height)
			}
			if got := decodeQR(t, img); got != link {
				t.Errorf("the QR code says %q, want %q", got, link)
			}
			t.Logf("%s: %d bytes", size.Name, len(data))
		})
	}
}

// TestPosterLongName: a long name shrinks and wraps, and the code still reads.
func TestPosterLongName(t *testing.T) {
	link := poster.Link("loaphuong_bot", "cc-hoang-anh-gia-lai-lakeview-residence-block-b")
	p := poster.Poster{Title: "Chung cư Hoàng Anh Gia Lai Lakeview Residence, khối B, tòa nhà phía đông", Subtitle: "Khu phố Đông Hưng · Phường Phú Thọ Hòa", Link: link}
	img, err := p.Draw()
	if err != nil {
		t.Fatal(err)
	}
	if got := decodeQR(t, img); got != link {
		t.Errorf("the QR code says %q", got)
	}
}

// TestPosterGlyphs: the embedded fonts draw every Vietnamese letter.
func TestPosterGlyphs(t *testing.T) {
	const vietnamese = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ"
	for _, s := range []string{vietnamese, "AÀẢÃÁẠĂẰẲẴẮẶÂẦẨẪẤẬĐÊỀỂỄẾỆÔỒỔỖỐỘƠỜỞỠỚỢƯỪỬỮỨỰ", "“Bắt đầu” · /stop"} {
		if missing := poster.HasGlyphs(s); len(missing) > 0 {
			t.Errorf("the fonts lack %q", string(missing))
		}
	}
	if _, ok := poster.SizeByName("a4"); !ok {
		t.Error("a4")
	}
	if _, err := (poster.Poster{Title: "x"}).PNG(); err == nil {
		t.Error("a poster without a link")
	}
}
