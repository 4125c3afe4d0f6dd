-- The time series' statements on the team's book (PostgreSQL), as
-- db/queries' meters, meter_settings and readings statements are on the
-- SQLite cache. The write path (db/internal/blockwrite) speaks Unix
-- seconds; the book stores timestamptz, converted here.

-- name: UpsertMeter :exec
-- A meter the vendor describes as before is left as it is: no new rev for
-- pulls to copy, and updated_at stays when it last changed.
INSERT INTO meters (source_id, external_id, contract_external_id, number, label, unit, zone,
                    intervals, data_from, data_to, raw_json, updated_at)
VALUES (@source_id, @external_id, @contract_external_id, @number, @label, @unit, @zone,
        @intervals, @data_from, @data_to, sqlc.arg(raw_json)::jsonb, @updated_at)
ON CONFLICT (source_id, external_id) DO UPDATE SET
    contract_external_id = excluded.contract_external_id, number = excluded.number,
    label = excluded.label,
    -- A unit the consumption records stated describes the stored readings.
    unit = CASE WHEN meters.unit_reported_at IS NULL THEN excluded.unit ELSE meters.unit END,
    intervals = excluded.intervals,
    data_from = excluded.data_from, data_to = excluded.data_to, raw_json = excluded.raw_json,
    updated_at = excluded.updated_at
WHERE meters.contract_external_id IS DISTINCT FROM excluded.contract_external_id
   OR meters.number IS DISTINCT FROM excluded.number OR meters.label IS DISTINCT FROM excluded.label
   OR (meters.unit_reported_at IS NULL AND meters.unit IS DISTINCT FROM excluded.unit)
   OR meters.intervals IS DISTINCT FROM excluded.intervals
   OR meters.data_from IS DISTINCT FROM excluded.data_from OR meters.data_to IS DISTINCT FROM excluded.data_to
   OR meters.raw_json IS DISTINCT FROM excluded.raw_json;

-- name: MeterIDByExternal :one
SELECT m.id, m.zone FROM meters m JOIN sources s ON s.id = m.source_id
WHERE s.name = @source AND m.external_id = @external_id;

-- name: SetMeterUnit :execrows
-- A no-op when the unit is already the reported one, so that a sync can
-- call it for every window without writing.
UPDATE meters SET unit = @unit, unit_reported_at = @reported_at
WHERE source_id = (SELECT id FROM sources WHERE name = @source)
  AND external_id = @external_id
  AND (unit <> @unit OR unit_reported_at IS NULL);

-- name: GetStream :one
SELECT interval_s, currency, watermark FROM meter_streams WHERE meter_id = @meter_id AND measure = @measure;

-- name: StreamsOfSource :many
-- Where every stream of a source stands, read once at the start of a sync
-- instead of once a stream.
SELECT m.external_id, st.measure, st.interval_s, st.watermark
FROM meter_streams st JOIN meters m ON m.id = st.meter_id JOIN sources s ON s.id = m.source_id
WHERE s.name = @source;

-- name: SetStream :exec
INSERT INTO meter_streams (meter_id, measure, interval_s, currency, watermark, run_id, updated_at)
VALUES (@meter_id, @measure, @interval_s, @currency, @watermark, @run_id, @updated_at)
ON CONFLICT (meter_id, measure) DO UPDATE SET
    interval_s = excluded.interval_s, currency = excluded.currency,
    watermark = COALESCE(excluded.watermark, meter_streams.watermark),
    run_id = excluded.run_id, updated_at = excluded.updated_at;

-- name: EnsureSeries :one
-- The series' id, inserting it when new. An existing row is not written
-- (an upsert's no-op update would give it a new rev, and every pull would
-- copy it again); one sync at a time writes a book (the advisory lock), so
-- the row the insert skipped is there to read.
WITH ins AS (
    INSERT INTO series (meter_id, measure, channel) VALUES (@meter_id, @measure, @channel)
    ON CONFLICT (meter_id, measure, channel) DO NOTHING
    RETURNING id
)
SELECT id FROM ins
UNION ALL
SELECT id FROM series WHERE meter_id = @meter_id AND measure = @measure AND channel = @channel
LIMIT 1;

-- name: BlocksOfSeries :many
-- The blocks of a series whose span starts in [from_start, to_start)
-- (Unix seconds), in time order.
SELECT CAST(extract(epoch FROM span_start) AS BIGINT) AS span_start, data FROM reading_blocks
WHERE series_id = @series_id
  AND span_start >= to_timestamp(@from_start::bigint) AND span_start < to_timestamp(@to_start::bigint)
