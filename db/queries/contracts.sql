-- name: UpsertContract :one
INSERT INTO contracts (
    source_id, external_id, customer_id, kind, commodity, status, name,
    product_name, product_code, supplier, supplier_code, buyer, buyer_code,
    grid_operator, grid_operator_code, valid_from, valid_to, signed_at, cancelled_at,
    currency, base_per_year_e6, working_per_kwh_e6, vat_rate_e6, annual_kwh_e6,
    meter_id, search_text, raw_json, fields_json, fetched_at, run_id
) VALUES (
    @source_id, @external_id, @customer_id, @kind, @commodity, @status, @name,
    @product_name, @product_code, @supplier, @supplier_code, @buyer, @buyer_code,
    @grid_operator, @grid_operator_code, @valid_from, @valid_to, @signed_at, @cancelled_at,
    @currency, @base_per_year_e6, @working_per_kwh_e6, @vat_rate_e6, @annual_kwh_e6,
    @meter_id, @search_text, @raw_json, @fields_json, @fetched_at, @run_id
)
ON CONFLICT (source_id, external_id) DO UPDATE SET
    customer_id = excluded.customer_id, kind = excluded.kind, commodity = excluded.commodity,
    status = excluded.status, name = excluded.name, product_name = excluded.product_name,
    product_code = excluded.product_code, supplier = excluded.supplier,
    supplier_code = excluded.supplier_code, buyer = excluded.buyer, buyer_code = excluded.buyer_code,
    grid_operator = excluded.grid_operator, grid_operator_code = excluded.grid_operator_code,
    valid_from = excluded.valid_from, valid_to = excluded.valid_to, signed_at = excluded.signed_at,
    cancelled_at = excluded.cancelled_at, currency = excluded.currency,
    base_per_year_e6 = excluded.base_per_year_e6, working_per_kwh_e6 = excluded.working_per_kwh_e6,
    vat_rate_e6 = excluded.vat_rate_e6, annual_kwh_e6 = excluded.annual_kwh_e6,
    meter_id = excluded.meter_id, search_text = excluded.search_text, raw_json = excluded.raw_json,
    fields_json = excluded.fields_json, fetched_at = excluded.fetched_at, run_id = excluded.run_id,
    removed_at = NULL
RETURNING id;

-- name: GetContract :one
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
WHERE c.id = ?;

-- name: ListContracts :many
-- The portfolio: every filter is optional (empty string or 0 means "any").
-- The sort parameters sit in a one-row CTE because sqlc binds parameters in a
-- SELECT list but not inside ORDER BY. Filtering, counting and sorting run
-- over narrow rows in "page"; only the page's rows are then read whole,
-- which keeps the wide raw JSON out of the sorter. Contracts with no
-- customer sort after every name (char(1114111) is the last code point).
WITH arg AS (SELECT CAST(@sort AS TEXT) AS sort, CAST(@descending AS INTEGER) AS descending),
page AS (
    SELECT c.id AS id, COUNT(*) OVER () AS total,
        ROW_NUMBER() OVER (ORDER BY
            CASE WHEN arg.descending = 0 THEN
                CASE arg.sort
                    WHEN 'customer' THEN COALESCE(NULLIF(lower(COALESCE(a.name, cu.name, '')), ''), char(1114111))
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
                    WHEN 'customer' THEN COALESCE(NULLIF(lower(COALESCE(a.name, cu.name, '')), ''), char(1114111))
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
            c.id) AS pos
    FROM contracts c
    JOIN sources s ON s.id = c.source_id
    LEFT JOIN customers cu ON cu.id = c.customer_id
    LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
    LEFT JOIN accounts a ON a.id = al.account_id
    CROSS JOIN arg
    WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
      AND (CAST(@vendor AS TEXT) = '' OR s.vendor = @vendor)
      AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
      AND (CAST(@commodity AS TEXT) = '' OR c.commodity = @commodity)
      AND (CAST(@status AS TEXT) = '' OR c.status = @status)
      AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
      AND (CAST(@account AS INTEGER) = 0 OR al.account_id = @account)
      AND (CAST(@active_from AS INTEGER) = 0
           OR ((c.valid_from IS NULL OR c.valid_from < CAST(@active_until AS INTEGER))
               AND (c.valid_to IS NULL OR c.valid_to >= @active_from)))
      AND (CAST(@query AS TEXT) = '' OR instr(c.search_text, @query) > 0
           OR instr(COALESCE(a.search_name, ''), @query) > 0)
    ORDER BY pos
    LIMIT @lim OFFSET @off
)
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name,
       page.total AS total
