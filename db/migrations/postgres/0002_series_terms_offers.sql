-- The rest of what a sync writes, and the offers a team compares against:
-- meters and their time series as the SQLite cache's compressed blocks
-- (package db/block's format, unchanged, as bytea), the contract terms the
-- vendors publish beside a contract (flexibility, PPA, partner, price
-- points), the portfolio's search text, the vendors' shared rate budgets,
-- gas meters' conversion factors and the imported offers. The same tables
-- and column names as the SQLite cache's migrations 0002-0019, so that a
-- slice pulled into a laptop's cache copies rows unchanged but for
-- instants: timestamptz here, Unix seconds there. Decimals stay exact
-- BIGINT millionths (_e6).

ALTER TABLE contracts ADD COLUMN search_text TEXT NOT NULL DEFAULT '';

CREATE TABLE contract_flexibility (
    contract_id                    BIGINT PRIMARY KEY REFERENCES contracts (id) ON DELETE CASCADE,
    asset_id                       TEXT NOT NULL DEFAULT '',
    asset_name                     TEXT NOT NULL DEFAULT '',
    participant_id                 TEXT NOT NULL DEFAULT '',
    reservation_fee_e6             BIGINT,
    activation_fee_workdays_e6     BIGINT,
    activation_fee_non_workdays_e6 BIGINT,
    max_power_kw_e6                BIGINT,
    max_activations_per_interval   BIGINT,
    max_activation_minutes         BIGINT,
    min_minutes_between            BIGINT,
    days_allowed                   BIGINT,
    permitted_intervals            TEXT NOT NULL DEFAULT '',
    tolerance_e6                   BIGINT,
    renewal                        BIGINT,
    non_conformance_clause         TEXT NOT NULL DEFAULT '',
    min_normal_temp_e6             BIGINT,
    max_normal_temp_e6             BIGINT,
    max_ramp_up_temp_e6            BIGINT,
    min_ramp_down_temp_e6          BIGINT
);

CREATE TABLE contract_ppa (
    contract_id         BIGINT PRIMARY KEY REFERENCES contracts (id) ON DELETE CASCADE,
    ppa_type            TEXT NOT NULL DEFAULT '',
    period              TEXT NOT NULL DEFAULT '',
    delivery_profile    TEXT NOT NULL DEFAULT '',
    seller_tso          TEXT NOT NULL DEFAULT '',
    buyer_tso           TEXT NOT NULL DEFAULT '',
    asset_id            TEXT NOT NULL DEFAULT '',
    asset_name          TEXT NOT NULL DEFAULT '',
    technology          TEXT NOT NULL DEFAULT '',
    asset_tso           TEXT NOT NULL DEFAULT '',
    nominal_power_mw_e6 BIGINT,
    created_at          TIMESTAMPTZ,
    updated_at          TIMESTAMPTZ
);

CREATE TABLE contract_partner (
    contract_id                  BIGINT PRIMARY KEY REFERENCES contracts (id) ON DELETE CASCADE,
    user_id                      TEXT NOT NULL DEFAULT '',
    contract_type                TEXT NOT NULL DEFAULT '',
    building_id                  TEXT NOT NULL DEFAULT '',
    includes_external_components BOOLEAN -- NULL: the vendor did not say
);

CREATE TABLE contract_price_points (
    contract_id BIGINT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    valid_from  TIMESTAMPTZ NOT NULL,
    per_kwh_e6  BIGINT NOT NULL,
    PRIMARY KEY (contract_id, valid_from)
);

CREATE TABLE meters (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id            BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    external_id          TEXT NOT NULL,
    contract_external_id TEXT NOT NULL DEFAULT '',
    number               TEXT NOT NULL DEFAULT '',
    label                TEXT NOT NULL DEFAULT '',
    unit                 TEXT NOT NULL DEFAULT 'kWh',
    -- Days and months are counted in this zone; the daily rollup is too.
    zone                 TEXT NOT NULL DEFAULT 'Europe/Berlin',
    intervals            TEXT NOT NULL DEFAULT '', -- what the vendor offers, comma-separated
    data_from            TIMESTAMPTZ,
    data_to              TIMESTAMPTZ,
    raw_json             JSONB NOT NULL DEFAULT 'null',
    updated_at           TIMESTAMPTZ NOT NULL,
    unit_reported_at     TIMESTAMPTZ,
    UNIQUE (source_id, external_id)
);
-- A pull finds a customer's meters through their contracts.
CREATE INDEX meters_by_contract ON meters (source_id, contract_external_id);

-- One endpoint for one meter; the watermark (complete before this instant)
-- is written in the same transaction as the blocks it covers.
CREATE TABLE meter_streams (
    meter_id   BIGINT NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
    measure    TEXT NOT NULL, -- consumption | price | cost
    interval_s INTEGER NOT NULL,
    currency   TEXT NOT NULL DEFAULT '',
    watermark  TIMESTAMPTZ,
    run_id     BIGINT REFERENCES sync_runs (id) ON DELETE SET NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (meter_id, measure)
);

CREATE TABLE series (
    id       BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    meter_id BIGINT NOT NULL REFERENCES meters (id) ON DELETE CASCADE,
    measure  TEXT NOT NULL,
    channel  TEXT NOT NULL DEFAULT '',
    UNIQUE (meter_id, measure, channel)
);

-- A series' readings of one span (a local day in the meter's zone) as one
-- block of package db/block's format; n readings.
CREATE TABLE reading_blocks (
    series_id  BIGINT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    span_start TIMESTAMPTZ NOT NULL, -- local midnight starting the span
    n          INTEGER NOT NULL,
    data       BYTEA NOT NULL,
    PRIMARY KEY (series_id, span_start)
);

