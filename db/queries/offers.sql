-- name: SaveOffer :one
-- An id of 0 inserts a new offer; another id updates that offer, renaming it if
-- the name changed.
INSERT INTO offers (
    id, name, supplier, commodity, model, currency, gross, vat_rate_e6, base_per_year_e6,
    working_per_kwh_e6, grid_per_kwh_e6, grid_base_per_year_e6, levies_per_kwh_e6,
    electricity_tax_per_kwh_e6, concession_per_kwh_e6, negative_rule, average_rule,
    guarantee_months, guarantee_scope, min_term_months, notice_n, notice_unit, supply_start,
    valid_from, valid_to, notes, terms_json, updated_at
) VALUES (
    NULLIF(CAST(@id AS INTEGER), 0), @name, @supplier, @commodity, @model, @currency, @gross, @vat_rate_e6, @base_per_year_e6,
    @working_per_kwh_e6, @grid_per_kwh_e6, @grid_base_per_year_e6, @levies_per_kwh_e6,
    @electricity_tax_per_kwh_e6, @concession_per_kwh_e6, @negative_rule, @average_rule,
    @guarantee_months, @guarantee_scope, @min_term_months, @notice_n, @notice_unit, @supply_start,
    @valid_from, @valid_to, @notes, @terms_json, @updated_at
)
ON CONFLICT (id) DO UPDATE SET
    name = excluded.name, supplier = excluded.supplier, commodity = excluded.commodity,
    model = excluded.model, currency = excluded.currency, gross = excluded.gross,
    vat_rate_e6 = excluded.vat_rate_e6, base_per_year_e6 = excluded.base_per_year_e6,
    working_per_kwh_e6 = excluded.working_per_kwh_e6, grid_per_kwh_e6 = excluded.grid_per_kwh_e6,
    grid_base_per_year_e6 = excluded.grid_base_per_year_e6, levies_per_kwh_e6 = excluded.levies_per_kwh_e6,
    electricity_tax_per_kwh_e6 = excluded.electricity_tax_per_kwh_e6,
    concession_per_kwh_e6 = excluded.concession_per_kwh_e6, negative_rule = excluded.negative_rule,
    average_rule = excluded.average_rule, guarantee_months = excluded.guarantee_months,
    guarantee_scope = excluded.guarantee_scope, min_term_months = excluded.min_term_months,
    notice_n = excluded.notice_n, notice_unit = excluded.notice_unit, supply_start = excluded.supply_start,
    valid_from = excluded.valid_from, valid_to = excluded.valid_to, notes = excluded.notes,
    terms_json = excluded.terms_json, updated_at = excluded.updated_at
RETURNING id;

-- name: OfferIDByName :one
SELECT id FROM offers WHERE name = ?;

-- name: ListOffers :many
SELECT * FROM offers ORDER BY name, id;

-- name: GetOffer :one
SELECT * FROM offers WHERE id = ?;

-- name: GetOfferByName :one
SELECT * FROM offers WHERE name = ?;

-- name: DeleteOffer :execrows
DELETE FROM offers WHERE id = ?;
