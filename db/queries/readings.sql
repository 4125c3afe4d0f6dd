-- name: BlocksOfSeries :many
-- The blocks of a series whose span starts in [from_start, to_start), in
-- time order, a page at a time (keyset paging on span_start).
SELECT span_start, data FROM reading_blocks
WHERE series_id = @series_id AND span_start >= @from_start AND span_start < @to_start
ORDER BY span_start
LIMIT @lim;

-- name: UpsertBlock :exec
INSERT INTO reading_blocks (series_id, span_start, n, data) VALUES (@series_id, @span_start, @n, @data)
ON CONFLICT (series_id, span_start) DO UPDATE SET n = excluded.n, data = excluded.data;

-- name: SetDay :exec
-- A day's rollup, computed from its readings in the transaction that
-- writes their block.
INSERT INTO readings_daily (series_id, day, n, total, lo, hi)
VALUES (@series_id, @day, @n, @total, @lo, @hi)
ON CONFLICT (series_id, day) DO UPDATE SET
    n = excluded.n, total = excluded.total, lo = excluded.lo, hi = excluded.hi;

-- name: DailyOfMeter :many
SELECT s.measure, s.channel, d.day, d.n, d.total, d.lo, d.hi
FROM series s JOIN readings_daily d ON d.series_id = s.id
WHERE s.meter_id = @meter_id AND d.day >= @from_day AND d.day < @to_day
ORDER BY d.day;

-- name: CountReadings :one
SELECT CAST(COALESCE(SUM(n), 0) AS INTEGER) FROM reading_blocks;

-- name: DeleteStreamBlocks :many
-- A stream that falls back to a coarser interval is fetched again from its
-- start; its readings at the old interval go, or both would be summed.
-- Returns how many readings went.
DELETE FROM reading_blocks
WHERE series_id IN (SELECT id FROM series WHERE meter_id = @meter_id AND measure = @measure)
RETURNING n;

-- name: DeleteStreamDaily :exec
DELETE FROM readings_daily
WHERE series_id IN (SELECT id FROM series WHERE meter_id = @meter_id AND measure = @measure);

-- The statements below read and empty the row-per-reading tables of
-- schema versions 4 to 6 while db.Open moves their rows into blocks.

-- name: UnmovedSeries :many
-- The series that still have readings in rows, with their meter's zone.
SELECT DISTINCT c.series_id, m.zone
FROM reading_chunks c JOIN series s ON s.id = c.series_id JOIN meters m ON m.id = s.meter_id
ORDER BY c.series_id;

-- name: UnmovedReadings :many
-- Keyset paging through one series' rows. The price components come as
-- integers with a bit mask of those present (1 auction, 2 levies, 4 source
-- fee, 8 grid fee, 16 margin).
SELECT ts, value, tax,
       CAST((auction_e6 IS NOT NULL) + 2 * (levies_e6 IS NOT NULL) + 4 * (source_fee_e6 IS NOT NULL)
            + 8 * (grid_fee_e6 IS NOT NULL) + 16 * (margin_e6 IS NOT NULL) AS INTEGER) AS parts,
       CAST(COALESCE(auction_e6, 0) AS INTEGER) AS auction_e6, CAST(COALESCE(levies_e6, 0) AS INTEGER) AS levies_e6,
       CAST(COALESCE(source_fee_e6, 0) AS INTEGER) AS source_fee_e6, CAST(COALESCE(grid_fee_e6, 0) AS INTEGER) AS grid_fee_e6,
       CAST(COALESCE(margin_e6, 0) AS INTEGER) AS margin_e6
FROM reading_chunks c JOIN readings r ON r.chunk_id = c.id
WHERE c.series_id = @series_id AND r.ts >= @from_ts
ORDER BY c.first_ts, r.ts
LIMIT @lim;

-- name: DeleteUnmovedReadings :exec
DELETE FROM readings WHERE chunk_id IN (SELECT id FROM reading_chunks WHERE series_id = @series_id);

-- name: DeleteUnmovedChunks :exec
DELETE FROM reading_chunks WHERE series_id = @series_id;
