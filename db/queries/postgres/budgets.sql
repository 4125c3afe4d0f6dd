-- The vendors' request budgets on the team's book, shared by every sync
-- with one API key (known by its hash), as db/queries/rate_budgets.sql on
-- the cache. Instants go in and out as Unix seconds, as the cache keeps
-- them (0: not known to be spent).

-- name: RateBudget :one
SELECT CAST(EXTRACT(EPOCH FROM blocked_until) AS BIGINT) AS blocked_until
FROM rate_budgets WHERE vendor = @vendor AND key_hash = @key_hash;

-- name: SetRateBudget :exec
INSERT INTO rate_budgets (vendor, key_hash, blocked_until, updated_at)
VALUES (@vendor, @key_hash, to_timestamp(@blocked_until::bigint), @updated_at)
ON CONFLICT (vendor, key_hash) DO UPDATE
SET blocked_until = excluded.blocked_until, updated_at = excluded.updated_at;
