package lunar

// This file names years in the sexagenary cycle (can chi).

// stems are the ten heavenly stems (thiên can), Giáp first.
var stems = [10]string{"Giáp", "Ất", "Bính", "Đinh", "Mậu", "Kỷ", "Canh", "Tân", "Nhâm", "Quý"}

// branches are the twelve earthly branches (địa chi), Tý (the rat) first;
// Vietnam has the cat (Mão) where China has the rabbit.
var branches = [12]string{"Tý", "Sửu", "Dần", "Mão", "Thìn", "Tỵ", "Ngọ", "Mùi", "Thân", "Dậu", "Tuất", "Hợi"}

// CanChi returns the can chi name of lunar year `year`, e.g. "Ất Tỵ" for 2025.
func CanChi(year int) string {
	// Year 4 (and so 1984, 2044) began a cycle: Giáp Tý.
	s := (year - 4) % 10
	if s < 0 {
		s += 10
	}
	b := (year - 4) % 12
	if b < 0 {
		b += 12
	}
	return stems[s] + " " + branches[b]
}
