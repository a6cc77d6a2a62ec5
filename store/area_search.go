package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
)

// defaultSearchLimit is the number of results when the caller asks for none:
// more than fit on a screen of buttons is no help.
const defaultSearchLimit = 20

// maxQueryLen bounds the query, in bytes, so a pasted essay costs nothing.
const maxQueryLen = 200

// The match levels of a search, best first.
const (
	matchExact      = iota // the whole name, with or without its prefix ("phuong")
	matchWordPrefix        // the start of a word of the name: "tho h" in "phu tho hoa"
	matchSubstring         // anywhere in the name
	matchAllWords          // every word of the query starts a word of the name, in any order
)

// SearchAreas returns the live areas whose name, alias or code matches
// query, best first, at most limit of them (20 if limit <= 0). Names are
// compared folded (see Fold), and with or without a leading administrative
// word, so "P. Phú Thọ Hoà", "phu tho hoa", "PHÚ THỌ HÒA" and
// "phường phú thọ hòa" all find Phường Phú Thọ Hòa. Exact matches come
// first, then matches at the start of a word, then anywhere; among equals,
// a match on the own name before one on an alias, a higher level of the
// tree before a lower one, then by name. A query with no letter or digit
// finds nothing.
func (db *DB) SearchAreas(ctx context.Context, query string, limit int) ([]Area, error) {
	if limit <= 0 {
		limit = defaultSearchLimit
	}
	if len(query) > maxQueryLen {
		query = strings.ToValidUTF8(query[:maxQueryLen], "")
	}
	folded := Fold(query)
	if folded == "" {
		return nil, nil
	}
	variants := []string{folded}
	if bare := stripPrefix(folded); bare != folded {
		variants = append(variants, bare)
	}

	// Each matching name scores level*2, plus one if it is an alias; an area
	// scores its best name. Patterns are parameters with LIKE's wildcards
	// escaped: user input never becomes SQL or a wildcard.
	var q sqlBuilder
	q.add(`SELECT area_id, kind, name, code, MIN(score) FROM (
		SELECT n.area_id, a.kind, a.name, a.code, (CASE WHEN `)
	for i, v := range variants {
		q.or(i)
		q.add(`n.folded = ? OR n.bare = ?`, v, v)
	}
	q.add(fmt.Sprintf(` THEN %d WHEN `, matchExact))
	for i, v := range variants {
		q.or(i)
		q.add(`n.folded LIKE ? ESCAPE '\' OR n.folded LIKE ? ESCAPE '\'`, escapeLike(v)+"%", "% "+escapeLike(v)+"%")
	}
	q.add(fmt.Sprintf(` THEN %d WHEN `, matchWordPrefix))
	substring := func() {
		for i, v := range variants {
			q.or(i)
			q.add(`n.folded LIKE ? ESCAPE '\'`, "%"+escapeLike(v)+"%")
		}
	}
	substring()
	q.add(fmt.Sprintf(` THEN %d ELSE %d END) * 2 + (n.alias > 0) AS score
		FROM area_names n JOIN areas a ON a.id = n.area_id
		WHERE a.merged_into IS NULL AND (`, matchSubstring, matchAllWords))
	substring()
	// Words in any order: "hoa phu tho" still finds Phú Thọ Hòa.
	if words := strings.Fields(variants[len(variants)-1]); len(words) > 1 {
		q.add(` OR (`)
		for i, w := range words {
			if i > 0 {
				q.add(` AND `)
			}
			q.add(`(n.folded LIKE ? ESCAPE '\' OR n.folded LIKE ? ESCAPE '\')`, escapeLike(w)+"%", "% "+escapeLike(w)+"%")
		}
		q.add(`)`)
	}
	q.add(`)`)

	// Codes are matched as typed, ignoring case: "TAN-PHU" is tan-phu. Only
	// a query that could be a code is tried, so "%" never reaches LIKE.
	if code := strings.ToLower(strings.TrimSpace(query)); codePattern.MatchString(code) {
		q.add(fmt.Sprintf(`
		UNION ALL
		SELECT a.id, a.kind, a.name, a.code, (CASE
			WHEN lower(a.code) = ? THEN %d
			WHEN lower(a.code) LIKE ? ESCAPE '\' THEN %d
			ELSE %d END) * 2 AS score
		FROM areas a
		WHERE a.merged_into IS NULL AND lower(a.code) LIKE ? ESCAPE '\'`, matchExact, matchWordPrefix, matchSubstring),
			code, escapeLike(code)+"%", "%"+escapeLike(code)+"%")
	}
	q.add(`) GROUP BY area_id`)

	type hit struct {
		id         int64
		kind       AreaKind
		name, code string
		score      int
	}
	rows, err := db.db.QueryContext(ctx, q.sql.String(), q.args...)
	if err != nil {
		return nil, fmt.Errorf("search areas: %w", err)
	}
	defer rows.Close()
	var hits []hit
	for rows.Next() {
		var h hit
		if err := rows.Scan(&h.id, &h.kind, &h.name, &h.code, &h.score); err != nil {
			return nil, fmt.Errorf("search areas: %w", err)
		}
		hits = append(hits, h)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("search areas: %w", err)
	}
	rows.Close()

	slices.SortFunc(hits, func(a, b hit) int {
		return cmp.Or(
			cmp.Compare(a.score, b.score),
			cmp.Compare(kindRank[a.kind], kindRank[b.kind]),
			compareNames(a.name, b.name),
			strings.Compare(a.code, b.code),
		)
	})
	if len(hits) > limit {
		hits = hits[:limit]
	}
	if len(hits) == 0 {
		return nil, nil
	}

	// Read in full only the few areas returned.
	ids := make([]int64, len(hits))
	for i, h := range hits {
		ids[i] = h.id
	}
	byID, err := areasByIDs(ctx, db.stmts.reads(), ids)
	if err != nil {
		return nil, err
	}
	areas := make([]Area, len(ids))
	for i, id := range ids {
		areas[i] = byID[id]
	}
	return areas, nil
}

// escapeLike escapes LIKE's wildcards and its escape character, for use with ESCAPE '\'.
func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// sqlBuilder builds a statement and its arguments side by side, so each
// placeholder stays next to its value.
type sqlBuilder struct {
	sql  strings.Builder
	args []any
}

// add appends text and the arguments of its placeholders.
func (b *sqlBuilder) add(text string, args ...any) {
	b.sql.WriteString(text)
	b.args = append(b.args, args...)
}

// or appends " OR " before every term but the first.
func (b *sqlBuilder) or(i int) {
	if i > 0 {
		b.sql.WriteString(" OR ")
	}
}
