-- Applied on every open before anything else, so that the migrator can ask
-- which version a cache is at. Idempotent by design.
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at INTEGER NOT NULL -- Unix seconds, UTC
);
