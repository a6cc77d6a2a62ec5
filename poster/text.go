package poster

import (
	_ "embed"
	"image"
	"image/color"
	"strings"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Be Vietnam Pro, drawn for Vietnamese (see fonts/README.md): Go's own
// fonts lack letters such as ườ and ệ.
var (
	//go:embed fonts/BeVietnamPro-Regular.ttf
	regularTTF []byte
	//go:embed fonts/BeVietnamPro-Bold.ttf
	boldTTF []byte
)

// typeface is a parsed font and its faces by pixel size.
type typeface struct {
	data  []byte
	once  sync.Once
	font  *opentype.Font
	err   error
	mu    sync.Mutex
	faces map[int]font.Face
}

var (
	regular = &typeface{data: regularTTF}
	bold    = &typeface{data: boldTTF}
)

// face returns the face at a pixel size (the em square), made once.
func (t *typeface) face(px int) font.Face {
	t.once.Do(func() { t.font, t.err = opentype.Parse(t.data) })
	if t.err != nil {
		panic("poster: embedded font: " + t.err.Error()) // the file is part of the program
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if f, ok := t.faces[px]; ok {
		return f
	}
	f, err := opentype.NewFace(t.font, &opentype.FaceOptions{Size: float64(px), DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic("poster: font face: " + err.Error())
	}
	if t.faces == nil {
		t.faces = map[int]font.Face{}
	}
	t.faces[px] = f
	return f
}

// HasGlyphs reports the runes of s that the poster's fonts cannot draw.
func HasGlyphs(s string) (missing []rune) {
	for _, t := range []*typeface{regular, bold} {
		f := t.face(20)
		for _, r := range s {
			if _, ok := f.GlyphAdvance(r); !ok && r != ' ' && r != '\n' && !strings.ContainsRune(string(missing), r) {
				missing = append(missing, r)
			}
		}
	}
	return missing
}

// canvas draws text on the poster, within its side margins.
type canvas struct {
	img    *image.RGBA
	margin int
}

func (c canvas) width() int { return c.img.Bounds().Dx() - 2*c.margin }

// text draws s with its baseline at (x, y).
func (c canvas) text(t *typeface, px int, col color.Color, s string, x, y int) {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: t.face(px), Dot: fixed.P(x, y)}
	d.DrawString(s)
}

// measure is the width of s in pixels.
func measure(t *typeface, px int, s string) int {
	return font.MeasureString(t.face(px), s).Ceil()
}

// center draws one line centred, baseline at y. A character the font lacks
// (an emoji) is left out rather than drawn as a box.
func (c canvas) center(t *typeface, px int, col color.Color, s string, y int) {
	s = drawable(t, s)
	c.text(t, px, col, s, (c.img.Bounds().Dx()-measure(t, px, s))/2, y)
}

// drawable is s without the characters the font lacks, trimmed.
func drawable(t *typeface, s string) string {
	f := t.face(20)
	return strings.TrimSpace(strings.Map(func(r rune) rune {
		if _, ok := f.GlyphAdvance(r); !ok && r != ' ' {
			return -1
		}
		return r
	}, s))
}

// lines wraps s into lines no wider than width.
func lines(t *typeface, px int, s string, width int) []string {
	var out []string
	line := ""
	for _, w := range strings.Fields(s) {
		try := w
		if line != "" {
			try = line + " " + w
		}
		if line != "" && measure(t, px, try) > width {
			out = append(out, line)
			line = w
			continue
		}
		line = try
	}
	if line != "" {
		out = append(out, line)
	}
	return out
}

// wrapCentered draws s wrapped and centred from the top y, and returns the
// y below its last line.
func (c canvas) wrapCentered(t *typeface, px int, col color.Color, s string, y, gap int) int {
	for _, l := range lines(t, px, s, c.width()) {
		y += px
		c.center(t, px, col, l, y)
		y += gap
	}
	return y
}

// indent is how far the later lines of a numbered step ("1. ...") go in.
func indent(t *typeface, px int, s string) int {
	if i := strings.Index(s, ". "); i > 0 && i < 4 {
		return measure(t, px, s[:i+2])
	}
	return 0
}

// leftHeight is the height wrapLeft takes to draw s.
func (c canvas) leftHeight(t *typeface, px int, s string, gap int) int {
	return len(lines(t, px, s, c.width()-indent(t, px, s))) * (px + gap)
}

// wrapLeft draws s wrapped from the left margin, later lines indented to
// follow a leading "1. ", and returns the y below its last line.
func (c canvas) wrapLeft(t *typeface, px int, col color.Color, s string, y, gap int) int {
	indent := indent(t, px, s)
	for i, l := range lines(t, px, s, c.width()-indent) {
		y += px
		x := c.margin
		if i > 0 {
			x += indent
		}
		c.text(t, px, col, l, x, y)
		y += gap
	}
	return y
}

// fit draws s centred at the largest size from hi down to lo at which it
// takes at most two lines, and returns the y below it.
func (c canvas) fit(t *typeface, hi, lo int, col color.Color, s string, y, gap int) int {
	px := hi
	for px > lo && len(lines(t, px, s, c.width())) > 2 {
		px -= hi / 20
	}
	return c.wrapCentered(t, px, col, s, y, gap)
}
