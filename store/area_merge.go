package store

import (
	"context"
	"fmt"
)

// MergeArea merges the area oldCode into the area newCode, as when wards
// were merged in 2025: every subscription of the old area moves to the new
// one (a chat subscribed to both keeps one subscription with the topics of
// both), the old area's children move under the new one, its names become
// aliases of the new one so people can still find it by them, and the old
// row stays, pointing at the new one, so AreaByCode(oldCode), the deep link
// on printed posters, leads to the new area; news sources feeding the old
// area feed the new one. It is all one transaction.
// Both areas must exist and be live and differ, the new one must not be
// inside the old one, and it must not be of a lower kind (a ward merged
// into a khu phố would put khu phố inside a khu phố's place).
func (db *DB) MergeArea(ctx context.Context, oldCode, newCode string) error {
	if oldCode == newCode {
		return Errorf(EINVALID, "cannot merge area %q into itself", oldCode)
	}
	now := formatTime(db.now())
	return db.update(ctx, func(tx querier) error {
		t, err := loadTree(ctx, tx)
		if err != nil {
			return err
		}
		old, ok := t.byCode[oldCode]
		if !ok {
			return Errorf(ENOTFOUND, "area %q not found", oldCode)
		}
		into, ok := t.byCode[newCode]
		if !ok {
			return Errorf(ENOTFOUND, "area %q not found", newCode)
		}
		for _, n := range []*treeNode{old, into} {
			if n.mergedInto != 0 {
				return Errorf(EINVALID, "area %q is already merged into %q", n.code, t.live(n).code)
			}
		}
		for p, i := into, 0; p != nil && i <= maxDepth; p, i = t.byID[p.parentID], i+1 {
			if p == old {
				return Errorf(EINVALID, "cannot merge area %q into %q, which is inside it", oldCode, newCode)
			}
		}
		if kindRank[into.kind] > kindRank[old.kind] {
			return Errorf(EINVALID, "cannot merge the %s %q into the %s %q", old.kind, oldCode, into.kind, newCode)
		}

		steps := []struct {
			what, query string
			args        []any
		}{
			// "WHERE true" lets SQLite parse ON CONFLICT after INSERT ... SELECT.
			{"move subscriptions", `INSERT INTO subscriptions (chat_id, area_id, topics, created_at)
				SELECT chat_id, ?2, topics, created_at FROM subscriptions WHERE area_id = ?1 AND true
				ON CONFLICT (chat_id, area_id) DO UPDATE SET topics = topics | excluded.topics`,
				[]any{old.id, into.id}},
			{"move subscriptions", `DELETE FROM subscriptions WHERE area_id = ?1`, []any{old.id}},
			// A news source feeding the old area feeds the new one.
			{"move sources", `INSERT INTO source_areas (source_id, area_id)
				SELECT source_id, ?2 FROM source_areas WHERE area_id = ?1 AND true
				ON CONFLICT (source_id, area_id) DO NOTHING`, []any{old.id, into.id}},
			{"move sources", `DELETE FROM source_areas WHERE area_id = ?1`, []any{old.id}},
			// TODO(roles): when officials' roles on areas are added, move them
			// here too: a ward official of the old ward keeps their duties.
			{"move children", `UPDATE areas SET parent_id = ?2, updated_at = ?3 WHERE parent_id = ?1`, []any{old.id, into.id, now}},
			// Every name of the old area, its own and its aliases, becomes a
			// name of the new one, unless the new one already has it.
			{"keep names", `INSERT INTO area_names (area_id, name, folded, bare, alias)
				SELECT ?2, name, folded, bare, 2 FROM area_names WHERE area_id = ?1 ORDER BY alias, rowid
				ON CONFLICT (area_id, folded) DO NOTHING`, []any{old.id, into.id}},
			// Earlier merges into the old area now point at the new one, so
			// following a code is always one step.
			{"redirect earlier merges", `UPDATE areas SET merged_into = ?2, updated_at = ?3 WHERE merged_into = ?1`, []any{old.id, into.id, now}},
			{"mark merged", `UPDATE areas SET merged_into = ?2, updated_at = ?3 WHERE id = ?1`, []any{old.id, into.id, now}},
		}
		for _, s := range steps {
			if _, err := tx.ExecContext(ctx, s.query, s.args...); err != nil {
				return fmt.Errorf("merge area %q into %q: %s: %w", oldCode, newCode, s.what, err)
			}
		}
		return nil
	})
}
