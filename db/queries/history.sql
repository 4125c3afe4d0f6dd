-- name: ContractState :one
-- What a sync compares a fetched contract with: a stored contract whose raw
-- JSON and fields are the same and which is not marked removed is only
-- touched (TouchContract), not rewritten.
SELECT id, raw_json, fields_json, removed_at FROM contracts
WHERE source_id = @source_id AND external_id = @external_id;

-- name: TouchContract :exec
UPDATE contracts SET fetched_at = @fetched_at, run_id = @run_id WHERE id = @id;

-- name: KeepVersion :exec
-- The contract as it is now, kept before it is replaced or marked removed.
INSERT INTO contract_versions (contract_id, raw_json, fields_json, removed_at, fetched_at, run_id, replaced_at)
SELECT c.id, c.raw_json, c.fields_json, c.removed_at, c.fetched_at, @run_id, @now FROM contracts c WHERE c.id = @id;

-- name: MarkRemoved :exec
UPDATE contracts SET removed_at = @now WHERE id = @id;

-- name: UnseenContracts :many
-- The current contracts of a source that run did not fetch: after a
-- completed full listing, the ones the vendor no longer has.
SELECT c.id, c.external_id, COALESCE(cu.external_id, '') AS customer_ref
FROM contracts c LEFT JOIN customers cu ON cu.id = c.customer_id
WHERE c.source_id = @source_id AND c.removed_at IS NULL AND c.run_id IS NOT @run_id;

-- name: IsUnseen :one
SELECT COUNT(*) FROM contracts
WHERE id = @id AND source_id = @source_id AND removed_at IS NULL AND run_id IS NOT @run_id;

-- name: CurrentContractID :one
SELECT id FROM contracts
WHERE source_id = @source_id AND external_id = @external_id AND removed_at IS NULL;

-- name: ContractVersions :many
-- A contract's earlier versions, oldest first.
SELECT id, raw_json, fields_json, removed_at, fetched_at, run_id, replaced_at
FROM contract_versions WHERE contract_id = ? ORDER BY id;

-- name: ContractNow :one
SELECT raw_json, fields_json, removed_at FROM contracts WHERE id = ?;

-- name: CountRemovedContracts :one
SELECT COUNT(*) AS total FROM contracts WHERE removed_at IS NOT NULL;
