-- name: GetCheckpoint :one
SELECT cursor FROM checkpoints WHERE source_id = ? AND stream = ?;

-- name: SetCheckpoint :exec
INSERT INTO checkpoints (source_id, stream, cursor, run_id, updated_at)
VALUES (@source_id, @stream, @cursor, @run_id, @updated_at)
ON CONFLICT (source_id, stream) DO UPDATE
SET cursor = excluded.cursor, run_id = excluded.run_id, updated_at = excluded.updated_at;
