-- Time: campaigns (phong trào, cuộc vận động) with one schedule per area,
-- dated events with countdowns, the templates of the built-in catalogue,
-- the campaign an official is composing, and the record of every occurrence
-- the scheduler has handled.

-- A campaign reminds the subscribers of its areas, on each area's schedule,
-- between two days. Its text is plain, as the official wrote it.
CREATE TABLE campaigns (
	id            INTEGER PRIMARY KEY,
	title         TEXT NOT NULL,
	text          TEXT NOT NULL,
	catalogue_key TEXT NOT NULL DEFAULT '', -- the catalogue entry it was turned on from
	starts_on     TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD in Asia/Ho_Chi_Minh; '' unbounded
	ends_on       TEXT NOT NULL DEFAULT '', -- inclusive
	status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused', 'ended')),
	-- Created or last resumed: occurrences before it are never caught up.
	active_since  TEXT NOT NULL,
	created_by    INTEGER NOT NULL DEFAULT 0, -- Telegram user id, 0 for the command line
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);

-- One schedule per area of a campaign: each area keeps its own day and time.
-- spec is a 5-field cron expression in Asia/Ho_Chi_Minh or a preset name.
CREATE TABLE campaign_schedules (
	id          INTEGER PRIMARY KEY,
	campaign_id INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
	area_id     INTEGER NOT NULL REFERENCES areas (id),
	spec        TEXT NOT NULL,
	created_at  TEXT NOT NULL,
	UNIQUE (campaign_id, area_id)
);

CREATE INDEX campaign_schedules_area_id ON campaign_schedules (area_id);

-- An event is a dated occasion with countdown reminders: once (year set) or
-- every year, by the solar or the lunar calendar. area_id NULL: everywhere.
CREATE TABLE events (
	id            INTEGER PRIMARY KEY,
	catalogue_key TEXT UNIQUE, -- set for the entries of the catalogue
	title         TEXT NOT NULL,
	text          TEXT NOT NULL DEFAULT '',
	area_id       INTEGER REFERENCES areas (id),
	calendar      TEXT NOT NULL CHECK (calendar IN ('solar', 'lunar')),
	year          INTEGER NOT NULL DEFAULT 0, -- 0: every year
	month         INTEGER NOT NULL CHECK (month BETWEEN 1 AND 12),
	day           INTEGER NOT NULL CHECK (day BETWEEN 1 AND 31),
	since         INTEGER NOT NULL DEFAULT 0, -- the year it commemorates: "kỷ niệm N năm"
	milestones    TEXT NOT NULL DEFAULT '100,30,7,1,0', -- days before; '' shown but never reminded
	remind_at     INTEGER NOT NULL DEFAULT 420, -- minutes after midnight the reminders go out
	off           INTEGER NOT NULL DEFAULT 0,
	created_by    INTEGER NOT NULL DEFAULT 0,
	created_at    TEXT NOT NULL,
	updated_at    TEXT NOT NULL
);

CREATE INDEX events_area_id ON events (area_id);

-- The campaigns of the catalogue: off until an official turns one on for an
-- area, which makes a campaign of it with that area's day and time.
CREATE TABLE campaign_templates (
	key        TEXT PRIMARY KEY,
	title      TEXT NOT NULL,
	text       TEXT NOT NULL,
	schedule   TEXT NOT NULL DEFAULT '', -- the suggested schedule
	starts_on  TEXT NOT NULL DEFAULT '',
	ends_on    TEXT NOT NULL DEFAULT '',
	off        INTEGER NOT NULL DEFAULT 0, -- 1: not offered
	position   INTEGER NOT NULL DEFAULT 0, -- the order of the file
	updated_at TEXT NOT NULL
);

-- The campaign an official is composing in Telegram, step by step.
CREATE TABLE campaign_drafts (
	user_id       INTEGER PRIMARY KEY,
	chat_id       INTEGER NOT NULL,
	step          TEXT NOT NULL,
	catalogue_key TEXT NOT NULL DEFAULT '',
	title         TEXT NOT NULL DEFAULT '',
	text          TEXT NOT NULL DEFAULT '',
	areas         TEXT NOT NULL DEFAULT '', -- area ids, comma-separated
	starts_on     TEXT NOT NULL DEFAULT '',
	ends_on       TEXT NOT NULL DEFAULT '',
	spec          TEXT NOT NULL DEFAULT '',
	message_id    INTEGER NOT NULL DEFAULT 0,
	updated_at    TEXT NOT NULL
);

-- Every occurrence the scheduler handled, recorded in the transaction that
-- creates its broadcast: the primary key makes a second attempt fail, so an
-- occurrence is never fired twice, across restarts and processes. key names
-- what fired ("schedule:ID", "event:ID:AREA"); at is the occurrence's time.
CREATE TABLE occurrences (
	key          TEXT NOT NULL,
	at           TEXT NOT NULL,
	outcome      TEXT NOT NULL CHECK (outcome IN ('fired', 'skipped')),
	broadcast_id INTEGER REFERENCES broadcasts (id),
	reason       TEXT NOT NULL DEFAULT '',
	recorded_at  TEXT NOT NULL,
	PRIMARY KEY (key, at)
) WITHOUT ROWID;
