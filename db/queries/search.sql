-- name: ContractSearchMatches :many
-- ContractMatches of a text search (and no customer filter), from the
-- contracts the search finds rather than from every contract: those whose
-- search text holds @query. Of three characters or more, they are found in
-- contract_search (0020) by @pattern, a GLOB pattern of it that FTS5's
-- trigram index answers, and instr() then decides, exactly as
-- ContractMatches. Of one or two, in contract_grams (0023) by @gram, the
-- query's gram (gramQuery), which holds exactly those contracts, and by
-- instr() the texts that are not UTF-8 (gram notutf8) and those not in
-- the index yet (contract_grams_pending, empty but for a writer outside the
-- store's transactions). @gram is empty for
-- a longer query; a branch whose @gram test fails is not run. And the
-- contracts of the user's customers whose folded name holds @query,
-- from their links.
WITH hit(id) AS (
    SELECT CAST(cs.contract_id AS INTEGER) FROM contract_search cs
    WHERE CAST(@gram AS TEXT) = '' AND cs.search_text GLOB @pattern AND instr(cs.search_text, @query) > 0
    UNION
    SELECT g.rowid FROM contract_grams g
    WHERE CAST(@gram AS TEXT) <> '' AND contract_grams MATCH @gram
    UNION
    SELECT gc.id FROM contract_grams gn
    CROSS JOIN contracts gc ON gc.id = gn.rowid
    WHERE CAST(@gram AS TEXT) <> '' AND gn.contract_grams MATCH '"notutf8"' AND instr(gc.search_text, @query) > 0
    UNION
    SELECT pc.id FROM contract_grams_pending gp
    CROSS JOIN contracts pc ON pc.id = gp.contract_id
    WHERE CAST(@gram AS TEXT) <> '' AND instr(pc.search_text, @query) > 0
    UNION
    -- CROSS JOIN keeps this order: the few accounts first.
    SELECT hc.id
    FROM accounts ha
    CROSS JOIN account_links hal ON hal.account_id = ha.id
    CROSS JOIN sources hs ON hs.name = hal.source_name
    CROSS JOIN customers hcu ON hcu.source_id = hs.id AND hcu.external_id = hal.external_id
    CROSS JOIN contracts hc ON hc.customer_id = hcu.id
    WHERE instr(ha.search_name, @query) > 0
)
SELECT c.id, c.status, c.commodity, s.vendor
FROM hit
CROSS JOIN contracts c ON c.id = hit.id
JOIN sources s ON s.id = c.source_id
CROSS JOIN (SELECT CAST(@sort AS TEXT) AS sort, CAST(@descending AS INTEGER) AS descending) arg
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
  AND (CAST(@active_from AS INTEGER) = 0
       OR ((c.valid_from IS NULL OR c.valid_from < CAST(@active_until AS INTEGER))
           AND (c.valid_to IS NULL OR c.valid_to >= @active_from)))
ORDER BY
    CASE WHEN arg.descending = 0 THEN
        CASE arg.sort
            WHEN 'customer' THEN (SELECT k.customer_key FROM contract_customers k WHERE k.contract_id = c.id)
            WHEN 'valid_from' THEN c.valid_from
            WHEN 'valid_to' THEN c.valid_to
            WHEN 'working_price' THEN c.working_per_kwh_e6
            WHEN 'base_price' THEN c.base_per_year_e6
            WHEN 'source' THEN s.name
            WHEN 'status' THEN c.status
            WHEN 'external_id' THEN c.external_id
            ELSE lower(c.name)
        END
    END ASC,
    CASE WHEN arg.descending = 1 THEN
        CASE arg.sort
            WHEN 'customer' THEN (SELECT k.customer_key FROM contract_customers k WHERE k.contract_id = c.id)
            WHEN 'valid_from' THEN c.valid_from
            WHEN 'valid_to' THEN c.valid_to
            WHEN 'working_price' THEN c.working_per_kwh_e6
            WHEN 'base_price' THEN c.base_per_year_e6
            WHEN 'source' THEN s.name
            WHEN 'status' THEN c.status
            WHEN 'external_id' THEN c.external_id
            ELSE lower(c.name)
        END
    END DESC,
    c.id;

-- name: ContractGramsPending :one
-- Whether any contract's grams wait for FlushContractGrams.
SELECT EXISTS (SELECT 1 FROM contract_grams_pending) AS pending;

-- name: FlushContractGrams :exec
-- Indexes the grams of the contracts written since theirs were (0023), in
-- one statement: the store's write transactions run it before they commit,
-- when any wait (a transaction that wrote nothing else writes nothing).
INSERT INTO contract_grams (rowid, grams)
SELECT c.id, wattfolio_search_grams(c.search_text)
FROM contract_grams_pending p
CROSS JOIN contracts c ON c.id = p.contract_id;

-- name: ClearContractGramsPending :exec
DELETE FROM contract_grams_pending;

-- name: RefreshCustomerKeys :exec
-- Brings contract_customers (0020) in step with the user's accounts after
-- ReplaceAccounts: each customer's key, compared with its contracts' (off
-- contracts_by_customer), and only those that differ written. Replacing
-- the accounts deletes and inserts every one, most often as they were, so
-- this mostly reads.
UPDATE contract_customers SET customer_key = (
    SELECT k.customer_key FROM contracts c JOIN customer_keys k ON k.customer_id = c.customer_id
    WHERE c.id = contract_customers.contract_id)
WHERE contract_id IN (
    SELECT kc.id
    FROM customer_keys k
    CROSS JOIN contracts kc ON kc.customer_id = k.customer_id
    JOIN contract_customers kk ON kk.contract_id = kc.id
    WHERE kk.customer_key IS NOT k.customer_key);

-- name: ListContractsByCustomer :many
-- A portfolio page sorted by customer: contract_customers' key index
-- walked in order, each contract read by id, so a page of 50 reads about
-- 50 entries and stops instead of sorting every contract by a key joined
-- from four tables. The order is ListContracts' for the sort by customer.
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contract_customers k INDEXED BY contract_customers_by_key
CROSS JOIN contracts c ON c.id = k.contract_id
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@vendor AS TEXT) = '' OR s.vendor = @vendor)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@commodity AS TEXT) = '' OR c.commodity = @commodity)
  AND (CAST(@status AS TEXT) = '' OR c.status = @status)
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
ORDER BY k.customer_key, k.contract_id
LIMIT @lim OFFSET @off;

-- name: ListContractsByCustomerDesc :many
-- A portfolio page sorted by customer, descending: contract_customers' key index
-- walked in order, each contract read by id, so a page of 50 reads about
-- 50 entries and stops instead of sorting every contract by a key joined
-- from four tables. The order is ListContracts' for the sort by customer.
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contract_customers k INDEXED BY contract_customers_by_key_desc
CROSS JOIN contracts c ON c.id = k.contract_id
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@vendor AS TEXT) = '' OR s.vendor = @vendor)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@commodity AS TEXT) = '' OR c.commodity = @commodity)
  AND (CAST(@status AS TEXT) = '' OR c.status = @status)
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
ORDER BY k.customer_key DESC, k.contract_id
LIMIT @lim OFFSET @off;
