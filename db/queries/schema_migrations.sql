-- name: RecordMigration :exec
INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?);

-- name: AppliedMigrations :many
SELECT version FROM schema_migrations;