ORDER BY reading_blocks.span_start;

-- name: PutBlocks :batchexec
-- A changed block and its day's rollup (computed from its readings), in
-- one statement; sent a series' changed days at a time in one round trip
-- (a pgx batch).
WITH blk AS (
    INSERT INTO reading_blocks (series_id, span_start, n, data)
    VALUES (@series_id, to_timestamp(@span_start::bigint), @n, @data)
    ON CONFLICT (series_id, span_start) DO UPDATE SET n = excluded.n, data = excluded.data
)
INSERT INTO readings_daily (series_id, day, n, total, lo, hi)
VALUES (@series_id, to_timestamp(@span_start::bigint), @n, @total, @lo, @hi)
ON CONFLICT (series_id, day) DO UPDATE SET
    n = excluded.n, total = excluded.total, lo = excluded.lo, hi = excluded.hi;

-- name: DeleteStreamBlocks :one
-- A stream that falls back to a coarser interval is fetched again from its
-- start; its readings at the old interval go, or both would be summed.
-- Returns how many readings went.
WITH gone AS (
    DELETE FROM reading_blocks
    WHERE series_id IN (SELECT id FROM series WHERE meter_id = @meter_id AND measure = @measure)
    RETURNING n
)
SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) AS readings FROM gone;

-- name: DeleteStreamDaily :exec
DELETE FROM readings_daily
WHERE series_id IN (SELECT id FROM series WHERE meter_id = @meter_id AND measure = @measure);

-- The book's series as the shared store suite and the benchmarks read it.

-- name: BookMeters :many
SELECT s.name AS source_name, m.external_id, m.contract_external_id, m.unit, m.zone, m.intervals
FROM meters m JOIN sources s ON s.id = m.source_id ORDER BY s.name, m.external_id;

-- name: BookStreams :many
SELECT s.name AS source_name, m.external_id AS meter, ms.measure, ms.interval_s, ms.currency, ms.watermark
FROM meter_streams ms JOIN meters m ON m.id = ms.meter_id JOIN sources s ON s.id = m.source_id
ORDER BY s.name, m.external_id, ms.measure;

-- name: BookBlocks :many
-- Every block, by series and time; rev tells which transaction wrote it.
SELECT s.name AS source_name, m.external_id AS meter, se.measure, se.channel,
       CAST(extract(epoch FROM b.span_start) AS BIGINT) AS span_start, b.n, b.data, b.rev
FROM reading_blocks b JOIN series se ON se.id = b.series_id
JOIN meters m ON m.id = se.meter_id JOIN sources s ON s.id = m.source_id
ORDER BY s.name, m.external_id, se.measure, se.channel, b.span_start;

-- name: BookDays :many
-- Every series' daily rollup, by series and day.
SELECT s.name AS source_name, m.external_id AS meter, se.measure, se.channel,
       CAST(extract(epoch FROM d.day) AS BIGINT) AS day, d.n, d.total, d.lo, d.hi
FROM readings_daily d JOIN series se ON se.id = d.series_id
JOIN meters m ON m.id = se.meter_id JOIN sources s ON s.id = m.source_id
ORDER BY s.name, m.external_id, se.measure, se.channel, d.day;

-- name: SeriesRev :one
-- The newest rev of the series' rows: what changes when a sync wrote any
-- of them, and what a pull of them starts from.
SELECT CAST(GREATEST(
    (SELECT COALESCE(MAX(rev), 0) FROM meters), (SELECT COALESCE(MAX(rev), 0) FROM meter_streams),
    (SELECT COALESCE(MAX(rev), 0) FROM series), (SELECT COALESCE(MAX(rev), 0) FROM reading_blocks),
    (SELECT COALESCE(MAX(rev), 0) FROM readings_daily)) AS BIGINT) AS rev;

-- name: CountReadings :one
SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM reading_blocks;

-- name: SeriesBytes :one
-- What the series take on disk, tables, indexes and TOAST.
SELECT CAST(pg_total_relation_size('meters') + pg_total_relation_size('meter_streams')
          + pg_total_relation_size('series') + pg_total_relation_size('reading_blocks')
          + pg_total_relation_size('readings_daily') AS BIGINT) AS bytes;
