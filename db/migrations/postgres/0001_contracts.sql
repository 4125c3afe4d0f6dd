-- The team's book on PostgreSQL: what the contract sync writes (sources,
-- runs and their record problems, checkpoints, customers, contracts with
-- their raw JSON and their earlier versions). The same shape as the SQLite
-- cache's migrations 0001-0012, in PostgreSQL's types: instants are
-- timestamptz (UTC), decimals stay exact BIGINT millionths (columns ending
-- in _e6, as in SQLite, so a slice pulled into a laptop's cache copies them
-- unchanged), the vendor's record is jsonb. Applied by db/pgstore, which
-- records it in schema_migrations.

CREATE TABLE schema_migrations (
    version    INTEGER PRIMARY KEY,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE sources (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    vendor     TEXT NOT NULL,
    base_url   TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE customers (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id   BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    UNIQUE (source_id, external_id)
);

CREATE TABLE sync_runs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id   BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    started_at  TIMESTAMPTZ NOT NULL,
    finished_at TIMESTAMPTZ,
    status      TEXT NOT NULL, -- running | ok | partial | failed | interrupted
    fetched     BIGINT NOT NULL DEFAULT 0,
    failed      BIGINT NOT NULL DEFAULT 0,
    missing     BIGINT NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sync_runs_by_source ON sync_runs (source_id, id);

CREATE TABLE sync_problems (
    id      BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    run_id  BIGINT NOT NULL REFERENCES sync_runs (id) ON DELETE CASCADE,
    record  TEXT NOT NULL,
    field   TEXT NOT NULL DEFAULT '',
    message TEXT NOT NULL
);
CREATE INDEX sync_problems_by_run ON sync_problems (run_id);

CREATE TABLE checkpoints (
    source_id  BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    stream     TEXT NOT NULL,
    cursor     TEXT NOT NULL,
    run_id     BIGINT REFERENCES sync_runs (id) ON DELETE SET NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source_id, stream)
);

CREATE TABLE contracts (
    id                 BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id          BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    external_id        TEXT NOT NULL,
    customer_id        BIGINT REFERENCES customers (id) ON DELETE SET NULL,
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
    valid_from         TIMESTAMPTZ,
    valid_to           TIMESTAMPTZ,
    signed_at          TIMESTAMPTZ,
    cancelled_at       TIMESTAMPTZ,
    currency           TEXT NOT NULL DEFAULT 'EUR',
    base_per_year_e6   BIGINT,
    working_per_kwh_e6 BIGINT,
    vat_rate_e6        BIGINT,
    annual_kwh_e6      BIGINT,
    meter_id           TEXT NOT NULL DEFAULT '',
    raw_json           JSONB NOT NULL,
    fields_json        TEXT NOT NULL,
    fetched_at         TIMESTAMPTZ NOT NULL,
    run_id             BIGINT REFERENCES sync_runs (id) ON DELETE SET NULL,
    removed_at         TIMESTAMPTZ,
    UNIQUE (source_id, external_id)
);
-- A pull copies one customer's contracts.
CREATE INDEX contracts_by_customer ON contracts (customer_id);

CREATE TABLE contract_versions (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    raw_json    JSONB NOT NULL,
    fields_json TEXT NOT NULL,
    removed_at  TIMESTAMPTZ,
    fetched_at  TIMESTAMPTZ NOT NULL,
    run_id      BIGINT REFERENCES sync_runs (id) ON DELETE SET NULL,
    replaced_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX contract_versions_by_contract ON contract_versions (contract_id, id);
