-- name: OutboxContract :one
-- The cached contract an edit is about, with what the outbox needs of it.
SELECT c.id, c.raw_json, c.run_id, s.id AS source_id, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref
FROM contracts c
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
WHERE s.name = @source AND c.external_id = @external_id;

-- name: OutboxByContract :one
SELECT * FROM outbox WHERE source_id = ? AND contract_external_id = ?;

-- name: OutboxByID :one
SELECT o.*, s.name AS source_name FROM outbox o JOIN sources s ON s.id = o.source_id WHERE o.id = ?;

-- name: PutOutbox :one
-- A new change, replacing a settled one of the same contract.
INSERT INTO outbox (source_id, contract_external_id, base_json, new_json, state, created_at, updated_at)
VALUES (@source_id, @contract_external_id, @base_json, @new_json, 'pending', @now, @now)
ON CONFLICT (source_id, contract_external_id) DO UPDATE SET
    base_json = excluded.base_json, new_json = excluded.new_json, state = 'pending',
    message = '', theirs_json = '{}', attempts = 0, inflight_json = '{}', book_key = '', pushed_json = '',
    created_at = excluded.created_at, updated_at = excluded.updated_at
RETURNING id;

-- name: FoldOutbox :exec
-- The base stays the one taken when the first edit began.
UPDATE outbox SET new_json = @new_json, updated_at = @now WHERE id = @id;

-- name: DeleteOutbox :execrows
DELETE FROM outbox WHERE id = ?;

-- name: SettleOutbox :execrows
-- A try that failed for a passing reason (state stays pending) keeps the
-- values in flight: the vendor may have applied them.
UPDATE outbox SET state = @state, message = @message, theirs_json = @theirs_json,
    attempts = attempts + 1, updated_at = @now,
    inflight_json = CASE WHEN @state = 'pending' THEN inflight_json ELSE '{}' END
WHERE id = @id;

-- name: SetInFlight :execrows
UPDATE outbox SET inflight_json = @inflight_json WHERE id = @id;

-- name: RebaseOutbox :exec
-- A change edited again while it was being sent: the vendor holds the sent
-- values now, so they become its base, and it stays pending for the rest.
UPDATE outbox SET base_json = @base_json, new_json = @new_json, message = @message,
    attempts = attempts + 1, updated_at = @now, inflight_json = '{}'
WHERE id = @id;

-- name: ListOutbox :many
-- Every change, or those of one contract when source and contract are set,
-- or those in one state when state is set.
SELECT o.*, s.name AS source_name, COALESCE(cu.external_id, '') AS customer_ref,
       COALESCE(c.id, 0) AS contract_id, COALESCE(c.name, '') AS contract_name
FROM outbox o
JOIN sources s ON s.id = o.source_id
LEFT JOIN contracts c ON c.source_id = o.source_id AND c.external_id = o.contract_external_id
LEFT JOIN customers cu ON cu.id = c.customer_id
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@contract AS TEXT) = '' OR o.contract_external_id = @contract)
  AND (CAST(@state AS TEXT) = '' OR o.state = @state)
ORDER BY o.id;

-- name: ResolveOutbox :execrows
-- A conflict the user settled: the base becomes the vendor's values, and
-- the change is pending again (a new change for a team's book: new key).
UPDATE outbox SET base_json = @base_json, new_json = @new_json, state = 'pending',
    message = '', theirs_json = '{}', inflight_json = '{}', book_key = '', pushed_json = '', updated_at = @now
WHERE id = @id AND state = 'conflict';

-- name: CountOutbox :many
SELECT state, COUNT(*) AS n FROM outbox GROUP BY state;

-- name: SourceVendor :one
SELECT vendor FROM sources WHERE name = ?;

-- name: SetBookKey :execrows
-- The change's name in a team's book, set once before its first push.
UPDATE outbox SET book_key = @book_key WHERE id = @id AND book_key = '' AND state = 'pending';

-- name: MarkPushed :execrows
-- The book took the change with these values; the message of an earlier
-- round is done with.
UPDATE outbox SET pushed_json = @pushed_json, message = '' WHERE book_key = @book_key AND state = 'pending';

-- name: OutboxByBookKey :one
SELECT * FROM outbox WHERE book_key = ?;

-- name: RebaseFromBook :exec
-- The book's sync sent the values pushed earlier, and the change was edited
-- since: those values are the vendor's now, and what is left goes to the
-- book as a new change.
UPDATE outbox SET base_json = @base_json, new_json = @new_json, message = @message,
    book_key = '', pushed_json = '', inflight_json = '{}', updated_at = @now
WHERE id = @id;

-- name: LaptopID :one
SELECT laptop_id, author FROM laptop WHERE id = 1;

-- name: SetLaptopAuthor :exec
UPDATE laptop SET author = @author WHERE id = 1;

-- name: SetLaptopID :exec
INSERT INTO laptop (id, laptop_id) VALUES (1, @laptop_id) ON CONFLICT (id) DO NOTHING;
