-- What 'wattfolio pull' reads from the team's book: one analyst's
-- customers and everything hanging on them, in one REPEATABLE READ
-- transaction. The book's ids only join these statements to each other
-- within that transaction; every row carries its natural key (source name
-- and external id; meter, measure and channel), by which the laptop's
-- cache files it under ids of its own. @since is the pg_snapshot_xmin of
-- the previous pull (0 copies everything): a row whose rev is below it was
-- written by a transaction that had ended before that pull read.

-- name: PullSnapshotXmin :one
-- The oldest transaction still running when this transaction's snapshot
-- was taken: the next pull copies what has rev at or above it.
SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS xmin;

-- name: FindCustomers :many
-- The customers a --customer value names: by name as the app shows it
-- (ignoring case), by the vendor's id, or as SOURCE/ID.
SELECT cu.id, s.name AS source_name, cu.external_id, cu.name
FROM customers cu JOIN sources s ON s.id = cu.source_id
WHERE lower(cu.name) = lower(@ref::text) OR cu.external_id = @ref::text OR s.name || '/' || cu.external_id = @ref::text
ORDER BY s.name, cu.external_id;

-- name: CustomerByKey :one
SELECT cu.id, cu.name FROM customers cu JOIN sources s ON s.id = cu.source_id
WHERE s.name = @source_name AND cu.external_id = @external_id;

-- name: PullSources :many
SELECT DISTINCT s.id, s.name, s.vendor, s.base_url, s.created_at
FROM sources s JOIN customers cu ON cu.source_id = s.id
WHERE cu.id = ANY(@customers::bigint[])
ORDER BY s.name;

-- name: PullCustomers :many
SELECT s.name AS source_name, cu.external_id, cu.name
FROM customers cu JOIN sources s ON s.id = cu.source_id
WHERE cu.id = ANY(@customers::bigint[])
ORDER BY s.name, cu.external_id;

-- name: PullContracts :many
-- The customers' contracts that changed, or whose earlier versions or
-- terms did: the laptop replaces those of each in full, so that a term
-- the book no longer has goes there too.
SELECT c.id, s.name AS source_name, cu.external_id AS customer_ref, c.external_id, c.kind, c.commodity,
       c.status, c.name, c.product_name, c.product_code, c.supplier, c.supplier_code, c.buyer,
       c.buyer_code, c.grid_operator, c.grid_operator_code, c.valid_from, c.valid_to, c.signed_at,
       c.cancelled_at, c.currency, c.base_per_year_e6, c.working_per_kwh_e6, c.vat_rate_e6,
       c.annual_kwh_e6, c.meter_id, c.search_text, c.raw_json::text AS raw_json, c.fields_json,
       c.fetched_at, c.removed_at
FROM contracts c
JOIN sources s ON s.id = c.source_id
JOIN customers cu ON cu.id = c.customer_id
WHERE c.customer_id = ANY(@customers::bigint[])
  AND (c.rev >= @since
       OR EXISTS (SELECT 1 FROM contract_versions x WHERE x.contract_id = c.id AND x.rev >= @since)
       OR EXISTS (SELECT 1 FROM contract_flexibility x WHERE x.contract_id = c.id AND x.rev >= @since)
       OR EXISTS (SELECT 1 FROM contract_ppa x WHERE x.contract_id = c.id AND x.rev >= @since)
       OR EXISTS (SELECT 1 FROM contract_partner x WHERE x.contract_id = c.id AND x.rev >= @since)
       OR EXISTS (SELECT 1 FROM contract_price_points x WHERE x.contract_id = c.id AND x.rev >= @since))
ORDER BY c.id;

-- name: PullVersions :many
SELECT contract_id, raw_json::text AS raw_json, fields_json, removed_at, fetched_at, replaced_at
FROM contract_versions WHERE contract_id = ANY(@contracts::bigint[])
ORDER BY contract_id, id;

-- name: PullFlexibility :many
SELECT * FROM contract_flexibility WHERE contract_id = ANY(@contracts::bigint[]);

-- name: PullPPA :many
SELECT * FROM contract_ppa WHERE contract_id = ANY(@contracts::bigint[]);

