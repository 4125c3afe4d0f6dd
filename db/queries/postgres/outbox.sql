-- The book's outbox (db/pgstore/outbox.go): changes pushed by the laptops,
-- written back to the vendors by the team's sync.

-- name: LockContractOutbox :exec
-- Two pushes of changes of one contract take turns, so that of two
-- changes of the same field only the first waits to be sent.
SELECT pg_advisory_xact_lock(hashtextextended(@source::text || E'\n' || @contract::text, 17));

-- name: BookChangeByKey :one
SELECT o.*, s.name AS source_name FROM outbox o JOIN sources s ON s.id = o.source_id
WHERE o.laptop_id = @laptop_id AND o.change_key = @change_key;

-- name: QueuedOfContract :many
-- The changes of a contract waiting to be sent or sent, first pushed first.
SELECT id, author, state, base_json, new_json, pushed_at FROM outbox
WHERE source_id = @source_id AND contract_external_id = @contract_external_id AND state IN ('pending', 'sent')
ORDER BY id;

-- name: InsertBookChange :one
INSERT INTO outbox (source_id, contract_external_id, laptop_id, change_key, author, base_json, new_json,
                    state, message, theirs_json, conflict_with, pushed_at, updated_at)
VALUES (@source_id, @contract_external_id, @laptop_id, @change_key, @author, @base_json, @new_json,
        @state, @message, @theirs_json, @conflict_with, @now, @now)
RETURNING id;

-- name: FoldBookChange :exec
-- A change edited on the laptop after its push and pushed again; the base
-- stays the one taken when the first edit began.
UPDATE outbox SET new_json = @new_json, author = @author, updated_at = @now WHERE id = @id;

-- name: BookChangeByID :one
SELECT o.*, s.name AS source_name FROM outbox o JOIN sources s ON s.id = o.source_id WHERE o.id = @id;

-- name: ListBookOutbox :many
-- Every change, first pushed first, with what the book holds of its contract.
SELECT o.*, s.name AS source_name, COALESCE(cu.external_id, '') AS customer_ref,
       COALESCE(c.id, 0)::bigint AS contract_id, COALESCE(c.name, '') AS contract_name
FROM outbox o
JOIN sources s ON s.id = o.source_id
LEFT JOIN contracts c ON c.source_id = o.source_id AND c.external_id = o.contract_external_id
LEFT JOIN customers cu ON cu.id = c.customer_id
ORDER BY o.id;

-- name: ListBookPending :many
-- The changes waiting to be sent, first pushed first, as ListBookOutbox
-- reads them: what the team's write-back reads (by the partial index
-- outbox_pending_by_contract), not every change ever pushed.
SELECT o.*, s.name AS source_name, COALESCE(cu.external_id, '') AS customer_ref,
       COALESCE(c.id, 0)::bigint AS contract_id, COALESCE(c.name, '') AS contract_name
FROM outbox o
JOIN sources s ON s.id = o.source_id
LEFT JOIN contracts c ON c.source_id = o.source_id AND c.external_id = o.contract_external_id
LEFT JOIN customers cu ON cu.id = c.customer_id
WHERE o.state = 'pending'
ORDER BY o.id;

-- name: SettleBookChange :execrows
-- A try that failed for a passing reason (state stays pending) keeps the
-- values in flight: the vendor may have applied them.
UPDATE outbox SET state = @state, message = @message, theirs_json = @theirs_json,
    attempts = attempts + 1, updated_at = @now,
    inflight_json = CASE WHEN @state::text = 'pending' THEN inflight_json ELSE '{}' END
WHERE id = @id;

-- name: SetBookInFlight :exec
UPDATE outbox SET inflight_json = @inflight_json WHERE id = @id;

-- name: RebaseBookChange :exec
-- A change pushed again while it was being sent: the vendor holds the sent
-- values now, so they become its base, and it stays pending for the rest.
UPDATE outbox SET base_json = @base_json, new_json = @new_json, message = @message,
    attempts = attempts + 1, updated_at = @now, inflight_json = '{}'
WHERE id = @id;

-- name: OutcomesOfLaptop :many
-- What became of the changes a laptop pushed, by their keys there.
SELECT o.change_key, o.state, o.message, o.new_json, o.theirs_json
FROM outbox o WHERE o.laptop_id = @laptop_id AND o.change_key = ANY(@keys::text[]);

-- name: ContractRunID :one
-- The run that last wrote a contract, which a vendor's answer to a
-- write-back is recorded under.
SELECT run_id FROM contracts WHERE source_id = @source_id AND external_id = @external_id;
