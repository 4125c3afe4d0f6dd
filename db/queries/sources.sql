-- name: UpsertSource :one
INSERT INTO sources (name, vendor, base_url, created_at)
VALUES (@name, @vendor, @base_url, @created_at)
ON CONFLICT (name) DO UPDATE SET vendor = excluded.vendor, base_url = excluded.base_url
RETURNING id;

-- name: SourceIDByName :one
SELECT id FROM sources WHERE name = ?;

-- name: ListSources :many
SELECT s.id, s.name, s.vendor, s.base_url,
       (SELECT COUNT(*) FROM contracts c WHERE c.source_id = s.id) AS contracts,
       CAST(COALESCE((SELECT MAX(r.finished_at) FROM sync_runs r
                      WHERE r.source_id = s.id AND r.status IN ('ok', 'partial')), 0) AS INTEGER) AS last_success
FROM sources s
ORDER BY s.name;

-- name: SourceNames :many
SELECT name FROM sources ORDER BY name;
