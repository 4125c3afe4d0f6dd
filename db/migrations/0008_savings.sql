-- The portfolio savings view, cached: one row per account (customer) with
-- what its comparison found, so that the view opens at once instead of
-- pricing every customer's year again. Rows are replaced all together by
-- each recompute (after a sync, after an offer change, on request), which
-- also writes computed_at. No foreign key to accounts: a sync replaces the
-- accounts, and the rows, names included, stay readable until the
-- recompute that follows it. Decimals are INTEGER millionths (_e6) of
-- euros (percentages of percent points), instants Unix seconds UTC; NULL
-- where the figure could not be worked out, and note says why.
CREATE TABLE savings (
    account_id          INTEGER PRIMARY KEY,
    account_name        TEXT NOT NULL,
    profile             TEXT NOT NULL,
    current_contract_id INTEGER,
    current_name        TEXT NOT NULL,
    current_gross_e6    INTEGER,
    offer_id            INTEGER,
    offer_name          TEXT NOT NULL,
    offer_gross_e6      INTEGER,
    saving1_e6          INTEGER,
    saving2_e6          INTEGER,
    saving_pct1_e6      INTEGER,
    deadline            INTEGER,
    deadline_kind       TEXT NOT NULL,
    at_stake_e6         INTEGER,
    note                TEXT NOT NULL,
    computed_at         INTEGER NOT NULL
);
