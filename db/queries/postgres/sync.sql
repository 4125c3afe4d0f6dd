-- The contract sync's statements on the team's book (PostgreSQL), as
-- db/queries' sources, sync_runs, checkpoints, customers and history
-- statements are on the SQLite cache.

-- name: UpsertSource :exec
INSERT INTO sources (name, vendor, base_url, created_at)
VALUES (@name, @vendor, @base_url, @created_at)
ON CONFLICT (name) DO UPDATE SET vendor = excluded.vendor, base_url = excluded.base_url;

-- name: SourceIDByName :one
SELECT id FROM sources WHERE name = $1;

-- name: InterruptRuns :exec
-- A run still marked running when a new one starts was cut off (crash,
-- kill): the advisory lock keeps two syncs of a book apart.
UPDATE sync_runs SET status = 'interrupted', finished_at = @now
WHERE source_id = @source_id AND status = 'running';

-- name: InsertRun :one
INSERT INTO sync_runs (source_id, started_at, status) VALUES (@source_id, @started_at, 'running')
RETURNING id;

-- name: AddRunCounts :exec
UPDATE sync_runs SET fetched = fetched + @fetched, failed = failed + @failed, missing = missing + @missing
WHERE id = @id;

-- name: FinishRun :exec
UPDATE sync_runs SET status = @status, finished_at = @finished_at, error = @error WHERE id = @id;

-- name: InsertProblem :exec
INSERT INTO sync_problems (run_id, record, field, message) VALUES ($1, $2, $3, $4);

-- name: GetCheckpoint :one
SELECT cursor FROM checkpoints WHERE source_id = $1 AND stream = $2;

-- name: SetCheckpoint :exec
INSERT INTO checkpoints (source_id, stream, cursor, run_id, updated_at)
VALUES (@source_id, @stream, @cursor, @run_id, @updated_at)
ON CONFLICT (source_id, stream) DO UPDATE
SET cursor = excluded.cursor, run_id = excluded.run_id, updated_at = excluded.updated_at;

-- name: UpsertCustomer :one
INSERT INTO customers (source_id, external_id, name)
VALUES (@source_id, @external_id, @name)
ON CONFLICT (source_id, external_id) DO UPDATE SET name = excluded.name
RETURNING id;

-- name: ContractState :one
-- What a sync compares a fetched contract with: one whose raw JSON (as
-- jsonb: the same document, whatever its spacing) and fields are the same
-- and which is not marked removed is only touched, not rewritten.
SELECT id, raw_json = sqlc.arg(raw)::jsonb AS same_raw, fields_json, (removed_at IS NOT NULL)::boolean AS removed
FROM contracts WHERE source_id = @source_id AND external_id = @external_id;

-- name: TouchContract :exec
UPDATE contracts SET fetched_at = @fetched_at, run_id = @run_id WHERE id = @id;

-- name: KeepVersion :exec
-- The contract as it is now, kept before it is replaced or marked removed.
INSERT INTO contract_versions (contract_id, raw_json, fields_json, removed_at, fetched_at, run_id, replaced_at)
SELECT c.id, c.raw_json, c.fields_json, c.removed_at, c.fetched_at, @run_id, @now FROM contracts c WHERE c.id = @id;

-- name: UpsertContract :one
INSERT INTO contracts (
    source_id, external_id, customer_id, kind, commodity, status, name,
    product_name, product_code, supplier, supplier_code, buyer, buyer_code,
    grid_operator, grid_operator_code, valid_from, valid_to, signed_at, cancelled_at,
    currency, base_per_year_e6, working_per_kwh_e6, vat_rate_e6, annual_kwh_e6,
    meter_id, search_text, raw_json, fields_json, fetched_at, run_id
) VALUES (
    @source_id, @external_id, @customer_id, @kind, @commodity, @status, @name,
    @product_name, @product_code, @supplier, @supplier_code, @buyer, @buyer_code,
    @grid_operator, @grid_operator_code, @valid_from, @valid_to, @signed_at, @cancelled_at,
    @currency, @base_per_year_e6, @working_per_kwh_e6, @vat_rate_e6, @annual_kwh_e6,
    @meter_id, @search_text, sqlc.arg(raw_json)::jsonb, @fields_json, @fetched_at, @run_id
)
ON CONFLICT (source_id, external_id) DO UPDATE SET
    customer_id = excluded.customer_id, kind = excluded.kind, commodity = excluded.commodity,
    status = excluded.status, name = excluded.name, product_name = excluded.product_name,
    product_code = excluded.product_code, supplier = excluded.supplier,
    supplier_code = excluded.supplier_code, buyer = excluded.buyer, buyer_code = excluded.buyer_code,
    grid_operator = excluded.grid_operator, grid_operator_code = excluded.grid_operator_code,
    valid_from = excluded.valid_from, valid_to = excluded.valid_to, signed_at = excluded.signed_at,
    cancelled_at = excluded.cancelled_at, currency = excluded.currency,
    base_per_year_e6 = excluded.base_per_year_e6, working_per_kwh_e6 = excluded.working_per_kwh_e6,
    vat_rate_e6 = excluded.vat_rate_e6, annual_kwh_e6 = excluded.annual_kwh_e6,
    meter_id = excluded.meter_id, search_text = excluded.search_text, raw_json = excluded.raw_json,
    fields_json = excluded.fields_json, fetched_at = excluded.fetched_at, run_id = excluded.run_id,
    removed_at = NULL
RETURNING id;

-- name: MarkRemoved :exec
UPDATE contracts SET removed_at = @now WHERE id = @id;

-- name: UnseenContracts :many
-- The current contracts of a source that run did not fetch: after a
-- completed full listing, the ones the vendor no longer has.
SELECT c.id, c.external_id, COALESCE(cu.external_id, '') AS customer_ref
FROM contracts c LEFT JOIN customers cu ON cu.id = c.customer_id
WHERE c.source_id = @source_id AND c.removed_at IS NULL AND c.run_id IS DISTINCT FROM @run_id
ORDER BY c.id;

-- name: IsUnseen :one
SELECT COUNT(*) FROM contracts
WHERE id = @id AND source_id = @source_id AND removed_at IS NULL AND run_id IS DISTINCT FROM @run_id;

-- name: CurrentContractID :one
SELECT id FROM contracts
WHERE source_id = @source_id AND external_id = @external_id AND removed_at IS NULL;

-- The shared store suite's and a pull's view of the book.

-- name: BookContracts :many
SELECT s.name AS source_name, c.external_id, COALESCE(cu.external_id, '') AS customer_ref,
       c.status, c.working_per_kwh_e6, c.base_per_year_e6, c.valid_from, c.raw_json::text AS raw_json,
       (c.removed_at IS NOT NULL)::boolean AS removed
FROM contracts c JOIN sources s ON s.id = c.source_id LEFT JOIN customers cu ON cu.id = c.customer_id
ORDER BY s.name, c.external_id;

-- name: BookRuns :many
SELECT r.id, s.name AS source_name, r.status, r.fetched, r.failed, r.missing, r.error
FROM sync_runs r JOIN sources s ON s.id = r.source_id ORDER BY r.id;

-- name: BookCheckpoints :many
SELECT s.name AS source_name, k.stream, k.cursor
FROM checkpoints k JOIN sources s ON s.id = k.source_id ORDER BY s.name, k.stream;

-- name: BookProblems :many
SELECT p.run_id, p.record, p.field, p.message FROM sync_problems p ORDER BY p.id;
