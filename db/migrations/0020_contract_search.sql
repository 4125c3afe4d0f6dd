-- The portfolio's text search and its sort by customer, without reading
-- every contract (0.6-1.2 s at 50,000 contracts before this migration).
--
-- contract_search holds each contract's folded search text (contracts.
-- search_text, see 0016) under the contract's id, indexed by trigrams: a
-- query of three or more characters finds its candidates in the index
-- (FTS5's trigram tokenizer matches any substring), a shorter one scans
-- this narrow table instead of the wide contracts. case_sensitive 1: the
-- text and the query are folded already, so the index compares exactly what
-- instr() compares. detail=none: the index only says which texts hold all
-- of a query's trigrams (a third of the size and half the time to build of
-- one with their positions), and instr() on those few decides.
-- contract_id repeats the rowid for sqlc, which knows no rowid of a
-- virtual table.
CREATE VIRTUAL TABLE contract_search USING fts5(
    search_text, contract_id UNINDEXED, tokenize = 'trigram case_sensitive 1', detail = none);

-- contract_customers is each contract's sort key by customer, as the
-- portfolio's sort by customer orders them: the name of the user's account
-- linked to its customer, else the customer's name, lower-cased;
-- char(1114111), after every name, for none. The sort walks these indexes
-- instead of sorting every contract. customer_keys is each customer's key
-- (a customer is its contracts' source's, so its link is looked up under
-- that source).
CREATE TABLE contract_customers (
    contract_id  INTEGER PRIMARY KEY REFERENCES contracts (id) ON DELETE CASCADE,
    customer_key TEXT NOT NULL
);
CREATE INDEX contract_customers_by_key ON contract_customers (customer_key, contract_id);
CREATE INDEX contract_customers_by_key_desc ON contract_customers (customer_key DESC, contract_id);
CREATE VIEW customer_keys AS
SELECT cu.id AS customer_id, COALESCE(NULLIF(lower(COALESCE(a.name, cu.name, '')), ''), char(1114111)) AS customer_key
FROM customers cu
JOIN sources s ON s.id = cu.source_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id;

-- Both kept in step with the contracts by triggers, whatever writes them
-- (a sync, an offline edit, a salvage); a re-sync that changes neither the
-- search text nor the customer writes neither. The account side (names
-- and links, which only ReplaceAccounts writes) is brought in step by
-- RefreshCustomerKeys.
CREATE TRIGGER contract_search_insert AFTER INSERT ON contracts BEGIN
    INSERT INTO contract_search (rowid, search_text, contract_id) VALUES (new.id, new.search_text, new.id);
    INSERT INTO contract_customers (contract_id, customer_key)
    VALUES (new.id, COALESCE((SELECT customer_key FROM customer_keys WHERE customer_id = new.customer_id), char(1114111)));
END;

CREATE TRIGGER contract_search_update AFTER UPDATE OF search_text ON contracts
WHEN old.search_text IS NOT new.search_text BEGIN
    UPDATE contract_search SET search_text = new.search_text WHERE rowid = new.id;
END;

CREATE TRIGGER contract_customers_update AFTER UPDATE OF customer_id ON contracts
WHEN old.customer_id IS NOT new.customer_id BEGIN
    UPDATE contract_customers
    SET customer_key = COALESCE((SELECT customer_key FROM customer_keys WHERE customer_id = new.customer_id), char(1114111))
    WHERE contract_id = new.id;
END;

CREATE TRIGGER contract_search_delete AFTER DELETE ON contracts BEGIN
    DELETE FROM contract_search WHERE rowid = old.id;
END;

-- A customer renamed upstream re-keys its contracts (unless an account's
-- name stands in for it).
CREATE TRIGGER customer_name_update AFTER UPDATE OF name ON customers
WHEN old.name IS NOT new.name BEGIN
    UPDATE contract_customers SET customer_key = (SELECT customer_key FROM customer_keys WHERE customer_id = new.id)
    WHERE contract_id IN (SELECT id FROM contracts WHERE customer_id = new.id);
END;

-- The caches' existing contracts.
INSERT INTO contract_search (rowid, search_text, contract_id) SELECT id, search_text, id FROM contracts;
INSERT INTO contract_customers (contract_id, customer_key)
SELECT c.id, COALESCE(k.customer_key, char(1114111))
FROM contracts c
LEFT JOIN customer_keys k ON k.customer_id = c.customer_id;
