-- name: UpsertReading :exec
-- A late correction overwrites; an unchanged value writes nothing.
INSERT INTO readings (series_id, ts, value, tax, auction_e6, levies_e6, source_fee_e6, grid_fee_e6, margin_e6)
VALUES (@series_id, @ts, @value, @tax, @auction_e6, @levies_e6, @source_fee_e6, @grid_fee_e6, @margin_e6)
ON CONFLICT (series_id, ts) DO UPDATE SET
    value = excluded.value, tax = excluded.tax, auction_e6 = excluded.auction_e6,
    levies_e6 = excluded.levies_e6, source_fee_e6 = excluded.source_fee_e6,
    grid_fee_e6 = excluded.grid_fee_e6, margin_e6 = excluded.margin_e6
WHERE readings.value IS NOT excluded.value OR readings.tax IS NOT excluded.tax
   OR readings.auction_e6 IS NOT excluded.auction_e6 OR readings.levies_e6 IS NOT excluded.levies_e6
   OR readings.source_fee_e6 IS NOT excluded.source_fee_e6 OR readings.grid_fee_e6 IS NOT excluded.grid_fee_e6
   OR readings.margin_e6 IS NOT excluded.margin_e6;

-- name: RollupDay :exec
INSERT INTO readings_daily (series_id, day, n, total, lo, hi)
SELECT r.series_id, CAST(@day AS INTEGER), COUNT(*), SUM(r.value), MIN(r.value), MAX(r.value)
FROM readings r
WHERE r.series_id = @series_id AND r.ts >= @day AND r.ts < CAST(@day_end AS INTEGER)
GROUP BY r.series_id
ON CONFLICT (series_id, day) DO UPDATE SET
    n = excluded.n, total = excluded.total, lo = excluded.lo, hi = excluded.hi;

-- name: DailyOfMeter :many
SELECT s.measure, s.channel, d.day, d.n, d.total, d.lo, d.hi
FROM series s JOIN readings_daily d ON d.series_id = s.id
WHERE s.meter_id = @meter_id AND d.day >= @from_day AND d.day < @to_day
ORDER BY d.day;

-- name: ReadingsPage :many
-- Keyset paging through one series: constant memory for any range.
SELECT ts, value, tax, auction_e6, levies_e6, source_fee_e6, grid_fee_e6, margin_e6
FROM readings
WHERE series_id = @series_id AND ts >= @from_ts AND ts < @to_ts
ORDER BY ts
LIMIT @lim;

-- name: SumRange :one
SELECT COUNT(*) AS n, CAST(COALESCE(SUM(value), 0) AS INTEGER) AS total,
       CAST(COALESCE(MIN(value), 0) AS INTEGER) AS lo, CAST(COALESCE(MAX(value), 0) AS INTEGER) AS hi
FROM readings WHERE series_id = @series_id AND ts >= @from_ts AND ts < @to_ts;

-- name: CountReadings :one
SELECT COUNT(*) FROM readings;
