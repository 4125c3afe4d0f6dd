-- The values of a PUT about to go out, written before it is sent and
-- cleared when its answer is recorded. After a kill or a timeout between
-- the two, the vendor may hold them: the next write-back takes them for
-- its own write (not someone else's change), and an edit that sets such a
-- field back to the change's base is kept, not dropped as unchanged.
ALTER TABLE outbox ADD COLUMN inflight_json TEXT NOT NULL DEFAULT '{}';
