-- The user's own notes on a contract: free text, tags and a date to get in
-- touch again. They never leave the laptop (nothing writes them back), and
-- they are keyed by the vendor's contract id so a re-sync keeps them.
-- tags is a JSON array of strings; next_contact a date YYYY-MM-DD or ''.
CREATE TABLE contract_notes (
    source_id            INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    contract_external_id TEXT NOT NULL,
    notes                TEXT NOT NULL DEFAULT '',
    tags                 TEXT NOT NULL DEFAULT '[]',
    next_contact         TEXT NOT NULL DEFAULT '',
    updated_at           INTEGER NOT NULL,
    PRIMARY KEY (source_id, contract_external_id)
);
CREATE INDEX contract_notes_by_next_contact ON contract_notes (next_contact) WHERE next_contact <> '';
