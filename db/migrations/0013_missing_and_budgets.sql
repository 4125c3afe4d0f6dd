-- Records a run did not fetch because the vendor did not answer after
-- every retry: missing data, which the next sync asks for again, counted
-- apart from failed (records the vendor sent with bad data). Both kinds
-- are listed in sync_problems.
ALTER TABLE sync_runs ADD COLUMN missing INTEGER NOT NULL DEFAULT 0;

-- A vendor's request budget (rate limit) shared by every process syncing
-- with the same API key: the time until which the budget is spent, Unix
-- seconds UTC. key_hash is the hex SHA-256 of the key, never the key.
CREATE TABLE rate_budgets (
    vendor        TEXT NOT NULL,
    key_hash      TEXT NOT NULL,
    blocked_until INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (vendor, key_hash)
);
