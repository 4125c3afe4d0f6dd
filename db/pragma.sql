-- PRAGMA statements. sqlc compiles none of them (it skips PRAGMA without a
-- word), so they live here, one per name, and db/pragma.go runs them by name.

-- name: ApplicationID
PRAGMA application_id;

-- name: SetApplicationID
-- The value is db.ApplicationID; a PRAGMA takes no bound parameters.
PRAGMA application_id = 1463899220;

-- name: QuickCheck
PRAGMA quick_check(20);

-- name: IntegrityCheck
PRAGMA integrity_check(100);
