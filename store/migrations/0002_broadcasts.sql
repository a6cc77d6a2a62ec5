-- Officials and what they do: roles, one-time invites, the audit log, the
-- drafts of their broadcasts; and the outbox: broadcasts with one delivery
-- row per chat.

-- A role lets a Telegram user act on an area and everything below it; an
-- admin (area_id NULL) acts on the whole tree and manages officials.
CREATE TABLE roles (
	user_id    INTEGER NOT NULL,
	area_id    INTEGER REFERENCES areas (id),
	name       TEXT NOT NULL DEFAULT '', -- the user's name, for lists
	granted_by INTEGER NOT NULL DEFAULT 0, -- 0: the command line
	created_at TEXT NOT NULL
);

CREATE UNIQUE INDEX roles_user_area ON roles (user_id, COALESCE(area_id, 0));
CREATE INDEX roles_area_id ON roles (area_id);

-- An invite is the payload of a deep link: whoever opens it first, before it
-- expires, gets a role on its area.
CREATE TABLE invites (
	code       TEXT PRIMARY KEY,
	area_id    INTEGER REFERENCES areas (id), -- NULL: an admin invite
	created_by INTEGER NOT NULL,
	created_at TEXT NOT NULL,
	expires_at TEXT NOT NULL,
	used_by    INTEGER,
	used_at    TEXT
);

-- Who did what to whom: every official action, allowed or refused.
CREATE TABLE audit (
	id      INTEGER PRIMARY KEY,
	at      TEXT NOT NULL,
	actor   INTEGER NOT NULL, -- Telegram user id, 0 for the command line
	action  TEXT NOT NULL,
	area_id INTEGER,
	detail  TEXT NOT NULL DEFAULT ''
);

CREATE INDEX audit_actor ON audit (actor, id);

-- The broadcast an official is composing in Telegram, step by step, so a
-- restart in the middle of it loses nothing.
CREATE TABLE drafts (
	user_id    INTEGER PRIMARY KEY,
	chat_id    INTEGER NOT NULL,
	step       TEXT NOT NULL,
	area_id    INTEGER REFERENCES areas (id),
	topic      INTEGER NOT NULL DEFAULT 1,
	text       TEXT NOT NULL DEFAULT '',
	photo      TEXT NOT NULL DEFAULT '',
	urgent     INTEGER NOT NULL DEFAULT 0,
	send_at    TEXT NOT NULL DEFAULT '',
	message_id INTEGER NOT NULL DEFAULT 0,
	updated_at TEXT NOT NULL
);

-- A broadcast is one message to the subscribers of an area (and the areas
-- below it) for one topic. text is the HTML residents see.
CREATE TABLE broadcasts (
	id             INTEGER PRIMARY KEY,
	area_id        INTEGER NOT NULL REFERENCES areas (id),
	topic          INTEGER NOT NULL,
	text           TEXT NOT NULL,
	photo          TEXT NOT NULL DEFAULT '', -- a Telegram file_id
	urgent         INTEGER NOT NULL DEFAULT 0,
	author         TEXT NOT NULL, -- "user:ID", "cli", ...
	author_user    INTEGER NOT NULL DEFAULT 0,
	report_chat    INTEGER NOT NULL DEFAULT 0, -- where progress and the report go
	report_message INTEGER NOT NULL DEFAULT 0, -- the progress message, once sent
	send_at        TEXT NOT NULL,
	status         TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'done', 'cancelled')),
	created_at     TEXT NOT NULL,
	finished_at    TEXT
);

CREATE INDEX broadcasts_status ON broadcasts (status, urgent, id);
CREATE INDEX broadcasts_author_user ON broadcasts (author_user, id);

-- One row per (broadcast, chat). blocked: the chat cannot be reached (403,
-- chat not found); failed: Telegram refused this message (reason kept);
-- skipped: never sent (cancelled, or the chat became unreachable).
CREATE TABLE deliveries (
	broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id) ON DELETE CASCADE,
	chat_id      INTEGER NOT NULL,
	state        TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'blocked', 'failed', 'skipped')),
	message_id   INTEGER NOT NULL DEFAULT 0,
	reason       TEXT NOT NULL DEFAULT '',
	attempts     INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (broadcast_id, chat_id)
) WITHOUT ROWID;

-- The dispatcher reads pending rows per chat when a chat moves or is lost.
CREATE INDEX deliveries_chat_pending ON deliveries (chat_id) WHERE state = 'pending';
