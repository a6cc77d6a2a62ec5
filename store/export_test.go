package store

// This file lends the external tests (package store_test) what they need to
// test the migration runner with migrations other than the shipped ones.

// OpenFS is Open with the migrations taken from fsys.
var OpenFS = open

// MigrationFS is the shipped schema.
var MigrationFS = migrationFS