FROM page
JOIN contracts c ON c.id = page.id
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
ORDER BY page.pos;

-- name: ContractStatuses :many
-- The distinct statuses, each found by one seek in contracts_by_status (a
-- skip scan): a handful of seeks instead of reading every contract.
WITH RECURSIVE st(status) AS (
    SELECT (SELECT MIN(status) FROM contracts WHERE status > '')
    UNION ALL
    SELECT (SELECT MIN(c.status) FROM contracts c WHERE c.status > st.status) FROM st WHERE st.status IS NOT NULL
)
SELECT CAST(status AS TEXT) AS status FROM st WHERE status IS NOT NULL;

-- The fast portfolio pages: the filter shapes that compare columns for
-- equality (empty string means "any"), each in an order an index of 0011
-- serves, so a page reads its rows off the index and stops after LIMIT
-- rather than sorting every contract. The orders are ListContracts' own:
-- the sort key, then id ascending in both directions. CountContracts
-- counts the same matches.

-- name: ListContractsByName :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY lower(c.name), c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByNameDesc :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY lower(c.name) DESC, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByValidFrom :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.valid_from, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByValidFromDesc :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.valid_from DESC, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByValidTo :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.valid_to, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByValidToDesc :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.valid_to DESC, c.id
LIMIT @lim OFFSET @off;

-- The portfolio sorted by external id, a price or status: each walks its
-- index of 0018 (the descending orders their DESC one, ties by ascending id
-- as the general query has them) and stops after the page.
-- name: ListContractsByExternalID :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.external_id, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByExternalIDDesc :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.external_id DESC, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByWorkingPrice :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.working_per_kwh_e6, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByWorkingPriceDesc :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.working_per_kwh_e6 DESC, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByBasePrice :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.base_per_year_e6, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByBasePriceDesc :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.base_per_year_e6 DESC, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByStatus :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.status, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByStatusDesc :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
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
ORDER BY c.status DESC, c.id
LIMIT @lim OFFSET @off;

-- The portfolio sorted by source: the sources in name order, each one's
-- contracts off contracts_by_source in id order, stopping after the page
-- (descending, the sources backwards and the ids still ascending). CROSS
-- JOIN keeps the sources the outer loop, which SQLite would otherwise not
-- always choose.
-- name: ListContractsBySource :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM sources s
CROSS JOIN contracts c ON c.source_id = s.id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@vendor AS TEXT) = '' OR s.vendor = @vendor)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@commodity AS TEXT) = '' OR c.commodity = @commodity)
  AND (CAST(@status AS TEXT) = '' OR c.status = @status)
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
ORDER BY s.name, c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsBySourceDesc :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM sources s
CROSS JOIN contracts c ON c.source_id = s.id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@vendor AS TEXT) = '' OR s.vendor = @vendor)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@commodity AS TEXT) = '' OR c.commodity = @commodity)
  AND (CAST(@status AS TEXT) = '' OR c.status = @status)
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
ORDER BY s.name DESC, c.id
LIMIT @lim OFFSET @off;

-- name: CountContracts :one
SELECT COUNT(*) AS total
FROM contracts c
JOIN sources s ON s.id = c.source_id
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@vendor AS TEXT) = '' OR s.vendor = @vendor)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@commodity AS TEXT) = '' OR c.commodity = @commodity)
  AND (CAST(@status AS TEXT) = '' OR c.status = @status)
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'));