-- name: PullPartner :many
SELECT * FROM contract_partner WHERE contract_id = ANY(@contracts::bigint[]);

-- name: PullPricePoints :many
SELECT * FROM contract_price_points WHERE contract_id = ANY(@contracts::bigint[])
ORDER BY contract_id, valid_from;

-- name: PullMeters :many
-- Every meter of the customers' contracts, with whether it changed: the
-- laptop finds each by source and external id whether it copies it or not.
SELECT m.id, s.name AS source_name, m.external_id, m.contract_external_id, m.number, m.label, m.unit,
       m.zone, m.intervals, m.data_from, m.data_to, m.raw_json::text AS raw_json, m.updated_at,
       m.unit_reported_at, (m.rev >= @since)::boolean AS changed
FROM meters m JOIN sources s ON s.id = m.source_id
WHERE EXISTS (SELECT 1 FROM contracts c
              WHERE c.source_id = m.source_id AND c.external_id = m.contract_external_id
                AND c.customer_id = ANY(@customers::bigint[]))
ORDER BY m.id;

-- name: PullStreams :many
SELECT meter_id, measure, interval_s, currency, watermark, updated_at FROM meter_streams
WHERE meter_id = ANY(@meters::bigint[]) AND rev >= @since
ORDER BY meter_id, measure;

-- name: PullSeries :many
-- Every series of the meters: few, and the blocks below name theirs by id.
SELECT id, meter_id, measure, channel FROM series
WHERE meter_id = ANY(@meters::bigint[])
ORDER BY id;

-- name: PullBlocks :many
SELECT b.series_id, b.span_start, b.n, b.data FROM reading_blocks b
WHERE b.series_id = ANY(@series::bigint[]) AND b.rev >= @since
ORDER BY b.series_id, b.span_start;

-- name: PullDaily :many
SELECT d.series_id, d.day, d.n, d.total, d.lo, d.hi FROM readings_daily d
WHERE d.series_id = ANY(@series::bigint[]) AND d.rev >= @since
ORDER BY d.series_id, d.day;

-- name: PullGas :many
SELECT meter_id, calorific_value_e6, state_number_e6, set_at FROM meter_gas_conversions
WHERE meter_id = ANY(@meters::bigint[]) AND rev >= @since;

-- name: PullRuns :many
-- Each source's last run and its last run that stored something, so the
-- laptop's Sync page can say when the book last synced.
SELECT r.id, s.name AS source_name, r.started_at, r.finished_at, r.status, r.fetched, r.failed, r.missing, r.error
FROM sync_runs r JOIN sources s ON s.id = r.source_id
WHERE r.id IN (SELECT MAX(x.id) FROM sync_runs x WHERE x.source_id = ANY(@sources::bigint[]) GROUP BY x.source_id
               UNION
               SELECT MAX(x.id) FROM sync_runs x
               WHERE x.source_id = ANY(@sources::bigint[]) AND x.status IN ('ok', 'partial') GROUP BY x.source_id)
ORDER BY r.id;

-- name: PullRunProblems :many
-- The record problems of the runs PullRuns copies, for the laptop's Sync
-- page to list.
SELECT run_id, record, field, message FROM sync_problems
WHERE run_id = ANY(@runs::bigint[])
ORDER BY id;

-- name: PullOffers :many
SELECT name, supplier, commodity, model, currency, gross, vat_rate_e6, base_per_year_e6,
       working_per_kwh_e6, grid_per_kwh_e6, grid_base_per_year_e6, levies_per_kwh_e6,
       electricity_tax_per_kwh_e6, concession_per_kwh_e6, negative_rule, average_rule,
       guarantee_months, guarantee_scope, min_term_months, notice_n, notice_unit, supply_start,
       valid_from, valid_to, notes, terms_json::text AS terms_json, updated_at
FROM offers WHERE rev >= @since
ORDER BY name;

-- Tests and benchmarks only: the rows the sync's series and terms sides
-- will write, put into a book directly, so that every table a pull copies
-- is tested against rows of its own. Each upserts, so a test can change a
-- row (and its rev) by writing it again.

-- name: TestContractID :one
SELECT c.id FROM contracts c JOIN sources s ON s.id = c.source_id
WHERE s.name = @source_name AND c.external_id = @external_id;

