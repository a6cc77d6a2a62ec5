-- Running it for real: the updates Telegram delivers to the webhook, kept
-- until handled, and daily counts of subscriptions made and ended per area,
-- for stats.

-- An update Telegram delivered to the webhook, stored before it was
-- acknowledged. handled_at is set once the bot has handled it; handled rows
-- are kept a day so that Telegram's retry of one is recognised and dropped.
CREATE TABLE updates (
	update_id   INTEGER PRIMARY KEY,
	body        TEXT NOT NULL,
	received_at TEXT NOT NULL,
	handled_at  TEXT
);

CREATE INDEX updates_unhandled ON updates (update_id) WHERE handled_at IS NULL;
CREATE INDEX updates_handled_at ON updates (handled_at) WHERE handled_at IS NOT NULL;

-- Residents' own actions per area and day (YYYY-MM-DD in Asia/Ho_Chi_Minh):
-- joined counts subscriptions made (and those of a chat that came back after
-- blocking the bot), ended those removed (and those of a chat that blocked
-- the bot or removed it from a group). Moves (a merge of areas, a group
-- becoming a supergroup) are neither. No chat id is kept.
CREATE TABLE subscription_days (
	day     TEXT NOT NULL,
	area_id INTEGER NOT NULL,
	joined  INTEGER NOT NULL DEFAULT 0,
	ended   INTEGER NOT NULL DEFAULT 0,
	PRIMARY KEY (day, area_id)
) WITHOUT ROWID;

-- What came before this file: the subscriptions there are, on the day they were made.
INSERT INTO subscription_days (day, area_id, joined)
	SELECT date(created_at, '+7 hours'), area_id, count(*) FROM subscriptions GROUP BY 1, 2;
