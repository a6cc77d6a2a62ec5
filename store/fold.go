package store

import (
	"cmp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Fold reduces a Vietnamese name to the form search compares: without
// diacritics, lower case, "đ" as "d", and every run of anything that is not
// a letter or digit as one space, trimmed. "P. Phú Thọ Hoà" and
// "PHÚ THỌ HÒA" both contain "phu tho hoa": people type names with or
// without marks, and old keyboards put the tone mark on either vowel.
func Fold(s string) string {
	// NFD splits a precomposed letter into its base and its marks (Mn), which
	// are dropped: the same as transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)))
	// but safe for concurrent use without building a transformer per call.
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range norm.NFD.String(s) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r == 'đ' || r == 'Đ' || r == 'Ð':
			// đ is a letter of its own, not d with a mark, so NFD keeps it.
			// Ð (U+00D0) is what text converted from old Vietnamese
			// encodings often has in place of Đ.
			r = 'd'
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			r = unicode.ToLower(r)
		default:
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// adminPrefixes are the folded words that name the level of an area rather
// than the area itself; people type them or not, spelled out or abbreviated.
// Longer forms first, so "thanh pho" is not read as something else.
var adminPrefixes = []string{
	"thanh pho", "tp",
	"phuong", "p",
	"xa",
	"khu pho", "kp",
	"chung cu", "cc",
}

// stripPrefix returns folded without one leading administrative prefix, or
// folded itself when there is none or nothing would be left.
func stripPrefix(folded string) string {
	for _, p := range adminPrefixes {
		if rest, ok := strings.CutPrefix(folded, p+" "); ok && rest != "" {
			return rest
		}
	}
	return folded
}

// compareNames orders two names the way a Vietnamese reader expects in a
// list: folded, so "Ấp" is not sorted after "Z", and with runs of digits
// compared as numbers, so "Khu phố 2" comes before "Khu phố 10".
func compareNames(a, b string) int {
	return naturalCompare(Fold(a), Fold(b))
}

// naturalCompare compares two strings, runs of ASCII digits by their value.
func naturalCompare(a, b string) int {
	for a != "" && b != "" {
		if isDigit(a[0]) && isDigit(b[0]) {
			da, ra := digitRun(a)
			db, rb := digitRun(b)
			na, nb := strings.TrimLeft(da, "0"), strings.TrimLeft(db, "0")
			if len(na) != len(nb) {
				return cmp.Compare(len(na), len(nb))
			}
			if c := strings.Compare(na, nb); c != 0 {
				return c
			}
			a, b = ra, rb
			continue
		}
		if a[0] != b[0] {
			return cmp.Compare(a[0], b[0])
		}
		a, b = a[1:], b[1:]
	}
	return cmp.Compare(len(a), len(b))
}

// digitRun splits s after its leading run of ASCII digits.
func digitRun(s string) (digits, rest string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	return s[:i], s[i:]
}

// isDigit reports whether c is an ASCII digit.
func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// truncateRunes shortens s to at most n characters.
func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}
