-- name: DeleteSavings :exec
DELETE FROM savings;

-- name: InsertSavings :exec
INSERT INTO savings (
    account_id, account_name, profile, current_contract_id, current_name, current_gross_e6,
    offer_id, offer_name, offer_gross_e6, saving1_e6, saving2_e6, saving_pct1_e6,
    deadline, deadline_kind, at_stake_e6, note, computed_at
) VALUES (
    @account_id, @account_name, @profile, sqlc.narg(current_contract_id), @current_name, sqlc.narg(current_gross_e6),
    sqlc.narg(offer_id), @offer_name, sqlc.narg(offer_gross_e6), sqlc.narg(saving1_e6), sqlc.narg(saving2_e6),
    sqlc.narg(saving_pct1_e6), sqlc.narg(deadline), @deadline_kind, sqlc.narg(at_stake_e6), @note, @computed_at
);

-- name: ListSavings :many
SELECT * FROM savings ORDER BY lower(account_name), account_id;
