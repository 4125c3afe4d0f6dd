-- Applying db/migrations/postgres: one migrator at a time (a transaction
-- advisory lock), each migration recorded in schema_migrations.

-- name: LockMigrations :exec
SELECT pg_advisory_xact_lock(@key::bigint);

-- name: HasMigrationsTable :one
SELECT (to_regclass('schema_migrations') IS NOT NULL)::boolean AS present;

-- name: MigrationVersion :one
SELECT CAST(COALESCE(MAX(version), 0) AS INTEGER) AS version FROM schema_migrations;

-- name: RecordMigration :exec
INSERT INTO schema_migrations (version) VALUES ($1);

-- Two syncs of one book never clash: each holds a session advisory lock on
-- its own connection, keyed by the book's schema, which PostgreSQL releases
-- however the holder ends (its connection closes).

-- name: TrySyncLock :one
SELECT pg_try_advisory_lock(@ns::integer, hashtext(current_schema())) AS locked;

-- name: SyncUnlock :one
SELECT pg_advisory_unlock(@ns::integer, hashtext(current_schema())) AS unlocked;
