-- A laptop's slice of a team's book on PostgreSQL ('wattfolio pull'): the
-- book it came from (its URL without the password), the customers it holds
-- (by source name and external id: the book's ids mean nothing here), when
-- the last pull finished and the book's pg_snapshot_xmin it read at, from
-- which the next pull copies (every row the book's later transactions
-- wrote has a rev at or above it). pulls counts the pulls, so that the
-- app's cached counts know the contracts changed. A cache that was never
-- pulled into has no row.
CREATE TABLE slice (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    book      TEXT NOT NULL,
    pulled_at INTEGER NOT NULL, -- Unix seconds, UTC
    xmin      INTEGER NOT NULL,
    pulls     INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE slice_customers (
    source_name TEXT NOT NULL,
    external_id TEXT NOT NULL,
    name        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (source_name, external_id)
) WITHOUT ROWID;
