-- Kind-specific contract terms, typed because comparisons price them, and
-- the user's own customers ("accounts") that link the ids one customer has
-- at several vendors. Decimals are INTEGER millionths (_e6), instants Unix
-- seconds UTC, as in 0001.

CREATE TABLE contract_flexibility (
    contract_id                    INTEGER PRIMARY KEY REFERENCES contracts (id) ON DELETE CASCADE,
    asset_id                       TEXT NOT NULL DEFAULT '',
    asset_name                     TEXT NOT NULL DEFAULT '',
    participant_id                 TEXT NOT NULL DEFAULT '',
    reservation_fee_e6             INTEGER,
    activation_fee_workdays_e6     INTEGER,
    activation_fee_non_workdays_e6 INTEGER,
    max_power_kw_e6                INTEGER,
    max_activations_per_interval   INTEGER,
    max_activation_minutes         INTEGER,
    min_minutes_between            INTEGER,
    days_allowed                   INTEGER,
    permitted_intervals            TEXT NOT NULL DEFAULT '',
    tolerance_e6                   INTEGER,
    renewal                        INTEGER,
    non_conformance_clause         TEXT NOT NULL DEFAULT '',
    min_normal_temp_e6             INTEGER,
    max_normal_temp_e6             INTEGER,
    max_ramp_up_temp_e6            INTEGER,
    min_ramp_down_temp_e6          INTEGER
);

CREATE TABLE contract_ppa (
    contract_id         INTEGER PRIMARY KEY REFERENCES contracts (id) ON DELETE CASCADE,
    ppa_type            TEXT NOT NULL DEFAULT '',
    period              TEXT NOT NULL DEFAULT '',
    delivery_profile    TEXT NOT NULL DEFAULT '',
    seller_tso          TEXT NOT NULL DEFAULT '',
    buyer_tso           TEXT NOT NULL DEFAULT '',
    asset_id            TEXT NOT NULL DEFAULT '',
    asset_name          TEXT NOT NULL DEFAULT '',
    technology          TEXT NOT NULL DEFAULT '',
    asset_tso           TEXT NOT NULL DEFAULT '',
    nominal_power_mw_e6 INTEGER,
    created_at          INTEGER,
    updated_at          INTEGER
);

CREATE TABLE contract_partner (
    contract_id                  INTEGER PRIMARY KEY REFERENCES contracts (id) ON DELETE CASCADE,
    user_id                      TEXT NOT NULL DEFAULT '',
    contract_type                TEXT NOT NULL DEFAULT '',
    building_id                  TEXT NOT NULL DEFAULT '',
    includes_external_components INTEGER -- NULL: the vendor did not say; 0 or 1
);

-- A price per kWh that holds from valid_from on (Podero's energy_prices).
CREATE TABLE contract_price_points (
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    valid_from  INTEGER NOT NULL,
    per_kwh_e6  INTEGER NOT NULL,
    PRIMARY KEY (contract_id, valid_from)
) WITHOUT ROWID;

-- The user's customers, as named in the sources file, and the ids each has
-- at the configured sources (enneo customer id, prosumer customer id, otark
-- buyer EIC, Podero user id).
CREATE TABLE accounts (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

CREATE TABLE account_links (
    account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    source_name TEXT NOT NULL,
    external_id TEXT NOT NULL,
    PRIMARY KEY (source_name, external_id)
);
CREATE INDEX account_links_by_account ON account_links (account_id);

-- The portfolio's status filter lists the distinct statuses on every page view.
CREATE INDEX contracts_by_status ON contracts (status);