-- name: ListContractsByStatusName :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@vendor AS TEXT) = '' OR s.vendor = @vendor)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@commodity AS TEXT) = '' OR c.commodity = @commodity)
  AND c.status = @status
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
ORDER BY lower(c.name), c.id
LIMIT @lim OFFSET @off;

-- name: ListContractsByStatusNameDesc :many
SELECT sqlc.embed(c), s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name
FROM contracts c
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@vendor AS TEXT) = '' OR s.vendor = @vendor)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@commodity AS TEXT) = '' OR c.commodity = @commodity)
  AND c.status = @status
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
ORDER BY lower(c.name) DESC, c.id
LIMIT @lim OFFSET @off;

-- name: CountContractsByStatus :one
SELECT COUNT(*) AS total
FROM contracts c
JOIN sources s ON s.id = c.source_id
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@vendor AS TEXT) = '' OR s.vendor = @vendor)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@commodity AS TEXT) = '' OR c.commodity = @commodity)
  AND c.status = @status
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'));

-- name: CountAllContracts :one
SELECT COUNT(*) AS total FROM contracts;

-- name: ContractsAfterName :many
-- The export in the default order, a batch at a time by keyset: the
-- contracts after (@after_name, @after_id) in (lower(name), id) order, read
-- off contracts_by_name from where the last batch stopped, so every batch
-- costs the same however far into the portfolio it is. @after_name is the
-- last row's name as it is, lowered here, which spares every row a lowered
-- copy of its name. Only the columns a contract carries are read: not the
-- search text or the flattened fields (hundreds of bytes a row that the
-- export would copy and drop), nor the source and customer ids (their
-- names and references are joined), and the vendor's record only with
-- @with_raw. has_terms spares the term queries for the contracts that
-- have none.
SELECT c.id, c.external_id, c.kind, c.commodity, c.status, c.name,
       c.product_name, c.product_code, c.supplier, c.supplier_code, c.buyer, c.buyer_code,
       c.grid_operator, c.grid_operator_code, c.valid_from, c.valid_to, c.signed_at, c.cancelled_at,
       c.currency, c.base_per_year_e6, c.working_per_kwh_e6, c.vat_rate_e6, c.annual_kwh_e6, c.meter_id,
       CAST(CASE WHEN CAST(@with_raw AS INTEGER) = 1 THEN c.raw_json ELSE '' END AS TEXT) AS raw_json,
       c.fetched_at, c.removed_at,
       s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name,
       CAST(EXISTS (SELECT 1 FROM contract_flexibility f WHERE f.contract_id = c.id)
            OR EXISTS (SELECT 1 FROM contract_ppa p WHERE p.contract_id = c.id)
            OR EXISTS (SELECT 1 FROM contract_partner pa WHERE pa.contract_id = c.id) AS INTEGER) AS has_terms
FROM contracts c
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
WHERE lower(c.name) >= lower(@after_name)
  AND (lower(c.name) > lower(@after_name) OR c.id > CAST(@after_id AS INTEGER))
  AND (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@vendor AS TEXT) = '' OR s.vendor = @vendor)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@commodity AS TEXT) = '' OR c.commodity = @commodity)
  AND (CAST(@status AS TEXT) = '' OR c.status = @status)
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
ORDER BY lower(c.name), c.id
LIMIT @lim;

-- name: ExportContractsAfterName :many
-- ContractsAfterName with only the columns the CSV export without personal
-- data writes: not the vendor's record, the grid operator's code, the
-- cancellation date or the account's id, which the driver would hand over
-- column by column for every row for nothing.
SELECT c.id, c.external_id, c.kind, c.commodity, c.status, c.name,
       c.product_name, c.product_code, c.supplier, c.supplier_code, c.buyer, c.buyer_code,
       c.grid_operator, c.valid_from, c.valid_to, c.signed_at,
       c.currency, c.base_per_year_e6, c.working_per_kwh_e6, c.vat_rate_e6, c.annual_kwh_e6, c.meter_id,
       c.fetched_at, c.removed_at,
       s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       COALESCE(a.name, '') AS account_name,
       CAST(EXISTS (SELECT 1 FROM contract_flexibility f WHERE f.contract_id = c.id)
            OR EXISTS (SELECT 1 FROM contract_ppa p WHERE p.contract_id = c.id)
            OR EXISTS (SELECT 1 FROM contract_partner pa WHERE pa.contract_id = c.id) AS INTEGER) AS has_terms
