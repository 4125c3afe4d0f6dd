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

-- name: UpsertBlocks8 :exec
-- Eight blocks in one statement (cacheTx.Flush): a full sync writes a
-- month of days per series at a time, and each statement through
-- database/sql costs microseconds besides its rows. Rows are written in
-- order, so of a block given twice the later one stays.
INSERT INTO reading_blocks (series_id, span_start, n, data) VALUES
    (@series_id1, @span_start1, @n1, @data1),
    (@series_id2, @span_start2, @n2, @data2),
    (@series_id3, @span_start3, @n3, @data3),
    (@series_id4, @span_start4, @n4, @data4),
    (@series_id5, @span_start5, @n5, @data5),
    (@series_id6, @span_start6, @n6, @data6),
    (@series_id7, @span_start7, @n7, @data7),
    (@series_id8, @span_start8, @n8, @data8)
ON CONFLICT (series_id, span_start) DO UPDATE SET n = excluded.n, data = excluded.data;

-- name: SetDays8 :exec
-- Eight days' rollups in one statement, as UpsertBlocks8.
INSERT INTO readings_daily (series_id, day, n, total, lo, hi) VALUES
    (@series_id1, @day1, @n1, @total1, @lo1, @hi1),
    (@series_id2, @day2, @n2, @total2, @lo2, @hi2),
    (@series_id3, @day3, @n3, @total3, @lo3, @hi3),
    (@series_id4, @day4, @n4, @total4, @lo4, @hi4),
    (@series_id5, @day5, @n5, @total5, @lo5, @hi5),
    (@series_id6, @day6, @n6, @total6, @lo6, @hi6),
    (@series_id7, @day7, @n7, @total7, @lo7, @hi7),
    (@series_id8, @day8, @n8, @total8, @lo8, @hi8)
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
