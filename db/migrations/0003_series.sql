-- Meter time series: consumption, prices and costs of each meter, built to
-- hold tens of millions of readings. Instants are Unix seconds UTC (the start
-- of the interval a reading covers); values are INTEGER millionths (_e6 or
-- value) like every decimal in the cache.

CREATE TABLE meters (
    id                   INTEGER PRIMARY KEY,
    source_id            INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    external_id          TEXT NOT NULL,
    contract_external_id TEXT NOT NULL DEFAULT '',
    number               TEXT NOT NULL DEFAULT '',
    label                TEXT NOT NULL DEFAULT '',
    unit                 TEXT NOT NULL DEFAULT 'kWh',
    -- Days and months are counted in this zone; the daily rollup is too.
    zone                 TEXT NOT NULL DEFAULT 'Europe/Berlin',
    intervals            TEXT NOT NULL DEFAULT '', -- what the vendor offers, comma-separated
    data_from            INTEGER,
    data_to              INTEGER,
    raw_json             TEXT NOT NULL DEFAULT 'null',
    updated_at           INTEGER NOT NULL,
    UNIQUE (source_id, external_id)
);
CREATE INDEX meters_by_contract ON meters (source_id, contract_external_id);

-- What a sync fetches as one stream (one endpoint for one meter) and how far
-- it is complete. The watermark is written in the same transaction as the
-- readings it covers.
CREATE TABLE meter_streams (
    meter_id   INTEGER NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
    measure    TEXT NOT NULL, -- consumption | price | cost
    interval_s INTEGER NOT NULL,
    currency   TEXT NOT NULL DEFAULT '',
    watermark  INTEGER,       -- complete before this instant
    run_id     INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (meter_id, measure)
) WITHOUT ROWID;

-- A channel of a stream: a consumption type (nt, ht, feed-in, or ''), or ''
-- for prices and costs. Readings key on its small integer id.
CREATE TABLE series (
    id       INTEGER PRIMARY KEY,
    meter_id INTEGER NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
    measure  TEXT NOT NULL,
    channel  TEXT NOT NULL DEFAULT '',
    UNIQUE (meter_id, measure, channel)
);

-- One row per reading, clustered by (series, time) with no rowid, so a row
-- is the key and the values and nothing else. tax packs the tax behaviour
-- and rate (0: none). The price components are NULL (one header byte each)
-- for every other measure. No foreign key: a check per inserted row would
-- cost more than the insert; the trigger below removes a series' rows.
CREATE TABLE readings (
    series_id     INTEGER NOT NULL,
    ts            INTEGER NOT NULL,
    value         INTEGER NOT NULL,
    tax           INTEGER NOT NULL DEFAULT 0,
    auction_e6    INTEGER,
    levies_e6     INTEGER,
    source_fee_e6 INTEGER,
    grid_fee_e6   INTEGER,
    margin_e6     INTEGER,
    PRIMARY KEY (series_id, ts)
) WITHOUT ROWID;

-- Per series and local day (in the meter's zone): count, sum, min and max,
-- recomputed from the readings in the same transaction that changes them, so
-- a month or a year is a few hundred rows to add up.
CREATE TABLE readings_daily (
    series_id INTEGER NOT NULL,
    day       INTEGER NOT NULL, -- Unix seconds of local midnight
    n         INTEGER NOT NULL,
    total     INTEGER NOT NULL,
    lo        INTEGER NOT NULL,
    hi        INTEGER NOT NULL,
    PRIMARY KEY (series_id, day)
) WITHOUT ROWID;

CREATE TRIGGER series_drop_readings AFTER DELETE ON series
BEGIN
    DELETE FROM readings WHERE series_id = old.id;
    DELETE FROM readings_daily WHERE series_id = old.id;
END;
