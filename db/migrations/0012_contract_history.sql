-- Contract history. fields_json holds the contract's mapped fields as the
-- app flattens them (app/history), so a sync tells a changed contract from
-- an unchanged one by comparing two strings, and a replaced version keeps
-- its fields as they were even after the mapping code changes. '' marks a
-- row stored before this migration: its first sync records no version.
-- removed_at is when a completed full listing of the source no longer
-- held the contract, or the vendor answered 404 for it; NULL while the
-- vendor still has it. fetched_at is then when it was last seen.
ALTER TABLE contracts ADD COLUMN fields_json TEXT NOT NULL DEFAULT '';
ALTER TABLE contracts ADD COLUMN removed_at INTEGER;

-- A contract as it was before a sync (or a write-back) replaced it or
-- marked it removed: run_id is the run that did so, replaced_at when.
CREATE TABLE contract_versions (
    id          INTEGER PRIMARY KEY,
    contract_id INTEGER NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    raw_json    TEXT NOT NULL,
    fields_json TEXT NOT NULL,
    removed_at  INTEGER,
    fetched_at  INTEGER NOT NULL,
    run_id      INTEGER REFERENCES sync_runs (id) ON DELETE SET NULL,
    replaced_at INTEGER NOT NULL
);
CREATE INDEX contract_versions_by_contract ON contract_versions (contract_id, id);

-- The portfolio shows current contracts unless asked for removed ones, so
-- its counts test removed_at: in the index, they still read only the index.
DROP INDEX contracts_by_filter;
CREATE INDEX contracts_by_filter ON contracts (status, kind, commodity, source_id, removed_at);
-- How many contracts are removed, for the portfolio's hint that some are
-- hidden: a partial index as small as the removed contracts are few.
CREATE INDEX contracts_removed ON contracts (removed_at) WHERE removed_at IS NOT NULL;
-- The customers' contract counts leave removed contracts out and still
-- read only this index.
DROP INDEX contracts_by_customer;
CREATE INDEX contracts_by_customer ON contracts (customer_id, removed_at);
