-- name: GetContractNotes :one
SELECT n.notes, n.tags, n.next_contact, n.updated_at
FROM contract_notes n JOIN sources s ON s.id = n.source_id
WHERE s.name = @source AND n.contract_external_id = @contract_external_id;

-- name: PutContractNotes :execrows
INSERT INTO contract_notes (source_id, contract_external_id, notes, tags, next_contact, updated_at)
SELECT s.id, @contract_external_id, @notes, @tags, @next_contact, @now FROM sources s WHERE s.name = @source
ON CONFLICT (source_id, contract_external_id) DO UPDATE SET
    notes = excluded.notes, tags = excluded.tags, next_contact = excluded.next_contact,
    updated_at = excluded.updated_at;

-- name: DeleteContractNotes :exec
DELETE FROM contract_notes
WHERE contract_external_id = @contract_external_id
  AND source_id = (SELECT id FROM sources WHERE name = @source);
