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
-- sync, an offline edit, a salvage, a pull into a slice); a re-sync that
-- leaves the search text as it was writes nothing here.
CREATE TRIGGER contract_grams_insert AFTER INSERT ON contracts BEGIN
    INSERT INTO contract_grams (rowid, grams) VALUES (new.id, wattfolio_search_grams(new.search_text));
END;

CREATE TRIGGER contract_grams_update AFTER UPDATE OF search_text ON contracts
WHEN old.search_text IS NOT new.search_text BEGIN
    UPDATE contract_grams SET grams = wattfolio_search_grams(new.search_text) WHERE rowid = new.id;
END;

CREATE TRIGGER contract_grams_delete AFTER DELETE ON contracts BEGIN
    DELETE FROM contract_grams WHERE rowid = old.id;
END;

-- The caches' existing contracts.
INSERT INTO contract_grams (rowid, grams) SELECT id, wattfolio_search_grams(search_text) FROM contracts;
