-- Candidate offers: tariffs a consultant compares with a customer's
-- contracts, typed in or imported from an offers file. They are the user's
-- own data, keyed by name; no sync reads or writes this table. Decimals are
-- INTEGER millionths (_e6) in the tariff's currency (per kWh, per year),
-- instants Unix seconds UTC, as in 0001. The scalar terms a comparison
-- filters or sorts by have columns; the nested ones (zones, grid zones,
-- bonuses, PPA and flexibility terms) are one JSON document, terms_json,
-- with decimals as strings.
CREATE TABLE offers (
    id                         INTEGER PRIMARY KEY,
    name                       TEXT NOT NULL UNIQUE,
    supplier                   TEXT NOT NULL,
    commodity                  TEXT NOT NULL,
    model                      TEXT NOT NULL,
    currency                   TEXT NOT NULL,
    gross                      INTEGER NOT NULL, -- 0 or 1
    vat_rate_e6                INTEGER NOT NULL, -- a fraction: 190000 is 19 %
    base_per_year_e6           INTEGER NOT NULL,
    working_per_kwh_e6         INTEGER NOT NULL,
    grid_per_kwh_e6            INTEGER NOT NULL,
    grid_base_per_year_e6      INTEGER NOT NULL,
    levies_per_kwh_e6          INTEGER NOT NULL,
    electricity_tax_per_kwh_e6 INTEGER NOT NULL,
    concession_per_kwh_e6      INTEGER NOT NULL,
    negative_rule              TEXT NOT NULL,
    average_rule               TEXT NOT NULL,
    guarantee_months           INTEGER NOT NULL,
    guarantee_scope            TEXT NOT NULL,
    min_term_months            INTEGER NOT NULL,
    notice_n                   INTEGER NOT NULL,
    notice_unit                TEXT NOT NULL,
    supply_start               INTEGER, -- NULL: the start of the period compared
    valid_from                 INTEGER, -- NULL: open
    valid_to                   INTEGER, -- exclusive; NULL: open
    notes                      TEXT NOT NULL,
    terms_json                 TEXT NOT NULL,
    updated_at                 INTEGER NOT NULL
);
