-- The portfolio's search of one or two characters without scanning every
-- search text (60-66 ms CPU a request at 50,000 contracts before this
-- migration; too short for contract_search's trigrams, 0020).
--
-- contract_grams indexes each contract's folded search text (contracts.
-- search_text) by its characters and pairs of adjacent characters, each
-- written as a word (wattfolio_search_grams, db/search.go: the hex of its
-- UTF-8, which the ascii tokenizer keeps whole), under the contract's id:
-- a query of one or two characters is one such word, and the index lists
-- the contracts that hold it. content='': the index keeps no copy of the
-- text (contracts has it); contentless_delete: a row can be deleted and
-- updated without the words it was indexed with. detail=none: only which
-- texts hold a word.
CREATE VIRTUAL TABLE contract_grams USING fts5(
    grams, content = '', contentless_delete = 1, detail = none, tokenize = 'ascii');

-- Kept in step with the contracts by triggers, whatever writes them (a
-- sync, an offline edit, a salvage, a pull into a slice), through
-- contract_grams_pending: the contracts written since their grams were, which
-- the search reads by instr() (it is empty between the store's
-- transactions: each moves its contracts' grams into the index before it
-- commits, FlushContractGrams). FTS5 writes its pending words to disk at
-- every statement savepoint, and each contract's upsert is one: indexed by
-- the triggers themselves, 50,000 contracts took about 5 s more CPU
-- than one INSERT ... SELECT of them all at the end. A re-sync that leaves
-- the search text as it was writes nothing here. (Not INSERT OR IGNORE:
-- an upsert's conflict clause overrides a trigger's.)
CREATE TABLE contract_grams_pending (contract_id INTEGER PRIMARY KEY);

CREATE TRIGGER contract_grams_insert AFTER INSERT ON contracts BEGIN
    INSERT INTO contract_grams_pending (contract_id)
    SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM contract_grams_pending WHERE contract_id = new.id);
END;

CREATE TRIGGER contract_grams_update AFTER UPDATE OF search_text ON contracts
WHEN old.search_text IS NOT new.search_text BEGIN
    DELETE FROM contract_grams WHERE rowid = new.id;
    INSERT INTO contract_grams_pending (contract_id)
    SELECT new.id WHERE NOT EXISTS (SELECT 1 FROM contract_grams_pending WHERE contract_id = new.id);
END;

CREATE TRIGGER contract_grams_delete AFTER DELETE ON contracts BEGIN
    DELETE FROM contract_grams WHERE rowid = old.id;
    DELETE FROM contract_grams_pending WHERE contract_id = old.id;
END;

-- The caches' existing contracts.
INSERT INTO contract_grams (rowid, grams) SELECT id, wattfolio_search_grams(search_text) FROM contracts;