-- name: TestPutFlexibility :exec
INSERT INTO contract_flexibility (contract_id, asset_id, reservation_fee_e6, max_activation_minutes)
VALUES (@contract_id, @asset_id, @reservation_fee_e6, @max_activation_minutes)
ON CONFLICT (contract_id) DO UPDATE SET asset_id = excluded.asset_id,
    reservation_fee_e6 = excluded.reservation_fee_e6, max_activation_minutes = excluded.max_activation_minutes;

-- name: TestPutPPA :exec
INSERT INTO contract_ppa (contract_id, ppa_type, nominal_power_mw_e6, created_at)
VALUES (@contract_id, @ppa_type, @nominal_power_mw_e6, @created_at)
ON CONFLICT (contract_id) DO UPDATE SET ppa_type = excluded.ppa_type,
    nominal_power_mw_e6 = excluded.nominal_power_mw_e6, created_at = excluded.created_at;

-- name: TestPutPartner :exec
INSERT INTO contract_partner (contract_id, user_id, includes_external_components)
VALUES (@contract_id, @user_id, @includes_external_components)
ON CONFLICT (contract_id) DO UPDATE SET user_id = excluded.user_id,
    includes_external_components = excluded.includes_external_components;

-- name: TestPutPricePoint :exec
INSERT INTO contract_price_points (contract_id, valid_from, per_kwh_e6) VALUES (@contract_id, @valid_from, @per_kwh_e6)
ON CONFLICT (contract_id, valid_from) DO UPDATE SET per_kwh_e6 = excluded.per_kwh_e6;

-- name: TestPutMeter :one
INSERT INTO meters (source_id, external_id, contract_external_id, number, unit, zone, data_from, updated_at, unit_reported_at)
VALUES ((SELECT id FROM sources WHERE name = @source_name), @external_id, @contract_external_id, @number, @unit,
        'Europe/Berlin', @data_from, @updated_at, @unit_reported_at)
ON CONFLICT (source_id, external_id) DO UPDATE SET contract_external_id = excluded.contract_external_id,
    number = excluded.number, unit = excluded.unit, data_from = excluded.data_from,
    updated_at = excluded.updated_at, unit_reported_at = excluded.unit_reported_at
RETURNING id;

-- name: TestPutStream :exec
INSERT INTO meter_streams (meter_id, measure, interval_s, currency, watermark, updated_at)
VALUES (@meter_id, @measure, @interval_s, @currency, @watermark, @updated_at)
ON CONFLICT (meter_id, measure) DO UPDATE SET interval_s = excluded.interval_s,
    currency = excluded.currency, watermark = excluded.watermark, updated_at = excluded.updated_at;

-- name: TestPutSeries :one
INSERT INTO series (meter_id, measure, channel) VALUES (@meter_id, @measure, @channel)
ON CONFLICT (meter_id, measure, channel) DO UPDATE SET channel = excluded.channel
RETURNING id;

-- name: TestPutBlock :exec
INSERT INTO reading_blocks (series_id, span_start, n, data) VALUES (@series_id, @span_start, @n, @data)
ON CONFLICT (series_id, span_start) DO UPDATE SET n = excluded.n, data = excluded.data;

-- name: TestPutDay :exec
INSERT INTO readings_daily (series_id, day, n, total, lo, hi) VALUES (@series_id, @day, @n, @total, @lo, @hi)
ON CONFLICT (series_id, day) DO UPDATE SET n = excluded.n, total = excluded.total, lo = excluded.lo, hi = excluded.hi;

-- name: TestPutGas :exec
INSERT INTO meter_gas_conversions (meter_id, calorific_value_e6, state_number_e6, set_at)
VALUES (@meter_id, @calorific_value_e6, @state_number_e6, @set_at)
ON CONFLICT (meter_id) DO UPDATE SET calorific_value_e6 = excluded.calorific_value_e6,
    state_number_e6 = excluded.state_number_e6, set_at = excluded.set_at;

