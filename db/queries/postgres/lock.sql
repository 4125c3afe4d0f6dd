-- Who holds the book's sync lock (TrySyncLock), for the message of a sync
-- that has to wait: the holding connection's application_name (Wattfolio
-- sets "wattfolio pid N on HOST"), its client address (NULL over a local
-- socket) and since when: the holder's lock connection runs nothing after
-- taking the lock, so its last change of state is when it took it. A
-- role that may not see the holder's session sees no row, or empty fields.

-- name: SyncLockHolder :many
SELECT COALESCE(a.application_name, '')::text AS application_name,
       COALESCE(host(a.client_addr), '')::text AS client_addr,
       a.state_change AS since, a.pid
FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'advisory' AND l.granted
  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
  AND l.classid = CAST(@ns::integer AS oid) AND l.objid = CAST(hashtext(current_schema()) AS oid)
  AND l.objsubid = 2
LIMIT 1;
