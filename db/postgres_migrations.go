package db

import "embed"

// PostgresMigrations are the numbered migrations of the team's book on
// PostgreSQL (db/pgstore applies them), kept beside the SQLite cache's so
// that every schema lives in db/migrations.
//
//go:embed migrations/postgres/*.sql
var PostgresMigrations embed.FS
