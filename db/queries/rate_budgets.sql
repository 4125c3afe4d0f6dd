-- name: RateBudget :one
SELECT blocked_until FROM rate_budgets WHERE vendor = ? AND key_hash = ?;

-- name: SetRateBudget :exec
INSERT INTO rate_budgets (vendor, key_hash, blocked_until, updated_at)
VALUES (@vendor, @key_hash, @blocked_until, @updated_at)
ON CONFLICT (vendor, key_hash) DO UPDATE
SET blocked_until = excluded.blocked_until, updated_at = excluded.updated_at;
