package store

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// AreaKind is the level of an area in the tree.
type AreaKind string

// The kinds of area, from the top of the tree down.
const (
	KindCity     AreaKind = "city"
	KindWard     AreaKind = "ward"
	KindQuarter  AreaKind = "quarter"  // khu phố
	KindBuilding AreaKind = "building" // chung cư
)

// kindRank orders the kinds from the top of the tree down: an area is never
// inside an area of a lower kind (a ward inside a khu phố is a typo).
var kindRank = map[AreaKind]int{KindCity: 0, KindWard: 1, KindQuarter: 2, KindBuilding: 3}

// Area is one node of the area tree.
type Area struct {
	ID         int64
	Code       string // stable, deep-link safe: [A-Za-z0-9_-]{1,64}
	ParentID   int64  // 0 for a root
	ParentCode string // filled by reads; used by imports to name the parent
	Kind       AreaKind
	Name       string   // Vietnamese name with diacritics
	Aliases    []string // old names, abbreviations
	MergedInto int64    // non-zero once merged into another area
	Children   int      // number of live (not merged) children, filled by reads
}

// codePattern is what a code may be: it travels in deep links (/start payloads
// allow only these characters, 64 at most) and in callback data.
var codePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// maxNameLen bounds names, in characters, so they fit on buttons and in lists.
const maxNameLen = 200

// maxDepth bounds walks up the tree and along merges; the data prevents
// cycles, and the bound keeps a corrupted file from hanging a walk.
const maxDepth = 64

// normalizeArea returns a with its text trimmed and in NFC (text typed on
// different systems arrives composed or decomposed), or why it is invalid.
func normalizeArea(a Area) (Area, string) {
	a.Code = strings.TrimSpace(a.Code)
	a.ParentCode = strings.TrimSpace(a.ParentCode)
	a.Kind = AreaKind(strings.ToLower(strings.TrimSpace(string(a.Kind))))
	if !codePattern.MatchString(a.Code) {
		return a, fmt.Sprintf("code %q is not 1 to 64 letters, digits, '-' or '_'", a.Code)
	}
	if a.ParentCode != "" && !codePattern.MatchString(a.ParentCode) {
		return a, fmt.Sprintf("parent code %q is not 1 to 64 letters, digits, '-' or '_'", a.ParentCode)
	}
	if a.ParentCode == a.Code {
		return a, fmt.Sprintf("area %q is its own parent", a.Code)
	}
	if _, ok := kindRank[a.Kind]; !ok {
		return a, fmt.Sprintf("unknown kind %q (want city, ward, quarter or building)", a.Kind)
	}
	name, reason := normalizeName(a.Name)
	if reason != "" {
		return a, "name " + reason
	}
	a.Name = name
	var aliases []string
	for _, s := range a.Aliases {
		if strings.TrimSpace(s) == "" {
			continue
		}
		alias, reason := normalizeName(s)
		if reason != "" {
			return a, fmt.Sprintf("alias %q %s", s, reason)
		}
		aliases = append(aliases, alias)
	}
	a.Aliases = aliases
	return a, ""
}

// normalizeName returns s trimmed and in NFC, or why it cannot be a name.
func normalizeName(s string) (string, string) {
	if !utf8.ValidString(s) {
		return "", "is not valid UTF-8"
	}
	s = norm.NFC.String(strings.TrimSpace(s))
	switch {
	case s == "":
		return "", "is empty"
	case utf8.RuneCountInString(s) > maxNameLen:
		return "", fmt.Sprintf("is longer than %d characters", maxNameLen)
	case strings.IndexFunc(s, unicode.IsControl) >= 0:
		return "", "contains a control character"
	case Fold(s) == "":
		// It could never be found by search.
		return "", "has no letter or digit"
	}
	return s, ""
}

