// Package poster draws the printable QR poster of an area: its name, a
// call in Vietnamese to subscribe, and a QR code of the bot's deep link
// that subscribes whoever scans it to the area at once.
package poster

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"net/url"
	"strings"

	qrcode "github.com/yeqown/go-qrcode/v2"
)

// Size is a sheet of paper at 300 dots per inch.
type Size struct {
	Name          string
	Width, Height int // pixels
}

// The sizes a poster can be printed at.
var (
	A5 = Size{Name: "A5", Width: 1748, Height: 2480}
	A4 = Size{Name: "A4", Width: 2480, Height: 3508}
)

// SizeByName returns the size called name (a4 or a5, in any case).
func SizeByName(name string) (Size, bool) {
	switch strings.ToUpper(strings.TrimSpace(name)) {
	case "A5":
		return A5, true
	case "A4":
		return A4, true
	}
	return Size{}, false
}

// Poster is what a poster shows.
type Poster struct {
	Title    string // the area's name, "Khu phố 3"
	Subtitle string // where it is, "Phường Phú Thọ Hòa"; may be empty
	Link     string // what the QR code holds (see Link)
	Size     Size   // default A5
}

// Link is the deep link behind an area's poster: opening it starts the bot
// with the area's code, which subscribes the chat to the area.
func Link(botUsername, code string) string {
	return "https://t.me/" + url.PathEscape(strings.TrimPrefix(botUsername, "@")) + "?start=" + url.QueryEscape(code)
}

// Colours of the poster.
var (
	red   = color.RGBA{0xB7, 0x1C, 0x1C, 0xFF} // the loudspeaker's band
	ink   = color.RGBA{0x1A, 0x1A, 0x1A, 0xFF}
	grey  = color.RGBA{0x55, 0x55, 0x55, 0xFF}
	white = color.RGBA{0xFF, 0xFF, 0xFF, 0xFF}
)

// PNG draws the poster and returns it encoded as PNG.
func (p Poster) PNG() ([]byte, error) {
	img, err := p.Draw()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// Draw draws the poster. Every measure is a share of the sheet's width,
// so that A4 is A5 scaled up.
func (p Poster) Draw() (*image.RGBA, error) {
	if p.Link == "" {
		return nil, fmt.Errorf("poster: no link to put in the QR code")
	}
	size := p.Size
	if size.Width == 0 {
		size = A5
	}
	W, H := size.Width, size.Height
	u := float64(W) / 1748 // the A5 design's pixel
	px := func(v float64) int { return int(v*u + 0.5) }
	img := image.NewRGBA(image.Rect(0, 0, W, H))
	draw.Draw(img, img.Bounds(), image.NewUniform(white), image.Point{}, draw.Src)
	c := canvas{img: img, margin: px(120)}

	// The band: who speaks.
	band := px(330)
	draw.Draw(img, image.Rect(0, 0, W, band), image.NewUniform(red), image.Point{}, draw.Src)
	c.center(bold, px(120), white, "LOA PHƯỜNG", px(180))
	c.center(regular, px(46), white, "Thông báo của phường, khu phố ngay trên Telegram", px(270))

	// The area, as large as fits on two lines.
	y := band + px(200)
	y = c.fit(bold, px(150), px(90), ink, p.Title, y, px(25))
	if p.Subtitle != "" {
		y = c.wrapCentered(regular, px(64), grey, p.Subtitle, y+px(20), px(18))
	}

	// The call, the code, the link, and how to, for someone who never
	// scanned a code; the code takes the room the rest leaves.
	y = c.wrapCentered(bold, px(78), red, "Quét mã QR để nhận tin của khu vực", y+px(70), px(20))
	steps := []string{
		"1. Mở camera điện thoại, hướng vào mã QR.",
		"2. Bấm vào đường link hiện ra để mở Telegram, rồi bấm “Bắt đầu” (Start).",
		"3. Xong! Bạn sẽ nhận thông báo, lịch nhắc và tin tức của khu vực.",
	}
	below := px(70) + px(40) + px(90) // the link under the code
	for _, step := range steps {
		below += c.leftHeight(regular, px(46), step, px(14)) + px(22)
	}
	below += px(170) // the footer
	qrTop := y + px(40)
	qrSide := min(px(1000), H-qrTop-below)
	side, err := drawQR(img, p.Link, (W-qrSide)/2, qrTop, qrSide)
	if err != nil {
		return nil, err
	}
	y = qrTop + side + px(70)
	c.center(regular, px(40), grey, strings.TrimPrefix(p.Link, "https://"), y)
	y += px(90)
	for _, step := range steps {
		y = c.wrapLeft(regular, px(46), ink, step, y, px(14)) + px(22)
	}
	c.center(regular, px(38), grey, "Miễn phí · Muốn ngừng nhận tin, gõ /stop bất cứ lúc nào.", H-px(90))
	return img, nil
}

// drawQR draws the QR code of text, with its quiet zone, in a square of at
// most side pixels at (x, y), each module a whole number of pixels so that
// it prints sharp; it returns the side drawn.
func drawQR(img *image.RGBA, text string, x, y, side int) (int, error) {
	q, err := qrcode.NewWith(text, qrcode.WithErrorCorrectionLevel(qrcode.ErrorCorrectionQuart))
	if err != nil {
		return 0, fmt.Errorf("poster: QR code: %w", err)
	}
	var m matrix
	if err := q.Save(&m); err != nil {
		return 0, fmt.Errorf("poster: QR code: %w", err)
	}
	const quiet = 4 // modules of white around the code, as the standard asks
	n := len(m.bits) + 2*quiet
	module := side / n
	if module < 1 {
		return 0, fmt.Errorf("poster: no room for a QR code of %d modules", n)
	}
	drawn := module * n
	x += (side - drawn) / 2
	dark := image.NewUniform(ink)
	for r, row := range m.bits {
		for col, on := range row {
			if on {
				x0, y0 := x+(col+quiet)*module, y+(r+quiet)*module
				draw.Draw(img, image.Rect(x0, y0, x0+module, y0+module), dark, image.Point{}, draw.Src)
			}
		}
	}
	return drawn, nil
}

// matrix is a qrcode.Writer that keeps the modules.
type matrix struct{ bits [][]bool }

// Write keeps the modules of the code.
func (m *matrix) Write(mat qrcode.Matrix) error {
	m.bits = mat.Bitmap()
	return nil
}

// Close does nothing: nothing was opened.
func (m *matrix) Close() error { return nil }