-- name: TestPutOffer :exec
INSERT INTO offers (name, supplier, commodity, model, currency, gross, vat_rate_e6, base_per_year_e6,
    working_per_kwh_e6, grid_per_kwh_e6, grid_base_per_year_e6, levies_per_kwh_e6,
    electricity_tax_per_kwh_e6, concession_per_kwh_e6, negative_rule, average_rule, guarantee_months,
    guarantee_scope, min_term_months, notice_n, notice_unit, valid_from, notes, terms_json, updated_at)
VALUES (@name, @supplier, 'electricity', 'fixed', 'EUR', false, 190000, @base_per_year_e6,
    @working_per_kwh_e6, 0, 0, 0, 0, 0, '', '', 12, '', 12, 1, 'months', @valid_from, '',
    @terms_json::jsonb, @updated_at)
ON CONFLICT (name) DO UPDATE SET supplier = excluded.supplier, base_per_year_e6 = excluded.base_per_year_e6,
    working_per_kwh_e6 = excluded.working_per_kwh_e6, valid_from = excluded.valid_from,
    terms_json = excluded.terms_json, updated_at = excluded.updated_at;

-- Benchmarks only: a book of many customers, filled in a few statements.

-- name: BenchCustomers :exec
INSERT INTO customers (source_id, external_id, name)
SELECT (SELECT src.id FROM sources src WHERE src.name = @source_name), 'C' || g, 'Customer ' || g
FROM generate_series(1, @n::integer) g;

-- name: BenchContracts :exec
INSERT INTO contracts (source_id, external_id, customer_id, kind, commodity, status, name, valid_from,
                       working_per_kwh_e6, base_per_year_e6, raw_json, fields_json, fetched_at, search_text)
SELECT cu.source_id, cu.external_id || '-' || k, cu.id, 'retail', 'electricity', 'active', cu.name || ' Strom',
       @valid_from::timestamptz, 300000 + k, 120000000,
       jsonb_build_object('id', cu.external_id || '-' || k, 'customer', cu.name), '{}', @valid_from::timestamptz, lower(cu.name)
FROM customers cu CROSS JOIN generate_series(1, @per_customer::integer) AS k;

-- name: BenchVersions :exec
-- One earlier version of every contract.
INSERT INTO contract_versions (contract_id, raw_json, fields_json, fetched_at, replaced_at)
SELECT c.id, c.raw_json, '{}', c.fetched_at, c.fetched_at FROM contracts c;

-- name: BenchMeters :exec
-- A meter on the first contract of every customer whose id is a multiple
-- of @every_nth, with one consumption series.
INSERT INTO meters (source_id, external_id, contract_external_id, number, unit, updated_at)
SELECT c.source_id, 'M-' || c.external_id, c.external_id, 'Z' || c.external_id, 'kWh', now()
FROM contracts c
WHERE c.external_id LIKE '%-1' AND mod(c.customer_id, @every_nth::bigint) = 0;

-- name: BenchStreams :exec
INSERT INTO meter_streams (meter_id, measure, interval_s, watermark, updated_at)
SELECT m.id, 'consumption', 900, @watermark::timestamptz, now() FROM meters m;

-- name: BenchSeries :exec
INSERT INTO series (meter_id, measure, channel) SELECT m.id, 'consumption', '' FROM meters m;

-- name: BenchBlocks :exec
-- A day block (@block) of every series for each day from @start_day to
-- @end_day.
INSERT INTO reading_blocks (series_id, span_start, n, data)
SELECT s.id, d.span, 96, @block::bytea
FROM series s CROSS JOIN generate_series(@start_day::timestamptz, @end_day::timestamptz, interval '1 day') AS d(span);

-- name: BenchDaily :exec
INSERT INTO readings_daily (series_id, day, n, total, lo, hi)
SELECT s.id, d.span, 96, 9600000, 0, 250000
FROM series s CROSS JOIN generate_series(@start_day::timestamptz, @end_day::timestamptz, interval '1 day') AS d(span);

-- name: TestLockOffers :exec
-- Holds a pull at its last read (the offers) until the transaction ends.
LOCK TABLE offers IN ACCESS EXCLUSIVE MODE;

-- name: TestWaitingOnLocks :one
-- How many wait for a lock on this book's offers.
SELECT COUNT(*) FROM pg_catalog.pg_locks WHERE NOT granted AND relation = to_regclass('offers');
