-- Offline edits waiting to be written back to the vendor: one change per
-- contract. base_json holds the edited fields as they were in the cache when
-- the first edit began, new_json the values wanted (edited fields only),
-- both JSON objects of strings. A conflict keeps the vendor's current values
-- in theirs_json; a rejection the vendor's message.
CREATE TABLE outbox (
    id                   INTEGER PRIMARY KEY,
    source_id            INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    contract_external_id TEXT NOT NULL,
    base_json            TEXT NOT NULL,
    new_json             TEXT NOT NULL,
    state                TEXT NOT NULL DEFAULT 'pending'
                         CHECK (state IN ('pending', 'sent', 'rejected', 'conflict')),
    message              TEXT NOT NULL DEFAULT '',
    theirs_json          TEXT NOT NULL DEFAULT '{}',
    attempts             INTEGER NOT NULL DEFAULT 0,
    created_at           INTEGER NOT NULL,
    updated_at           INTEGER NOT NULL,
    UNIQUE (source_id, contract_external_id)
);
