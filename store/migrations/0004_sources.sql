-- News sources: RSS/Atom feeds and watched HTML list pages, the areas they
-- feed, the items already seen, and what each source broadcast carried.

CREATE TABLE sources (
	id               INTEGER PRIMARY KEY,
	url              TEXT NOT NULL,
	kind             TEXT NOT NULL CHECK (kind IN ('rss', 'html')),
	selector         TEXT NOT NULL DEFAULT '', -- html: CSS selector of the article links
	name             TEXT NOT NULL,            -- shown to residents: the feed's or page's title
	topic            INTEGER NOT NULL CHECK (topic IN (1, 4)), -- announcements or news
	interval_s       INTEGER NOT NULL CHECK (interval_s >= 60),
	keywords         TEXT NOT NULL DEFAULT '', -- comma-separated, as typed; '' relays everything
	etag             TEXT NOT NULL DEFAULT '',
	last_modified    TEXT NOT NULL DEFAULT '',
	failures         INTEGER NOT NULL DEFAULT 0, -- failed polls in a row
	last_error       TEXT NOT NULL DEFAULT '',
	backoff_until    TEXT NOT NULL DEFAULT '',   -- set while failing: no poll before it
	next_poll_at     TEXT NOT NULL,
	last_polled_at   TEXT NOT NULL DEFAULT '',
	owner            INTEGER NOT NULL DEFAULT 0, -- the official who added it; 0: the command line
	paused           INTEGER NOT NULL DEFAULT 0,
	failing_notified INTEGER NOT NULL DEFAULT 0, -- the owner was told it keeps failing
	created_at       TEXT NOT NULL,
	updated_at       TEXT NOT NULL
);

CREATE INDEX sources_due ON sources (paused, next_poll_at);

-- The areas a source feeds, one or many.
CREATE TABLE source_areas (
	source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	area_id   INTEGER NOT NULL REFERENCES areas (id),
	PRIMARY KEY (source_id, area_id)
) WITHOUT ROWID;

CREATE INDEX source_areas_area_id ON source_areas (area_id);

-- Every item a source has shown, relayed or not: key is "guid:" + the GUID,
-- else "link:" + the canonical link (see ItemKey).
CREATE TABLE items (
	source_id INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
	key       TEXT NOT NULL,
	link      TEXT NOT NULL,
	title     TEXT NOT NULL DEFAULT '',
	seen_at   TEXT NOT NULL,
	PRIMARY KEY (source_id, key)
) WITHOUT ROWID;

-- The articles a source broadcast carried, by canonical link: a chat that
-- has a delivery of a broadcast carrying a link is never sent it again,
-- whichever source finds it next.
CREATE TABLE broadcast_links (
	link         TEXT NOT NULL,
	broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
	PRIMARY KEY (link, broadcast_id)
) WITHOUT ROWID;

CREATE INDEX broadcast_links_broadcast_id ON broadcast_links (broadcast_id);

-- Working space of one relay, filled and emptied inside its write
-- transaction, so no other connection ever sees a row: for each chat the
-- relay reaches, the bit set of the new items it has not been sent yet.
CREATE TABLE relay_chats (
	chat_id INTEGER PRIMARY KEY,
	mask    INTEGER NOT NULL
);
