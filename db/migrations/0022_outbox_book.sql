-- The laptop's side of a team's book on PostgreSQL ('wattfolio push').
-- book_key names a change in the book's outbox (with the laptop's id): set
-- before the change is first pushed, so that a push cut off after the book
-- took it and pushed again is not taken twice; a new change of the contract
-- (after one settled, or a resolved conflict) starts with a new key.
-- pushed_json holds the values as last pushed ('' never): equal to new_json,
-- the change is in the book waiting for the team's sync, which sends it;
-- this cache's own sync leaves it alone. Edited after its push, it goes to
-- the book again on the next push.
ALTER TABLE outbox ADD COLUMN book_key TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN pushed_json TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX outbox_by_book_key ON outbox (book_key) WHERE book_key <> '';

-- This cache's id in the books it pushes to, made on its first push, and
-- the analyst its pushes name ('wattfolio push --as NAME', kept for the
-- pushes after, those of 'wattfolio pull' too; '' for the system user).
CREATE TABLE laptop (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    laptop_id TEXT NOT NULL,
    author    TEXT NOT NULL DEFAULT ''
);
