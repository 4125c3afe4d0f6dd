-- name: InterruptRuns :exec
-- A run still marked running when a new one starts was cut off (crash, kill).
UPDATE sync_runs SET status = 'interrupted', finished_at = @now
WHERE source_id = @source_id AND status = 'running';

-- name: InsertRun :one
INSERT INTO sync_runs (source_id, started_at, status) VALUES (@source_id, @started_at, 'running')
RETURNING id;

-- name: AddRunCounts :exec
UPDATE sync_runs SET fetched = fetched + @fetched, failed = failed + @failed, missing = missing + @missing
WHERE id = @id;

-- name: FinishRun :exec
UPDATE sync_runs SET status = @status, finished_at = @finished_at, error = @error WHERE id = @id;

-- name: LastRun :one
SELECT * FROM sync_runs WHERE source_id = ? ORDER BY id DESC LIMIT 1;

-- name: InsertProblem :exec
INSERT INTO sync_problems (run_id, record, field, message) VALUES (?, ?, ?, ?);

-- name: RunProblems :many
SELECT * FROM sync_problems WHERE run_id = ? ORDER BY id LIMIT ?;

-- name: DataGeneration :one
-- Names the state of the contracts for the caches of counts: every change
-- to them comes with a sync run (a new id) or an offline edit written back
-- (the outbox's latest update) or a pull of the laptop's slice of a
-- team's book; while a run is running they change.
SELECT CAST(COALESCE(MAX(r.id), 0) AS INTEGER) AS last_run,
       CAST(COALESCE(SUM(r.status = 'running'), 0) AS INTEGER) AS running,
       CAST(COALESCE((SELECT MAX(o.updated_at) FROM outbox o), 0) AS INTEGER) AS last_edit,
       CAST(COALESCE((SELECT sl.pulls FROM slice sl), 0) AS INTEGER) AS pulls
FROM sync_runs r;
