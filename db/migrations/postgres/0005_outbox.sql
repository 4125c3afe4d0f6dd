-- The book's outbox: offline edits the laptops pushed ('wattfolio push'),
-- waiting for the team's sync to write them back to the vendors, as a
-- laptop cache's outbox does (SQLite migrations 0010, 0017). One row per
-- change a laptop pushed, named by the laptop's id and the change's key
-- there, so a push done twice takes it once. author is who pushed it (the
-- analyst). base_json holds the edited fields as the laptop had them when
-- the edit began, new_json the values wanted, inflight_json a PUT's values
-- recorded before it goes out; JSON objects of strings. A conflict keeps
-- the values in its way in theirs_json: the vendor's, or those of another
-- analyst's change of the same fields pushed first (conflict_with).
CREATE TABLE outbox (
    id                   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source_id            BIGINT NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    contract_external_id TEXT NOT NULL,
    laptop_id            TEXT NOT NULL,
    change_key           TEXT NOT NULL,
    author               TEXT NOT NULL,
    base_json            TEXT NOT NULL,
    new_json             TEXT NOT NULL,
    inflight_json        TEXT NOT NULL DEFAULT '{}',
    state                TEXT NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'sent', 'rejected', 'conflict')),
    message              TEXT NOT NULL DEFAULT '',
    theirs_json          TEXT NOT NULL DEFAULT '{}',
    conflict_with        BIGINT REFERENCES outbox (id),
    attempts             INTEGER NOT NULL DEFAULT 0,
    pushed_at            TIMESTAMPTZ NOT NULL,
    updated_at           TIMESTAMPTZ NOT NULL,
    UNIQUE (laptop_id, change_key)
);
-- Another analyst's change of the same contract waiting to be sent.
CREATE INDEX outbox_pending_by_contract ON outbox (source_id, contract_external_id) WHERE state = 'pending';
