package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/loaphuong/loaphuong/store"
)

func TestReadAreasCSV_TanPhu(t *testing.T) {
	areas := mustReadCSVFile(t, "testdata/tanphu-areas.csv")
	if len(areas) != 6 {
		t.Fatalf("%d areas, want 6", len(areas))
	}
	want := store.Area{
		Code: "tan-son-nhi", ParentCode: "hcm", Kind: store.KindWard, Name: "Phường Tân Sơn Nhì",
		Aliases: []string{"P. Tân Sơn Nhì", "Sơn Kỳ", "Tân Quý", "Tân Thành"},
	}
	if !reflect.DeepEqual(areas[2], want) {
		t.Errorf("line 4 =\n%+v, want\n%+v", areas[2], want)
	}
	if areas[0].Code != "hcm" || areas[0].ParentCode != "" || areas[0].Kind != store.KindCity {
		t.Errorf("line 2 = %+v, want the root city", areas[0])
	}
}

func TestReadAreasCSV_Tolerates(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   string
	}{
		{"BOM and CRLF", "\uFEFFcode,parent_code,kind,name,aliases\r\nhcm,,city,TP HCM,\r\nw1,hcm,ward,Phường Một,P. Một | P1 ||\r\n"},
		{"quoted, spaces, blank lines", "code,parent_code,kind,name,aliases\n\n hcm ,, City ,\"TP HCM\",\nw1,hcm,ward,\"Phường Một\",\" P. Một|P1\"\n\n"},
		{"stray quotes", "code,parent_code,kind,name,aliases\nhcm,,city,TP HCM,\nw1,hcm,ward,Phường Một,P. Một|P1\ncc,w1,building,Chung cư \"Hoa Sen\",\n"},
		{"decomposed text", "code,parent_code,kind,name,aliases\nhcm,,city,TP HCM,\nw1,hcm,ward,Phu\u031bo\u031b\u0300ng Mo\u0323\u0302t,P. Mo\u0323\u0302t|P1\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			areas, err := store.ReadAreasCSV(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			want := []store.Area{
				{Code: "hcm", Kind: store.KindCity, Name: "TP HCM"},
				{Code: "w1", ParentCode: "hcm", Kind: store.KindWard, Name: "Phường Một", Aliases: []string{"P. Một", "P1"}},
			}
			if tt.name == "stray quotes" {
				want = append(want, store.Area{Code: "cc", ParentCode: "w1", Kind: store.KindBuilding, Name: `Chung cư "Hoa Sen"`})
			}
			if !reflect.DeepEqual(areas, want) {
				t.Errorf("got\n%+v, want\n%+v", areas, want)
			}
		})
	}
}

func TestReadAreasCSV_Errors(t *testing.T) {
	const header = "code,parent_code,kind,name,aliases\n"
	const hcm = "hcm,,city,Thành phố Hồ Chí Minh,TPHCM\n"
	for _, tt := range []struct {
		name string
		in   string
		want string // the whole message
	}{
		{"empty file", "", `line 1: the file is empty, want the header "code,parent_code,kind,name,aliases"`},
		{"wrong header", "code,parent,kind,name,aliases\n" + hcm, `line 1: header is "code,parent,kind,name,aliases", want "code,parent_code,kind,name,aliases"`},
		{"no header", hcm, `line 1: header is "hcm,,city,Thành phố Hồ Chí Minh,TPHCM", want "code,parent_code,kind,name,aliases"`},
		{"too few fields", header + hcm + "w1,hcm,ward,Phường Một\n", `line 3: 4 fields, want 5 (code,parent_code,kind,name,aliases)`},
		{"too many fields", header + hcm + "w1,hcm,ward,Phường Một,,x\n", `line 3: 6 fields, want 5 (code,parent_code,kind,name,aliases)`},
		{"unknown kind", header + hcm + "w1,hcm,ward,Phường Một,\nq1,hcm,district,Quận 1,\n", `line 4: unknown kind "district" (want city, ward, quarter or building)`},
		{"bad code", header + hcm + "kp 1,hcm,quarter,Khu phố 1,\n", `line 3: code "kp 1" is not 1 to 64 letters, digits, '-' or '_'`},
		{"empty code", header + hcm + ",hcm,quarter,Khu phố 1,\n", `line 3: code "" is not 1 to 64 letters, digits, '-' or '_'`},
		{"long code", header + strings.Repeat("x", 65) + ",,city,X,\n", `line 2: code "` + strings.Repeat("x", 65) + `" is not 1 to 64 letters, digits, '-' or '_'`},
		{"bad parent code", header + hcm + "w1,h c m,ward,Phường Một,\n", `line 3: parent code "h c m" is not 1 to 64 letters, digits, '-' or '_'`},
		{"empty name", header + hcm + "w1,hcm,ward,  ,\n", `line 3: name is empty`},
		{"bad utf-8 name", header + hcm + "w1,hcm,ward,Ph\xc6\xb0\xff,\n", `line 3: name is not valid UTF-8`},
		{"bad utf-8 alias", header + hcm + "w1,hcm,ward,Phường Một,P1|P\xff\n", "line 3: alias \"P\\xff\" is not valid UTF-8"},
		{"punctuation name", header + hcm + "w1,hcm,ward,...,\n", `line 3: name has no letter or digit`},
		{"duplicate code", header + hcm + "w1,hcm,ward,Phường Một,\nw1,hcm,ward,Phường Hai,\n", `line 4: code "w1" is already on line 3`},
		{"own parent", header + hcm + "w1,w1,ward,Phường Một,\n", `line 3: area "w1" is its own parent`},
		{"parent later", header + "w1,hcm,ward,Phường Một,\n" + hcm, `line 2: parent "hcm" comes later, on line 3 (list parents first)`},
		{"newline in a name", header + hcm + "w1,hcm,ward,\"Phường\nMột\",\n", `line 3: name contains a control character`},
		{"unbalanced quote", header + hcm + "w1,hcm,ward,\"Phường Một,\nw2,hcm,ward,Phường Hai,\n", `line 3: 4 fields, want 5 (code,parent_code,kind,name,aliases)`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			areas, err := store.ReadAreasCSV(strings.NewReader(tt.in))
			if err == nil {
				t.Fatalf("no error; read %+v", areas)
			}
			if areas != nil {
				t.Errorf("areas returned with the error: %+v", areas)
			}
			if store.ErrorCode(err) != store.EINVALID {
				t.Errorf("code %q, want %q", store.ErrorCode(err), store.EINVALID)
			}
			if got := store.ErrorMessage(err); got != tt.want {
				t.Errorf("message\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestReadAreasCSV_ParentInDatabase(t *testing.T) {
	db := MustOpenDB(t)
	ctx := context.Background()
	mustImportTanPhu(t, db)
	// A file of khu phố alone names wards that are already in the database.
	areas, err := store.ReadAreasCSV(strings.NewReader("code,parent_code,kind,name,aliases\ntp-kp1,tan-phu,quarter,Khu phố 1,KP1\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportAreas(ctx, areas); err != nil {
		t.Fatal(err)
	}
	a, err := db.AreaByCode(ctx, "tp-kp1")
	if err != nil {
		t.Fatal(err)
	}
	if a.ParentCode != "tan-phu" {
		t.Errorf("parent %q, want tan-phu", a.ParentCode)
	}
}