// ImportAreas inserts the areas, or updates the name, kind, parent and
// aliases of those whose code exists, all in one transaction: any error
// imports nothing. A parent is named by ParentCode (empty for a root) and
// must be in the database or earlier in areas; a parent that was merged
// stands for the area it was merged into. An area that was itself merged is
// left as it is, so importing the original file again does not undo a
// merge. It returns how many areas were inserted or updated.
func (db *DB) ImportAreas(ctx context.Context, areas []Area) (int, error) {
	// Validate everything before the write lock is taken.
	rows := make([]Area, 0, len(areas))
	seen := make(map[string]bool, len(areas))
	for _, a := range areas {
		a, reason := normalizeArea(a)
		if reason != "" {
			return 0, Errorf(EINVALID, "area %q: %s", a.Code, reason)
		}
		if seen[a.Code] {
			return 0, Errorf(EINVALID, "area %q: listed twice", a.Code)
		}
		seen[a.Code] = true
		rows = append(rows, a)
	}

	var n int
	err := db.update(ctx, func(tx querier) error {
		n = 0
		t, err := loadTree(ctx, tx)
		if err != nil {
			return err
		}
		now := formatTime(db.now())
		var touched []*treeNode
		for _, a := range rows {
			var parentID int64
			if a.ParentCode != "" {
				p := t.byCode[a.ParentCode]
				if p == nil {
					return Errorf(EINVALID, "area %q: parent %q is neither in the database nor earlier in the list", a.Code, a.ParentCode)
				}
				parentID = t.live(p).id
			}
			node := t.byCode[a.Code]
			switch {
			case node != nil && node.mergedInto != 0:
				continue
			case node != nil:
				if _, err := tx.ExecContext(ctx, `UPDATE areas SET parent_id = ?, kind = ?, name = ?, updated_at = ? WHERE id = ?`,
					nullID(parentID), a.Kind, a.Name, now, node.id); err != nil {
					return fmt.Errorf("update area %q: %w", a.Code, err)
				}
				node.parentID, node.kind = parentID, a.Kind
			default:
				res, err := tx.ExecContext(ctx, `INSERT INTO areas (code, parent_id, kind, name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`,
					a.Code, nullID(parentID), a.Kind, a.Name, now, now)
				if err != nil {
					return fmt.Errorf("insert area %q: %w", a.Code, err)
				}
				id, err := res.LastInsertId()
				if err != nil {
					return err
				}
				node = &treeNode{id: id, code: a.Code, parentID: parentID, kind: a.Kind}
				t.add(node)
			}
			if err := setAreaNames(ctx, tx, node.id, a.Name, a.Aliases); err != nil {
				return fmt.Errorf("names of area %q: %w", a.Code, err)
			}
			touched = append(touched, node)
			n++
		}
		return t.check(touched)
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// setAreaNames replaces the own name and imported aliases of an area,
// keeping the names it was given by merges.
func setAreaNames(ctx context.Context, tx querier, areaID int64, name string, aliases []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM area_names WHERE area_id = ? AND alias IN (0, 1)`, areaID); err != nil {
		return err
	}
	folded := Fold(name)
	// A merged name that is now the own name becomes the own name.
	if _, err := tx.ExecContext(ctx, `INSERT INTO area_names (area_id, name, folded, bare, alias) VALUES (?, ?, ?, ?, 0)
		ON CONFLICT (area_id, folded) DO UPDATE SET name = excluded.name, alias = 0`,
		areaID, name, folded, stripPrefix(folded)); err != nil {
		return err
	}
	for _, alias := range aliases {
		folded := Fold(alias)
		if _, err := tx.ExecContext(ctx, `INSERT INTO area_names (area_id, name, folded, bare, alias) VALUES (?, ?, ?, ?, 1)
			ON CONFLICT (area_id, folded) DO NOTHING`,
			areaID, alias, folded, stripPrefix(folded)); err != nil {
			return err
		}
	}
	return nil
}

// nullID returns nil for the zero id, so that it is stored as NULL.
func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// treeNode is the shape of an area, enough to check a change to the tree.
type treeNode struct {
	id, parentID, mergedInto int64
	code                     string
	kind                     AreaKind
}

// tree is the whole area tree in memory: it is small (a city's khu phố and
// buildings), and checking cycles in Go is simpler than in SQL.
type tree struct {
	byCode map[string]*treeNode
	byID   map[int64]*treeNode
}

// loadTree reads the shape of every area, merged ones included.
func loadTree(ctx context.Context, q querier) (*tree, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, COALESCE(parent_id, 0), COALESCE(merged_into, 0), kind FROM areas`)
	if err != nil {
		return nil, fmt.Errorf("load areas: %w", err)
	}
	defer rows.Close()
	t := &tree{byCode: map[string]*treeNode{}, byID: map[int64]*treeNode{}}
	for rows.Next() {
		n := &treeNode{}
		if err := rows.Scan(&n.id, &n.code, &n.parentID, &n.mergedInto, &n.kind); err != nil {
			return nil, fmt.Errorf("load areas: %w", err)
		}
		t.add(n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("load areas: %w", err)
	}
	return t, nil
}

// add adds n to the tree.
func (t *tree) add(n *treeNode) {
	t.byCode[n.code] = n
	t.byID[n.id] = n
}

// live follows merges from n to the area that holds its subscriptions now.
func (t *tree) live(n *treeNode) *treeNode {
	for i := 0; n.mergedInto != 0 && i < maxDepth; i++ {
		next := t.byID[n.mergedInto]
		if next == nil {
			break
		}
		n = next
	}
	return n
}

// check reports a change that would put an area inside itself or inside an
// area of a lower kind.
func (t *tree) check(changed []*treeNode) error {
	for _, n := range changed {
		steps := 0
		for p := t.byID[n.parentID]; p != nil; p = t.byID[p.parentID] {
			if p == n || steps > len(t.byID) {
				return Errorf(EINVALID, "area %q: its parent %q is inside it", n.code, t.byID[n.parentID].code)
			}
			steps++
		}
	}
	for _, n := range t.byID {
		p := t.byID[n.parentID]
		if n.mergedInto != 0 || p == nil {
			continue
		}
		if kindRank[n.kind] < kindRank[p.kind] {
			return Errorf(EINVALID, "area %q: a %s cannot be inside the %s %q", n.code, n.kind, p.kind, p.code)
		}
	}
	return nil
}

// areaSelect reads areas with their parent's code and their number of live children.
const areaSelect = `SELECT a.id, a.code, COALESCE(a.parent_id, 0), COALESCE(p.code, ''), a.kind, a.name,
	COALESCE(a.merged_into, 0),
	(SELECT count(*) FROM areas c WHERE c.parent_id = a.id AND c.merged_into IS NULL)
FROM areas a LEFT JOIN areas p ON p.id = a.parent_id`

// scanner is a *sql.Row or *sql.Rows.
type scanner interface{ Scan(dest ...any) error }

// scanArea scans a row of areaSelect.
func scanArea(s scanner, a *Area) error {
	return s.Scan(&a.ID, &a.Code, &a.ParentID, &a.ParentCode, &a.Kind, &a.Name, &a.MergedInto, &a.Children)
}

// queryAreas returns the areas areaSelect finds with the clauses that follow it, aliases filled.
func queryAreas(ctx context.Context, q querier, clauses string, args ...any) ([]Area, error) {
	rows, err := q.QueryContext(ctx, areaSelect+" "+clauses, args...)
	if err != nil {
		return nil, fmt.Errorf("query areas: %w", err)
	}
	defer rows.Close()
	var areas []Area
	for rows.Next() {
		var a Area
		if err := scanArea(rows, &a); err != nil {
			return nil, fmt.Errorf("query areas: %w", err)
		}
		areas = append(areas, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("query areas: %w", err)
	}
	rows.Close()
	if err := fillAliases(ctx, q, areas); err != nil {
		return nil, err
	}
	return areas, nil
}

// fillAliases sets the Aliases of areas: imported ones in file order, then
// names kept by merges.
func fillAliases(ctx context.Context, q querier, areas []Area) error {
	if len(areas) == 0 {
		return nil
	}
	index := make(map[int64][]int, len(areas))
	ids := make([]int64, 0, len(areas))
	for i, a := range areas {
		index[a.ID] = append(index[a.ID], i)
		ids = append(ids, a.ID)
	}
	// One parameter holding a JSON array, rather than one per id, so the
	// number of areas is not bounded by SQLite's limit on parameters.
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return err
	}
	rows, err := q.QueryContext(ctx, `SELECT area_id, name FROM area_names
		WHERE alias > 0 AND area_id IN (SELECT value FROM json_each(?))
		ORDER BY area_id, alias, rowid`, string(idsJSON))
	if err != nil {
		return fmt.Errorf("query aliases: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return fmt.Errorf("query aliases: %w", err)
		}
		for _, i := range index[id] {
			areas[i].Aliases = append(areas[i].Aliases, name)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("query aliases: %w", err)
	}
	return nil
}

// areaByID returns the area with the given id as it is stored, merged or not.
func areaByID(ctx context.Context, q querier, id int64) (*Area, error) {
	areas, err := queryAreas(ctx, q, "WHERE a.id = ?", id)
	if err != nil {
		return nil, err
	}
	if len(areas) == 0 {
		return nil, Errorf(ENOTFOUND, "area %d not found", id)
	}
	return &areas[0], nil
}

// areasByIDs returns the areas with the given ids, by id.
func areasByIDs(ctx context.Context, q querier, ids []int64) (map[int64]Area, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	idsJSON, err := json.Marshal(ids)
	if err != nil {
		return nil, err
	}
	areas, err := queryAreas(ctx, q, "WHERE a.id IN (SELECT value FROM json_each(?))", string(idsJSON))
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]Area, len(areas))
	for _, a := range areas {
		byID[a.ID] = a
	}
	return byID, nil
}

// liveArea follows merges from a to the area that holds its subscriptions now.
func liveArea(ctx context.Context, q querier, a *Area) (*Area, error) {
	for i := 0; a.MergedInto != 0; i++ {
		if i == maxDepth {
			return nil, fmt.Errorf("area %q: merges form a loop", a.Code)
		}
		next, err := areaByID(ctx, q, a.MergedInto)
		if err != nil {
			return nil, fmt.Errorf("area %q merged into a missing area: %w", a.Code, err)
		}
		a = next
	}
	return a, nil
}

// AreaByCode returns the live area with the given code (matched exactly,
// case and all), or the area it was merged into: deep links printed on
// posters keep working after a merge.
func (db *DB) AreaByCode(ctx context.Context, code string) (*Area, error) {
	areas, err := queryAreas(ctx, db.stmts.reads(), "WHERE a.code = ?", code)
	if err != nil {
		return nil, err
	}
	if len(areas) == 0 {
		return nil, Errorf(ENOTFOUND, "area %q not found", code)
	}
	return liveArea(ctx, db.stmts.reads(), &areas[0])
}

// AreaByID returns the area with the given id as it is stored: MergedInto
// is set if it was merged, so callers holding an old id can tell.
func (db *DB) AreaByID(ctx context.Context, id int64) (*Area, error) {
	return areaByID(ctx, db.stmts.reads(), id)
}

// ChildAreas returns the live children of an area (parentID 0 for the
// roots) in the order of a list a person reads. The children of a merged
// area are those of the area it was merged into: buttons on old messages
// still lead somewhere.
func (db *DB) ChildAreas(ctx context.Context, parentID int64) ([]Area, error) {
	where, args := "WHERE a.parent_id IS NULL AND a.merged_into IS NULL", []any(nil)
	if parentID != 0 {
		parent, err := areaByID(ctx, db.stmts.reads(), parentID)
		if err != nil {
			return nil, err
		}
		if parent, err = liveArea(ctx, db.stmts.reads(), parent); err != nil {
			return nil, err
		}
		where, args = "WHERE a.parent_id = ? AND a.merged_into IS NULL", []any{parent.ID}
	}
	areas, err := queryAreas(ctx, db.stmts.reads(), where, args...)
	if err != nil {
		return nil, err
	}
	sortAreas(areas)
	return areas, nil
}

// sortAreas sorts siblings by name as a Vietnamese reader expects (see
// compareNames), then by code so the order is total.
func sortAreas(areas []Area) {
	slices.SortStableFunc(areas, func(a, b Area) int {
		if c := compareNames(a.Name, b.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Code, b.Code)
	})
}

// ListAreas returns every live area in depth-first tree order, each parent
// followed by its children sorted as ChildAreas sorts them.
func (db *DB) ListAreas(ctx context.Context) ([]Area, error) {
	all, err := queryAreas(ctx, db.stmts.reads(), "WHERE a.merged_into IS NULL")
	if err != nil {
		return nil, err
	}
	sortAreas(all)
	children := map[int64][]Area{}
	for _, a := range all {
		children[a.ParentID] = append(children[a.ParentID], a)
	}
	list := make([]Area, 0, len(all))
	var walk func(parentID int64, depth int)
	walk = func(parentID int64, depth int) {
		if depth > maxDepth {
			return
		}
		for _, a := range children[parentID] {
			list = append(list, a)
			walk(a.ID, depth+1)
		}
	}
	walk(0, 0)
	return list, nil
}

// AreaPath returns the areas from the root down to the area with the given
// id, for breadcrumbs such as "Phường Phú Thọ Hòa › Khu phố 3".
func (db *DB) AreaPath(ctx context.Context, id int64) ([]Area, error) {
	areas, err := queryAreas(ctx, db.stmts.reads(), `JOIN (
		WITH RECURSIVE up (id, depth) AS (
			SELECT id, 0 FROM areas WHERE id = ?
			UNION ALL
			SELECT areas.parent_id, up.depth + 1 FROM areas JOIN up ON areas.id = up.id
			WHERE areas.parent_id IS NOT NULL AND up.depth < ?
		)
		SELECT id, depth FROM up
	) path ON path.id = a.id
	ORDER BY path.depth DESC`, id, maxDepth)
	if err != nil {
		return nil, err
	}
	if len(areas) == 0 {
		return nil, Errorf(ENOTFOUND, "area %d not found", id)
	}
	return areas, nil
}

// AreaLabel names an area as people read it, from its path root first (as
// AreaPath returns it): the most specific name first, joined by " · ",
// without the city, which everyone is in: "Khu phố 3 · Phường Phú Thọ Hòa".
func AreaLabel(path []Area) string {
	var parts []string
	for i := len(path) - 1; i >= 0; i-- {
		if path[i].Kind == KindCity && len(path) > 1 {
			continue
		}
		parts = append(parts, path[i].Name)
	}
	return strings.Join(parts, " · ")
}
