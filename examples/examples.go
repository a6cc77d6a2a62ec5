// Package examples holds the example data shipped with Loa Phường,
// embedded so that the offline sandbox needs no file beside the program.
package examples

import _ "embed"

// TanPhuAreas is tanphu-areas.csv: Ho Chi Minh City and the five 2025 wards
// of former Tân Phú district, in the format of "loaphuong areas import".
//
//go:embed tanphu-areas.csv
var TanPhuAreas []byte
