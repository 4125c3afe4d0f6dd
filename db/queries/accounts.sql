-- name: DeleteAccounts :exec
DELETE FROM accounts;

-- name: InsertAccount :one
INSERT INTO accounts (name, profile, search_name) VALUES (?, ?, ?) RETURNING id;

-- name: InsertAccountLink :exec
INSERT INTO account_links (account_id, source_name, external_id) VALUES (?, ?, ?);

-- name: ListAccounts :many
-- Every account with its contract count per vendor. Each linked customer's
-- contracts are counted in contracts_by_customer and only those counts are
-- grouped: grouping the joined contract rows themselves fed every contract
-- through a sorter (10 times slower at 50,000 contracts). Contracts the
-- vendor no longer has are not counted, as the customer page does not list
-- them.
SELECT a.id, a.name, a.profile, COALESCE(s.vendor, '') AS vendor,
       CAST(COALESCE(SUM((SELECT COUNT(*) FROM contracts c WHERE c.customer_id = cu.id AND c.removed_at IS NULL)), 0) AS INTEGER) AS contracts
FROM accounts a
LEFT JOIN account_links al ON al.account_id = a.id
LEFT JOIN sources s ON s.name = al.source_name
LEFT JOIN customers cu ON cu.source_id = s.id AND cu.external_id = al.external_id
GROUP BY a.id, a.name, a.profile, s.vendor
ORDER BY lower(a.name), a.id, s.vendor;

-- name: GetAccount :one
SELECT * FROM accounts WHERE id = ?;

-- name: AccountLinks :many
SELECT source_name, external_id FROM account_links WHERE account_id = ? ORDER BY source_name, external_id;
