-- The search finds "Müller" for "Mueller" and "Muller", ignoring case,
-- accents and repeated spaces: contracts' search text is folded anew
-- (app.SearchText, through the wattfolio_search_text function the store
-- registers), and accounts carry their folded name for the same search.
UPDATE contracts SET search_text = wattfolio_search_text(search_text);
ALTER TABLE accounts ADD COLUMN search_name TEXT NOT NULL DEFAULT '';
UPDATE accounts SET search_name = wattfolio_search_text(name);
