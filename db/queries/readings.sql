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
-- In no particular order: the caller files each row under its bucket (an
-- ORDER BY day over several series is a sort).
SELECT s.measure, s.channel, d.day, d.n, d.total, d.lo, d.hi
FROM series s JOIN readings_daily d ON d.series_id = s.id
WHERE s.meter_id = @meter_id AND d.day >= @from_day AND d.day < @to_day;

-- name: SpanOfMeter :many
-- Each series' rollup summed over the days in [from_day, to_day): a month
-- of the meter page's table is a row a series, summed by SQLite, where
-- handing out its thirty daily rows one by one costs several times more.
-- Grouped in the order of series' unique index, so SQLite needs no sort.
SELECT s.measure, s.channel,
    CAST(SUM(d.n) AS INTEGER) AS n, CAST(SUM(d.total) AS INTEGER) AS total,
    CAST(MIN(d.lo) AS INTEGER) AS lo, CAST(MAX(d.hi) AS INTEGER) AS hi
FROM series s JOIN readings_daily d ON d.series_id = s.id
WHERE s.meter_id = @meter_id AND d.day >= @from_day AND d.day < @to_day
GROUP BY s.measure, s.channel;

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
