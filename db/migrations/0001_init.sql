-- The contract cache. Instants are INTEGER Unix seconds (UTC). Decimals
-- (prices, rates, quantities) are INTEGER millionths (columns ending in _e6),
-- so sums in SQL stay exact and the schema ports to PostgreSQL BIGINT.

CREATE TABLE sources (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    vendor     TEXT NOT NULL,
    base_url   TEXT NOT NULL,
    created_at INTEGER NOT NULL
);

CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    UNIQUE (source_id, external_id)
);

CREATE TABLE sync_runs (
    id          INTEGER PRIMARY KEY,
    source_id   INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    status      TEXT NOT NULL, -- running | ok | partial | failed | interrupted
    fetched     INTEGER NOT NULL DEFAULT 0,
    failed      INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_runs_by_source ON sync_runs (source_id, id);

-- Record-level problems of a run: which record and field the vendor got wrong.
CREATE TABLE sync_problems (
    id      INTEGER PRIMARY KEY,
    run_id  INTEGER NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    record  TEXT NOT NULL,
    field   TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL
);
CREATE INDEX sync_problems_by_run ON sync_problems (run_id);

CREATE TABLE contracts (
    id                 INTEGER PRIMARY KEY,
    source_id          INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    external_id        TEXT NOT NULL,
    customer_id        INTEGER REFERENCES customers (id) ON DELETE SET NULL,
    kind               TEXT NOT NULL,
    commodity          TEXT NOT NULL DEFAULT '',
    status             TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL DEFAULT '',
    product_name       TEXT NOT NULL DEFAULT '',
    product_code       TEXT NOT NULL DEFAULT '',
    supplier           TEXT NOT NULL DEFAULT '',
    supplier_code      TEXT NOT NULL DEFAULT '',
    buyer              TEXT NOT NULL DEFAULT '',
    buyer_code         TEXT NOT NULL DEFAULT '',
    grid_operator      TEXT NOT NULL DEFAULT '',
    grid_operator_code TEXT NOT NULL DEFAULT '',
    valid_from         INTEGER,
    valid_to           INTEGER,
    signed_at          INTEGER,
    cancelled_at       INTEGER,
    currency           TEXT NOT NULL DEFAULT 'EUR',
    base_per_year_e6   INTEGER, -- currency per year
    working_per_kwh_e6 INTEGER, -- currency per kWh
    vat_rate_e6        INTEGER, -- a fraction: 190000 is 19 %
    annual_kwh_e6      INTEGER,
    meter_id           TEXT NOT NULL DEFAULT '',
    -- Lower-cased ids and names for the portfolio's text search.
    search_text        TEXT NOT NULL DEFAULT '',
    raw_json           TEXT NOT NULL,
    fetched_at         INTEGER NOT NULL,
    run_id             INTEGER REFERENCES sync_runs (id) ON DELETE SET NULL,
    UNIQUE (source_id, external_id)
);
CREATE INDEX contracts_by_customer ON contracts (customer_id);

-- Where each stream of a source resumes. Written in the same transaction as
-- the rows it covers, so a crash can neither lose nor skip data.
CREATE TABLE checkpoints (
    source_id  INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    stream     TEXT NOT NULL,
    cursor     TEXT NOT NULL,
    run_id     INTEGER,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, stream)
);
