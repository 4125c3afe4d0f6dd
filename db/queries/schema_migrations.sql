-- name: SchemaVersion :one
SELECT CAST(COALESCE(MAX(version), 0) AS INTEGER) AS version FROM schema_migrations;

-- name: RecordMigration :exec
INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?);

-- name: AppliedMigrations :many
SELECT version FROM schema_migrations;
