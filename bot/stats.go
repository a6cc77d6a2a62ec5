package bot

import (
	"context"

	"github.com/loaphuong/loaphuong/store"
)

// /stats shows an official the areas of their scope: how many chats
// receive what is sent there and how that changed over 7 and 30 days,
// then how their scope's latest broadcasts were delivered.

// Bounds on what /stats lists, so the message stays readable (and under
// Telegram's 4096 characters).
const (
	statsChildren   = 25 // areas listed under each top of the scope
	statsBroadcasts = 5
)

// statsBlock is one area at the top of a scope, with the areas right inside it.
type statsBlock struct {
	top      store.AreaStat
	children []store.AreaStat
	more     int // children not listed
}

// statsView is the text of /stats for a user.
func (b *Bot) statsView(ctx context.Context, userID int64) (string, error) {
	admin, tops, err := b.scopeTops(ctx, userID)
	if err != nil {
		return "", err
	}
	if len(tops) == 0 {
		if admin {
			return txtNoAreasYet, nil
		}
		return txtNoScope, nil
	}
	all, err := b.db.AreaStats(ctx)
	if err != nil {
		return "", err
	}
	index := make(map[int64]int, len(all))
	for i, s := range all {
		index[s.Area.ID] = i
	}
	var blocks []statsBlock
	ids := make([]int64, 0, len(tops))
	for _, t := range tops {
		i, ok := index[t.ID]
		if !ok {
			continue
		}
		ids = append(ids, t.ID)
		blk := statsBlock{top: all[i]}
		for j := i + 1; j < len(all) && all[j].Depth > all[i].Depth; j++ {
			if all[j].Depth != all[i].Depth+1 {
				continue
			}
			if len(blk.children) < statsChildren {
				blk.children = append(blk.children, all[j])
			} else {
				blk.more++
			}
		}
		blocks = append(blocks, blk)
	}
	if admin {
		ids = nil // every broadcast, merged areas' included
	}
	bs, err := b.db.BroadcastsIn(ctx, ids, statsBroadcasts)
	if err != nil {
		return "", err
	}
	return txtStats(blocks, bs), nil
}