FROM contracts c
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
WHERE lower(c.name) >= lower(@after_name)
  AND (lower(c.name) > lower(@after_name) OR c.id > CAST(@after_id AS INTEGER))
  AND (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@vendor AS TEXT) = '' OR s.vendor = @vendor)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@commodity AS TEXT) = '' OR c.commodity = @commodity)
  AND (CAST(@status AS TEXT) = '' OR c.status = @status)
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
ORDER BY lower(c.name), c.id
LIMIT @lim;

-- name: ContractMatches :many
-- Every contract matching the portfolio's filters that are not facets
-- (source, kind, upstream, customer, active on a day, text), in the order
-- ListContracts lists them, with the facets' status, commodity and vendor:
-- one pass gives a page of any sort (the facet filters applied to these
-- rows), the number of matches and the facet counts, where a search or a
-- customer's page otherwise scanned every contract twice. The export reads
-- the ids once, then the rows by id in batches, so its cost grows with the
-- contracts, not their square.
SELECT c.id, c.status, c.commodity, s.vendor
FROM contracts c
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
CROSS JOIN (SELECT CAST(@sort AS TEXT) AS sort, CAST(@descending AS INTEGER) AS descending) arg
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
  AND (CAST(@account AS INTEGER) = 0 OR al.account_id = @account)
  AND (CAST(@active_from AS INTEGER) = 0
       OR ((c.valid_from IS NULL OR c.valid_from < CAST(@active_until AS INTEGER))
           AND (c.valid_to IS NULL OR c.valid_to >= @active_from)))
  AND (CAST(@query AS TEXT) = '' OR instr(c.search_text, @query) > 0
       OR instr(COALESCE(a.search_name, ''), @query) > 0)
ORDER BY
    CASE WHEN arg.descending = 0 THEN
        CASE arg.sort
            WHEN 'customer' THEN COALESCE(NULLIF(lower(COALESCE(a.name, cu.name, '')), ''), char(1114111))
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
            WHEN 'customer' THEN COALESCE(NULLIF(lower(COALESCE(a.name, cu.name, '')), ''), char(1114111))
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

