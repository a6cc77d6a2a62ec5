-- The area tree, the chats that talk to the bot, their subscriptions and the
-- bot's own key/value state. Times are RFC 3339 text in UTC.

CREATE TABLE areas (
	id          INTEGER PRIMARY KEY,
	code        TEXT NOT NULL UNIQUE,
	parent_id   INTEGER REFERENCES areas (id),
	kind        TEXT NOT NULL CHECK (kind IN ('city', 'ward', 'quarter', 'building')),
	name        TEXT NOT NULL,
	-- Set once the area is merged into another: the row stays so that its
	-- code (printed on posters as a deep link) still leads somewhere.
	merged_into INTEGER REFERENCES areas (id),
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);

CREATE INDEX areas_parent_id ON areas (parent_id);

-- Every name an area is searched by, folded for search (see Fold).
CREATE TABLE area_names (
	area_id INTEGER NOT NULL REFERENCES areas (id) ON DELETE CASCADE,
	name    TEXT NOT NULL,
	folded  TEXT NOT NULL,
	-- folded without a leading administrative prefix ("phuong", "kp", ...),
	-- so "phu tho hoa" finds "Phường Phú Thọ Hòa".
	bare    TEXT NOT NULL,
	-- 0: the area's own name; 1: an alias from an import; 2: a name kept by a
	-- merge. Re-importing a file replaces 0 and 1 but keeps 2, so importing
	-- the file again after a merge does not forget the merged names.
	alias   INTEGER NOT NULL CHECK (alias IN (0, 1, 2)),
	-- One row per folded form: "Phú Thọ Hòa" and "Phú Thọ Hoà" are one name.
	PRIMARY KEY (area_id, folded)
);

CREATE INDEX area_names_folded ON area_names (folded);
CREATE INDEX area_names_bare ON area_names (bare);

CREATE TABLE chats (
	id          INTEGER PRIMARY KEY, -- Telegram chat id, negative for groups
	type        TEXT NOT NULL DEFAULT 'private',
	title       TEXT NOT NULL DEFAULT '',
	status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'blocked', 'left', 'migrated')),
	language    TEXT NOT NULL DEFAULT 'vi',
	quiet_hours TEXT NOT NULL DEFAULT '', -- '' means the bot's default
	migrated_to INTEGER,
	created_at  TEXT NOT NULL,
	updated_at  TEXT NOT NULL
);

CREATE TABLE subscriptions (
	chat_id    INTEGER NOT NULL REFERENCES chats (id) ON DELETE CASCADE,
	area_id    INTEGER NOT NULL REFERENCES areas (id),
	topics     INTEGER NOT NULL CHECK (topics > 0),
	created_at TEXT NOT NULL,
	PRIMARY KEY (chat_id, area_id)
);

-- Fan-out selects subscriptions by area.
CREATE INDEX subscriptions_area_id ON subscriptions (area_id);

CREATE TABLE bot_state (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
