// Package scheduler is everything driven by time (DESIGN §4): campaign
// reminders on cron schedules and presets in Asia/Ho_Chi_Minh (solar and
// lunar), countdowns toward events and anniversaries, and the built-in
// catalogue of movements and national and lunar days. Each firing becomes a
// broadcast in the store's outbox, topic reminders, recorded as an
// occurrence in the same transaction, so that it is never fired twice.
package scheduler
