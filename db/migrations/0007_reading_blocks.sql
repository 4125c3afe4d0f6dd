-- Readings are stored in blocks: one row per series and local day (in the
-- meter's zone), its readings encoded by db/block (version byte first;
-- delta-coded instants, zig-zag varint values, tax and price components,
-- zstd when it pays). Through database/sql every row costs microseconds
-- whatever it holds, so a meter-year of one series is 365 rows to read, not
-- 35,040. n is the number of readings in the block (for counting without
-- decoding). day is the key, not first_ts, because a day is what a late
-- correction rewrites and what the daily rollup sums.
CREATE TABLE reading_blocks (
    series_id  INTEGER NOT NULL,
    span_start INTEGER NOT NULL, -- Unix seconds of local midnight starting the span
    n          INTEGER NOT NULL,
    data       BLOB NOT NULL,
    PRIMARY KEY (series_id, span_start)
) WITHOUT ROWID;

-- The rows of readings and reading_chunks (migration 0004) are moved into
-- blocks by db.Open after this migration, one series per transaction: what
-- is left in reading_chunks is what is still to move, so a killed move goes
-- on where it stopped. The emptied tables stay until a later migration.
DROP TRIGGER series_drop_readings;
CREATE TRIGGER series_drop_readings AFTER DELETE ON series
BEGIN
    DELETE FROM reading_blocks WHERE series_id = old.id;
    DELETE FROM readings WHERE chunk_id IN (SELECT id FROM reading_chunks WHERE series_id = old.id);
    DELETE FROM reading_chunks WHERE series_id = old.id;
    DELETE FROM readings_daily WHERE series_id = old.id;
END;
