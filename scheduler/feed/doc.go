// Package feed reads news sources and relays what is new in them: RSS and
// Atom feeds (gofeed) and HTML list pages read with a CSS selector for the
// article links (goquery).
//
// A Fetcher makes one bounded request: http and https only (on redirects
// too), a few redirects at most, a time limit, a size limit, and a
// conditional GET with the source's ETag and Last-Modified. Charsets
// declared wrongly or not at all, as on many Vietnamese government sites,
// are decoded where the bytes allow it; what still cannot be read is an
// error, never a crash.
//
// A Poller polls the sources that are due, a bounded number at once, and
// hands what it finds to the store (store.DB.RecordPoll), which alone
// decides what is new and enqueues it in the outbox; the bot's dispatcher
// delivers it. A source that fails is polled less and less often, and its
// owner is told once when it keeps failing.
package feed