-- Per series and local day: count, sum, min and max of the values,
-- recomputed with the blocks that change them.
CREATE TABLE readings_daily (
    series_id BIGINT NOT NULL REFERENCES series (id) ON DELETE CASCADE,
    day       TIMESTAMPTZ NOT NULL, -- local midnight
    n         INTEGER NOT NULL,
    total     BIGINT NOT NULL,
    lo        BIGINT NOT NULL,
    hi        BIGINT NOT NULL,
    PRIMARY KEY (series_id, day)
);

CREATE TABLE meter_gas_conversions (
    meter_id           BIGINT PRIMARY KEY REFERENCES meters (id) ON DELETE CASCADE,
    calorific_value_e6 BIGINT NOT NULL CHECK (calorific_value_e6 > 0),
    state_number_e6    BIGINT NOT NULL CHECK (state_number_e6 > 0),
    set_at             TIMESTAMPTZ NOT NULL
);

-- A vendor's request budget shared by every sync with one key.
CREATE TABLE rate_budgets (
    vendor        TEXT NOT NULL,
    key_hash      TEXT NOT NULL,
    blocked_until TIMESTAMPTZ NOT NULL,
    updated_at    TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (vendor, key_hash)
);

CREATE TABLE offers (
    id                         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                       TEXT NOT NULL UNIQUE,
    supplier                   TEXT NOT NULL,
    commodity                  TEXT NOT NULL,
    model                      TEXT NOT NULL,
    currency                   TEXT NOT NULL,
    gross                      BOOLEAN NOT NULL,
    vat_rate_e6                BIGINT NOT NULL, -- a fraction: 190000 is 19 %
    base_per_year_e6           BIGINT NOT NULL,
    working_per_kwh_e6         BIGINT NOT NULL,
    grid_per_kwh_e6            BIGINT NOT NULL,
    grid_base_per_year_e6      BIGINT NOT NULL,
    levies_per_kwh_e6          BIGINT NOT NULL,
    electricity_tax_per_kwh_e6 BIGINT NOT NULL,
    concession_per_kwh_e6      BIGINT NOT NULL,
    negative_rule              TEXT NOT NULL,
    average_rule               TEXT NOT NULL,
    guarantee_months           INTEGER NOT NULL,
    guarantee_scope            TEXT NOT NULL,
    min_term_months            INTEGER NOT NULL,
    notice_n                   INTEGER NOT NULL,
    notice_unit                TEXT NOT NULL,
    supply_start               TIMESTAMPTZ, -- NULL: the start of the period compared
    valid_from                 TIMESTAMPTZ, -- NULL: open
    valid_to                   TIMESTAMPTZ, -- exclusive; NULL: open
    notes                      TEXT NOT NULL,
    terms_json                 JSONB NOT NULL,
    updated_at                 TIMESTAMPTZ NOT NULL
);

-- Every row a pull copies carries rev, the id of the transaction that last
-- wrote it (pg_current_xact_id, as a number), set by a trigger whatever
-- statement writes the row. A pull remembers the oldest transaction still
-- running when it read (pg_snapshot_xmin of its snapshot) and next time
-- copies the rows with rev at or above it: a row committed after the pull
-- read, by a transaction that had started before, is not missed.
CREATE FUNCTION book_rev() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.rev := pg_current_xact_id()::text::bigint;
    RETURN NEW;
END
$$;

ALTER TABLE customers ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contracts ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contract_versions ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contract_flexibility ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contract_ppa ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contract_partner ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE contract_price_points ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE meters ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE meter_streams ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE series ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE reading_blocks ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE readings_daily ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE meter_gas_conversions ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;
ALTER TABLE offers ADD COLUMN rev BIGINT NOT NULL DEFAULT 0;

CREATE TRIGGER customers_rev BEFORE INSERT OR UPDATE ON customers FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER contracts_rev BEFORE INSERT OR UPDATE ON contracts FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER contract_versions_rev BEFORE INSERT OR UPDATE ON contract_versions FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER contract_flexibility_rev BEFORE INSERT OR UPDATE ON contract_flexibility FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER contract_ppa_rev BEFORE INSERT OR UPDATE ON contract_ppa FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER contract_partner_rev BEFORE INSERT OR UPDATE ON contract_partner FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER contract_price_points_rev BEFORE INSERT OR UPDATE ON contract_price_points FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER meters_rev BEFORE INSERT OR UPDATE ON meters FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER meter_streams_rev BEFORE INSERT OR UPDATE ON meter_streams FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER series_rev BEFORE INSERT OR UPDATE ON series FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER reading_blocks_rev BEFORE INSERT OR UPDATE ON reading_blocks FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER readings_daily_rev BEFORE INSERT OR UPDATE ON readings_daily FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER meter_gas_conversions_rev BEFORE INSERT OR UPDATE ON meter_gas_conversions FOR EACH ROW EXECUTE FUNCTION book_rev();
CREATE TRIGGER offers_rev BEFORE INSERT OR UPDATE ON offers FOR EACH ROW EXECUTE FUNCTION book_rev();
-- A later pull looks rows up by rev.
CREATE INDEX contracts_by_rev ON contracts (rev);
CREATE INDEX reading_blocks_by_rev ON reading_blocks (rev);
