-- The BDEW standard load profile (H25, G25, L25, ...) a customer is priced
-- on where there is no meter data, as the sources file names it; '' when
-- it names none.
ALTER TABLE accounts ADD COLUMN profile TEXT NOT NULL DEFAULT '';
