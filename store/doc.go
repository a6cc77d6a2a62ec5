// Package store holds the domain of Loa Phường (areas, chats, their
// subscriptions) and keeps it in SQLite through the pure-Go
// modernc.org/sqlite driver, with the schema in embedded, numbered
// migrations. It imports none of the other packages of the bot: they all
// talk through its types.
package store