-- name: ContractMatchesOfAccount :many
-- ContractMatches for one of the user's customers, read from its links
-- (account_links_by_account, then each linked customer's contracts off
-- contracts_by_customer) instead of testing every contract.
SELECT c.id, c.status, c.commodity, s.vendor
FROM account_links al
JOIN accounts a ON a.id = al.account_id
JOIN sources s ON s.name = al.source_name
JOIN customers cu ON cu.source_id = s.id AND cu.external_id = al.external_id
JOIN contracts c ON c.customer_id = cu.id
CROSS JOIN (SELECT CAST(@sort AS TEXT) AS sort, CAST(@descending AS INTEGER) AS descending) arg
WHERE al.account_id = @account
  AND (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
  AND (CAST(@active_from AS INTEGER) = 0
       OR ((c.valid_from IS NULL OR c.valid_from < CAST(@active_until AS INTEGER))
           AND (c.valid_to IS NULL OR c.valid_to >= @active_from)))
  AND (CAST(@query AS TEXT) = '' OR instr(c.search_text, @query) > 0
       OR instr(COALESCE(a.search_name, ''), @query) > 0)
ORDER BY
    CASE WHEN arg.descending = 0 THEN
        CASE arg.sort
            WHEN 'customer' THEN COALESCE(NULLIF(lower(COALESCE(a.name, cu.name, '')), ''), char(1114111))
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
            WHEN 'customer' THEN COALESCE(NULLIF(lower(COALESCE(a.name, cu.name, '')), ''), char(1114111))
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

-- name: ContractsByID :many
-- The contracts of ids, in no particular order, with the columns of
-- ContractsAfterName.
SELECT c.id, c.external_id, c.kind, c.commodity, c.status, c.name,
       c.product_name, c.product_code, c.supplier, c.supplier_code, c.buyer, c.buyer_code,
       c.grid_operator, c.grid_operator_code, c.valid_from, c.valid_to, c.signed_at, c.cancelled_at,
       c.currency, c.base_per_year_e6, c.working_per_kwh_e6, c.vat_rate_e6, c.annual_kwh_e6, c.meter_id,
       CAST(CASE WHEN CAST(@with_raw AS INTEGER) = 1 THEN c.raw_json ELSE '' END AS TEXT) AS raw_json,
       c.fetched_at, c.removed_at,
       s.name AS source_name, s.vendor AS vendor,
       COALESCE(cu.external_id, '') AS customer_ref, COALESCE(cu.name, '') AS customer_name,
       CAST(COALESCE(al.account_id, 0) AS INTEGER) AS account_id, COALESCE(a.name, '') AS account_name,
       CAST(EXISTS (SELECT 1 FROM contract_flexibility f WHERE f.contract_id = c.id)
            OR EXISTS (SELECT 1 FROM contract_ppa p WHERE p.contract_id = c.id)
            OR EXISTS (SELECT 1 FROM contract_partner pa WHERE pa.contract_id = c.id) AS INTEGER) AS has_terms
FROM contracts c
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
WHERE c.id IN (sqlc.slice(ids));

-- name: ContractFacetGroups :many
-- The portfolio's facet counts under its equality filters: contracts per
-- status, commodity and source, under the filters that are not facets
-- (source, kind, upstream). Every column read is in contracts_by_filter, so
-- this scans that narrow index, not the rows; the few groups are then
-- summed per facet under the other facets' filters (app.SumFacets).
SELECT g.status AS status, g.commodity AS commodity, s.vendor AS vendor, CAST(SUM(g.n) AS INTEGER) AS n
FROM (
    SELECT c.status AS status, c.commodity AS commodity, c.source_id AS source_id, COUNT(*) AS n
    FROM contracts c
    WHERE (CAST(@source AS TEXT) = '' OR c.source_id = (SELECT id FROM sources WHERE name = @source))
      AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
      AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
    -- In the index's order (kind too), so the groups come off it unsorted.
    GROUP BY c.status, c.kind, c.commodity, c.source_id
) g
JOIN sources s ON s.id = g.source_id
GROUP BY g.status, g.commodity, s.vendor;

-- name: ContractFacetGroupsFiltered :many
-- ContractFacetGroups under every other filter of the portfolio as well
-- (customer, active on a day, text search), which need the customer and
-- account of each contract.
SELECT c.status AS status, c.commodity AS commodity, s.vendor AS vendor, COUNT(*) AS n
FROM contracts c
JOIN sources s ON s.id = c.source_id
LEFT JOIN customers cu ON cu.id = c.customer_id
LEFT JOIN account_links al ON al.source_name = s.name AND al.external_id = cu.external_id
LEFT JOIN accounts a ON a.id = al.account_id
WHERE (CAST(@source AS TEXT) = '' OR s.name = @source)
  AND (CAST(@kind AS TEXT) = '' OR c.kind = @kind)
  AND (CAST(@upstream AS TEXT) = 'all' OR (c.removed_at IS NOT NULL) = (CAST(@upstream AS TEXT) = 'removed'))
  AND (CAST(@account AS INTEGER) = 0 OR al.account_id = @account)
  AND (CAST(@active_from AS INTEGER) = 0
       OR ((c.valid_from IS NULL OR c.valid_from < CAST(@active_until AS INTEGER))
           AND (c.valid_to IS NULL OR c.valid_to >= @active_from)))
  AND (CAST(@query AS TEXT) = '' OR instr(c.search_text, @query) > 0
       OR instr(COALESCE(a.search_name, ''), @query) > 0)
GROUP BY c.status, c.commodity, s.vendor;
