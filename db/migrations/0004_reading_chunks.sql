-- Readings are keyed by chunk instead of series. A chunk is a stretch of one
-- series' time, [first_ts, last_ts], and chunks of a series never overlap.
-- The sync writes each new stretch of readings (a window the vendor served)
-- as a new chunk, whose id is the highest yet: its rows go at the end of the
-- table, where SQLite appends without searching the tree from its root.
-- Keyed by series, the windows of many meters synced at once went into the
-- middle of the table, one root-to-leaf search per row (a third more time
-- per reading at 500 meters). A series' readings in time order are its
-- chunks by first_ts, each in ts order.
CREATE TABLE reading_chunks (
    id        INTEGER PRIMARY KEY,
    series_id INTEGER NOT NULL,
    first_ts  INTEGER NOT NULL,
    last_ts   INTEGER NOT NULL,
    UNIQUE (series_id, first_ts)
);

INSERT INTO reading_chunks (series_id, first_ts, last_ts)
SELECT series_id, MIN(ts), MAX(ts) FROM readings GROUP BY series_id ORDER BY series_id;

CREATE TABLE chunk_readings (
    chunk_id      INTEGER NOT NULL,
    ts            INTEGER NOT NULL,
    value         INTEGER NOT NULL,
    tax           INTEGER NOT NULL DEFAULT 0,
    auction_e6    INTEGER,
    levies_e6     INTEGER,
    source_fee_e6 INTEGER,
    grid_fee_e6   INTEGER,
    margin_e6     INTEGER,
    PRIMARY KEY (chunk_id, ts)
) WITHOUT ROWID;

INSERT INTO chunk_readings (chunk_id, ts, value, tax, auction_e6, levies_e6, source_fee_e6, grid_fee_e6, margin_e6)
SELECT c.id, r.ts, r.value, r.tax, r.auction_e6, r.levies_e6, r.source_fee_e6, r.grid_fee_e6, r.margin_e6
FROM readings r JOIN reading_chunks c ON c.series_id = r.series_id
ORDER BY c.id, r.ts;

DROP TRIGGER series_drop_readings;
DROP TABLE readings;
ALTER TABLE chunk_readings RENAME TO readings;

CREATE TRIGGER series_drop_readings AFTER DELETE ON series
BEGIN
    DELETE FROM readings WHERE chunk_id IN (SELECT id FROM reading_chunks WHERE series_id = old.id);
    DELETE FROM reading_chunks WHERE series_id = old.id;
    DELETE FROM readings_daily WHERE series_id = old.id;
END;
