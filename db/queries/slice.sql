-- A laptop's slice of the team's book (migration 0021) and the copies a
-- pull writes into the cache: the book's rows under the laptop's own ids,
-- found by natural keys (source name and external id; meter, measure and
-- channel).

-- name: GetSlice :one
SELECT book, pulled_at, xmin, pulls FROM slice WHERE id = 1;

-- name: PutSlice :exec
INSERT INTO slice (id, book, pulled_at, xmin, pulls) VALUES (1, @book, @pulled_at, @xmin, 1)
ON CONFLICT (id) DO UPDATE SET
    book = excluded.book, pulled_at = excluded.pulled_at, xmin = excluded.xmin, pulls = slice.pulls + 1;

-- name: SliceCustomers :many
SELECT source_name, external_id, name FROM slice_customers ORDER BY lower(name), source_name, external_id;

-- name: PutSliceCustomer :exec
INSERT INTO slice_customers (source_name, external_id, name) VALUES (@source_name, @external_id, @name)
ON CONFLICT (source_name, external_id) DO UPDATE SET name = excluded.name;

-- name: DeleteSliceCustomer :exec
DELETE FROM slice_customers WHERE source_name = @source_name AND external_id = @external_id;

-- name: CountSources :one
SELECT COUNT(*) FROM sources;

-- name: DeleteVersionsOf :exec
DELETE FROM contract_versions WHERE contract_id = ?;

-- name: CopyVersion :exec
INSERT INTO contract_versions (contract_id, raw_json, fields_json, removed_at, fetched_at, run_id, replaced_at)
VALUES (@contract_id, @raw_json, @fields_json, @removed_at, @fetched_at, NULL, @replaced_at);

-- name: CopyMeter :one
INSERT INTO meters (source_id, external_id, contract_external_id, number, label, unit, zone,
                    intervals, data_from, data_to, raw_json, updated_at, unit_reported_at)
VALUES (@source_id, @external_id, @contract_external_id, @number, @label, @unit, @zone,
        @intervals, @data_from, @data_to, @raw_json, @updated_at, @unit_reported_at)
ON CONFLICT (source_id, external_id) DO UPDATE SET
    contract_external_id = excluded.contract_external_id, number = excluded.number,
    label = excluded.label, unit = excluded.unit, zone = excluded.zone, intervals = excluded.intervals,
    data_from = excluded.data_from, data_to = excluded.data_to, raw_json = excluded.raw_json,
    updated_at = excluded.updated_at, unit_reported_at = excluded.unit_reported_at
RETURNING id;

-- name: CopyStream :exec
INSERT INTO meter_streams (meter_id, measure, interval_s, currency, watermark, run_id, updated_at)
VALUES (@meter_id, @measure, @interval_s, @currency, @watermark, NULL, @updated_at)
ON CONFLICT (meter_id, measure) DO UPDATE SET
    interval_s = excluded.interval_s, currency = excluded.currency, watermark = excluded.watermark,
    run_id = NULL, updated_at = excluded.updated_at;

-- name: CopiedRun :one
-- A run copied from the book, known by its source and start.
SELECT id FROM sync_runs WHERE source_id = @source_id AND started_at = @started_at;

-- name: CopyRun :one
INSERT INTO sync_runs (source_id, started_at, finished_at, status, fetched, failed, missing, error)
VALUES (@source_id, @started_at, @finished_at, @status, @fetched, @failed, @missing, @error)
RETURNING id;

-- name: ClearCopiedRunProblems :exec
-- A copied run's record problems, before those the book holds now.
DELETE FROM sync_problems WHERE run_id = @run_id;

-- name: UpdateCopiedRun :exec
UPDATE sync_runs SET finished_at = @finished_at, status = @status, fetched = @fetched,
    failed = @failed, missing = @missing, error = @error
WHERE id = @id;

-- name: CustomerContracts :many
-- A customer's contracts in the cache, by its source's name and its id there.
SELECT c.id, c.external_id, c.source_id FROM contracts c
JOIN customers cu ON cu.id = c.customer_id
JOIN sources s ON s.id = cu.source_id
WHERE s.name = @source_name AND cu.external_id = @external_id;

-- name: KeptOfCustomer :one
-- What dropping a customer from the slice would lose: offline edits not
-- sent yet and notes on its contracts.
SELECT
    CAST((SELECT COUNT(*) FROM outbox o JOIN contracts c ON c.source_id = o.source_id AND c.external_id = o.contract_external_id
          WHERE c.customer_id = cu.id AND o.state <> 'sent') AS INTEGER) AS unsent,
    CAST((SELECT COUNT(*) FROM contract_notes n JOIN contracts c ON c.source_id = n.source_id AND c.external_id = n.contract_external_id
          WHERE c.customer_id = cu.id) AS INTEGER) AS notes
FROM customers cu JOIN sources s ON s.id = cu.source_id
WHERE s.name = @source_name AND cu.external_id = @external_id;

-- name: DeleteMetersOfContract :exec
DELETE FROM meters WHERE source_id = @source_id AND contract_external_id = @contract_external_id;

-- name: DeleteSentOutboxOf :exec
DELETE FROM outbox WHERE source_id = @source_id AND contract_external_id = @contract_external_id AND state = 'sent';

-- name: DeleteContract :exec
DELETE FROM contracts WHERE id = ?;

-- name: DeleteCustomer :exec
DELETE FROM customers WHERE customers.source_id = (SELECT s.id FROM sources s WHERE s.name = @source_name) AND customers.external_id = @external_id;

-- name: DeleteIdleSource :exec
-- A source none of whose customers is left in the slice goes, with its
-- copied runs, unless something of the user's still hangs on it.
DELETE FROM sources WHERE sources.name = @source_name
  AND NOT EXISTS (SELECT 1 FROM customers cu WHERE cu.source_id = sources.id)
  AND NOT EXISTS (SELECT 1 FROM contracts c WHERE c.source_id = sources.id)
  AND NOT EXISTS (SELECT 1 FROM outbox o WHERE o.source_id = sources.id)
  AND NOT EXISTS (SELECT 1 FROM contract_notes cn WHERE cn.source_id = sources.id);
