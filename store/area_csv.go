package store

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
)

// areasCSVHeader is the header line of an areas file.
const areasCSVHeader = "code,parent_code,kind,name,aliases"

// ReadAreasCSV reads areas in the import format: a header line
// "code,parent_code,kind,name,aliases", then one area per line, aliases
// separated by '|'. A parent must come before its children or already be in
// the database, which ImportAreas checks. Errors are EINVALID and name the
// line (the header is line 1), so whoever edited the file can find it. A
// UTF-8 byte order mark and CRLF line ends, which spreadsheet programs
// write, are accepted.
func ReadAreasCSV(r io.Reader) ([]Area, error) {
	br := bufio.NewReader(r)
	if bom, err := br.Peek(3); err == nil && string(bom) == "\uFEFF" {
		br.Discard(3)
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1 // counted below, for a clearer message
	cr.LazyQuotes = true    // a stray quote in a name is text, not an error

	header, err := cr.Read()
	if err == io.EOF {
		return nil, Errorf(EINVALID, "line 1: the file is empty, want the header %q", areasCSVHeader)
	}
	if err != nil {
		return nil, csvError(err)
	}
	for i := range header {
		header[i] = strings.TrimSpace(header[i])
	}
	if got := strings.Join(header, ","); got != areasCSVHeader {
		return nil, Errorf(EINVALID, "line 1: header is %q, want %q", got, areasCSVHeader)
	}

	var areas []Area
	lineOf := map[string]int{} // code -> line it is defined on
	lines := []int{}           // line of each area, by index
	for {
		record, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if len(record) != 5 {
			return nil, Errorf(EINVALID, "line %d: %d fields, want 5 (%s)", line, len(record), areasCSVHeader)
		}
		a := Area{
			Code:       record[0],
			ParentCode: record[1],
			Kind:       AreaKind(record[2]),
			Name:       record[3],
		}
		if record[4] != "" {
			a.Aliases = strings.Split(record[4], "|")
		}
		a, reason := normalizeArea(a)
		if reason != "" {
			return nil, Errorf(EINVALID, "line %d: %s", line, reason)
		}
		if prev, ok := lineOf[a.Code]; ok {
			return nil, Errorf(EINVALID, "line %d: code %q is already on line %d", line, a.Code, prev)
		}
		lineOf[a.Code] = line
		areas = append(areas, a)
		lines = append(lines, line)
	}
	// A parent defined later in the file would be a forward reference,
	// which ImportAreas cannot resolve; say so here, with both lines.
	for i, a := range areas {
		if l, ok := lineOf[a.ParentCode]; ok && l > lines[i] {
			return nil, Errorf(EINVALID, "line %d: parent %q comes later, on line %d (list parents first)", lines[i], a.ParentCode, l)
		}
	}
	return areas, nil
}

// csvError turns a CSV syntax error into an EINVALID naming the line.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return Errorf(EINVALID, "line %d: %v", pe.Line, pe.Err)
	}
	return fmt.Errorf("read areas: %w", err)
}
