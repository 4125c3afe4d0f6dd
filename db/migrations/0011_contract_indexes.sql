-- Indexes the portfolio pages walk instead of sorting every contract: the
-- default order (lower-cased name, then id), and the same within one
-- status. A page of 50 then reads about 50 index entries and stops.
CREATE INDEX contracts_by_name ON contracts (lower(name), id);
CREATE INDEX contracts_by_status_name ON contracts (status, lower(name), id);
-- Counting the matches of the portfolio's equality filters reads this
-- narrow index rather than the wide rows.
CREATE INDEX contracts_by_filter ON contracts (status, kind, commodity, source_id);
