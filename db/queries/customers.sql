-- name: UpsertCustomer :one
INSERT INTO customers (source_id, external_id, name)
VALUES (@source_id, @external_id, @name)
ON CONFLICT (source_id, external_id) DO UPDATE SET name = excluded.name
RETURNING id;
