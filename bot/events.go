package bot

import (
	"context"
	"time"

	"github.com/loaphuong/loaphuong/scheduler"
	"github.com/loaphuong/loaphuong/store"
)

// /events shows a resident what is coming where they live: the days of
// events (national and lunar days, and the areas' own) with the days left,
// and the campaigns reminding there with their next reminder.

// How far ahead /events looks, and how many days it lists.
const (
	eventsHorizon = 366
	eventsShown   = 12
)

// comingCampaign is a campaign running in a chat's areas.
type comingCampaign struct {
	title string
	next  time.Time
}

// events answers /events.
func (b *Bot) events(ctx context.Context, u update) error {
	text, err := b.eventsView(ctx, u.ChatID)
	if err != nil {
		return err
	}
	_, err = b.send(ctx, u.ChatID, text, nil)
	return err
}

// eventsView lists what is coming in a chat's areas: what reaches an area
// is what is meant for it and for every area above it.
func (b *Bot) eventsView(ctx context.Context, chatID int64) (string, error) {
	subs, err := b.db.Subscriptions(ctx, chatID)
	if err != nil {
		return "", err
	}
	reach := map[int64]bool{0: true}
	var labels []string
	for _, s := range subs {
		path, err := b.db.AreaPath(ctx, s.Area.ID)
		if err != nil {
			return "", err
		}
		for _, a := range path {
			reach[a.ID] = true
		}
		labels = append(labels, store.AreaLabel(path))
	}
	all, err := b.db.Events(ctx, false)
	if err != nil {
		return "", err
	}
	var events []store.Event
	for _, e := range all {
		if reach[e.AreaID] {
			events = append(events, e)
		}
	}
	now := b.now()
	list := scheduler.Upcoming(events, now, eventsHorizon)
	if len(list) > eventsShown {
		list = list[:eventsShown]
	}
	var running []comingCampaign
	if len(subs) > 0 {
		cs, err := b.db.Campaigns(ctx, false)
		if err != nil {
			return "", err
		}
		for _, c := range cs {
			if c.Status != store.CampaignActive {
				continue
			}
			var next time.Time
			for _, s := range c.Schedules {
				if !reach[s.AreaID] {
					continue
				}
				if t := nextReminder(s.Spec, c, now); !t.IsZero() && (next.IsZero() || t.Before(next)) {
					next = t
				}
			}
			if !next.IsZero() {
				running = append(running, comingCampaign{title: c.Title, next: next})
			}
		}
	}
	return txtEvents(labels, list, running, now), nil
}

// nextReminder is the first reminder of a campaign's schedule after now,
// within its days; the zero time when there is none.
func nextReminder(spec string, c store.Campaign, now time.Time) time.Time {
	s, err := scheduler.Parse(spec)
	if err != nil {
		return time.Time{}
	}
	return scheduler.NextWithin(s, c.From, c.Until, now)
}
