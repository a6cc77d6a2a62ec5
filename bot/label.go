package bot

import "github.com/loaphuong/loaphuong/store"

// AreaLabel names an area as residents see it in announcements, from its
// path root first (store.AreaPath): the most specific name first, joined by
// " · ", without the city, such as "Khu phố 3 · Phường Phú Thọ Hòa".
func AreaLabel(path []store.Area) string { return areaLabel(path) }
