-- Indexes the portfolio pages walk instead of sorting every contract: the
-- default order (lower-cased name, then id), the same within one status,
-- and the start and end dates. A page of 50 then reads about 50 index
-- entries and stops.
CREATE INDEX contracts_by_name ON contracts (lower(name), id);
CREATE INDEX contracts_by_status_name ON contracts (status, lower(name), id);
CREATE INDEX contracts_by_valid_from ON contracts (valid_from, id);
CREATE INDEX contracts_by_valid_to ON contracts (valid_to, id);
-- Descending pages keep ids ascending within a date, and many contracts
-- share a start or end date (the first of a month): walking the index above
-- backwards would sort each such group, so these serve them as they are.
CREATE INDEX contracts_by_valid_from_desc ON contracts (valid_from DESC, id);
CREATE INDEX contracts_by_valid_to_desc ON contracts (valid_to DESC, id);
-- Counting the matches of the portfolio's equality filters reads this
-- narrow index rather than the wide rows.
CREATE INDEX contracts_by_filter ON contracts (status, kind, commodity, source_id);
-- Both indexes above begin with status, so this one (0002) only costs
-- writes now.
DROP INDEX contracts_by_status;
