-- The statements that read and empty the row-per-reading tables of schema
-- versions 4 to 6 while db.Open moves their rows into blocks, before
-- migration 0019 drops the tables. They are compiled against the schema up
-- to migration 0007 (sqlc.yaml) into db/internal/legacyq, which is not
-- prepared at Open: a cache past 0019 has none of these tables.

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
