-- Reads of 'wattfolio salvage' from a damaged cache, each touching as few
-- pages as it can, and the writes that carry what they read into a new one.

-- name: SalvageOfferIDs :many
-- By the name index, which holds every id: a damaged table page does not
-- hide the ids of the offers on the pages that are sound.
SELECT id FROM offers ORDER BY name;

-- name: SalvageOutbox :many
-- The changes not yet accepted by the vendor, with their source, without
-- the contracts (which the new cache syncs again).
SELECT o.id, o.contract_external_id, o.base_json, o.new_json, o.state, o.message, o.theirs_json,
       o.inflight_json, o.attempts, o.created_at, o.updated_at, o.book_key, o.pushed_json,
       s.name AS source_name, s.vendor, s.base_url
FROM outbox o JOIN sources s ON s.id = o.source_id
WHERE o.state <> 'sent'
ORDER BY o.id;

-- name: RestoreOutbox :exec
INSERT INTO outbox (source_id, contract_external_id, base_json, new_json, state, message, theirs_json,
                    inflight_json, attempts, created_at, updated_at, book_key, pushed_json)
VALUES (@source_id, @contract_external_id, @base_json, @new_json, @state, @message, @theirs_json,
        @inflight_json, @attempts, @created_at, @updated_at, @book_key, @pushed_json);

-- name: RestoreLaptop :exec
-- The laptop's id in the books it pushed to, and its analyst: with the
-- outbox's book keys, the salvaged cache's pushes name the changes the book
-- holds already as before, and the book takes none of them twice.
INSERT INTO laptop (id, laptop_id, author) VALUES (1, @laptop_id, @author);

-- name: SalvageNotes :many
-- The user's notes on contracts, with their source.
SELECT n.contract_external_id, n.notes, n.tags, n.next_contact, n.updated_at,
       s.name AS source_name, s.vendor, s.base_url
FROM contract_notes n JOIN sources s ON s.id = n.source_id
ORDER BY s.name, n.contract_external_id;
