-- The offers a team compares its contracts with, kept in the book so that
-- every laptop's pull brings them, as db/queries/offers.sql keeps them in
-- the cache. The statements take and give instants as Unix seconds and
-- gross as 0 or 1, as the cache's columns hold them, so that both backends
-- share one mapping of an offer to a row (db.OfferRow).

-- name: SaveOffer :one
-- An id of 0 inserts a new offer; another id updates that offer, renaming
-- it if the name changed.
WITH arg AS (
    SELECT @id::bigint AS id, @name::text AS name, @supplier::text AS supplier,
           @commodity::text AS commodity, @model::text AS model, @currency::text AS currency,
           (@gross::bigint <> 0) AS gross, @vat_rate_e6::bigint AS vat_rate_e6,
           @base_per_year_e6::bigint AS base_per_year_e6, @working_per_kwh_e6::bigint AS working_per_kwh_e6,
           @grid_per_kwh_e6::bigint AS grid_per_kwh_e6, @grid_base_per_year_e6::bigint AS grid_base_per_year_e6,
           @levies_per_kwh_e6::bigint AS levies_per_kwh_e6,
           @electricity_tax_per_kwh_e6::bigint AS electricity_tax_per_kwh_e6,
           @concession_per_kwh_e6::bigint AS concession_per_kwh_e6,
           @negative_rule::text AS negative_rule, @average_rule::text AS average_rule,
           CAST(@guarantee_months::bigint AS INTEGER) AS guarantee_months,
           @guarantee_scope::text AS guarantee_scope,
           CAST(@min_term_months::bigint AS INTEGER) AS min_term_months,
           CAST(@notice_n::bigint AS INTEGER) AS notice_n, @notice_unit::text AS notice_unit,
           to_timestamp(sqlc.narg(supply_start)::bigint) AS supply_start,
           to_timestamp(sqlc.narg(valid_from)::bigint) AS valid_from,
           to_timestamp(sqlc.narg(valid_to)::bigint) AS valid_to,
           @notes::text AS notes, CAST(@terms_json::text AS JSONB) AS terms_json,
           to_timestamp(@updated_at::bigint) AS updated_at
), upd AS (
    UPDATE offers o SET
        name = a.name, supplier = a.supplier, commodity = a.commodity, model = a.model,
        currency = a.currency, gross = a.gross, vat_rate_e6 = a.vat_rate_e6,
        base_per_year_e6 = a.base_per_year_e6, working_per_kwh_e6 = a.working_per_kwh_e6,
        grid_per_kwh_e6 = a.grid_per_kwh_e6, grid_base_per_year_e6 = a.grid_base_per_year_e6,
        levies_per_kwh_e6 = a.levies_per_kwh_e6, electricity_tax_per_kwh_e6 = a.electricity_tax_per_kwh_e6,
        concession_per_kwh_e6 = a.concession_per_kwh_e6, negative_rule = a.negative_rule,
        average_rule = a.average_rule, guarantee_months = a.guarantee_months,
        guarantee_scope = a.guarantee_scope, min_term_months = a.min_term_months,
        notice_n = a.notice_n, notice_unit = a.notice_unit, supply_start = a.supply_start,
        valid_from = a.valid_from, valid_to = a.valid_to, notes = a.notes,
        terms_json = a.terms_json, updated_at = a.updated_at
    FROM arg a WHERE o.id = a.id
    RETURNING o.id
), ins AS (
    INSERT INTO offers (
        name, supplier, commodity, model, currency, gross, vat_rate_e6, base_per_year_e6,
        working_per_kwh_e6, grid_per_kwh_e6, grid_base_per_year_e6, levies_per_kwh_e6,
        electricity_tax_per_kwh_e6, concession_per_kwh_e6, negative_rule, average_rule,
        guarantee_months, guarantee_scope, min_term_months, notice_n, notice_unit, supply_start,
        valid_from, valid_to, notes, terms_json, updated_at
    )
    SELECT name, supplier, commodity, model, currency, gross, vat_rate_e6, base_per_year_e6,
           working_per_kwh_e6, grid_per_kwh_e6, grid_base_per_year_e6, levies_per_kwh_e6,
           electricity_tax_per_kwh_e6, concession_per_kwh_e6, negative_rule, average_rule,
           guarantee_months, guarantee_scope, min_term_months, notice_n, notice_unit, supply_start,
           valid_from, valid_to, notes, terms_json, updated_at
    FROM arg WHERE id = 0
    RETURNING id
)
SELECT id FROM upd UNION ALL SELECT id FROM ins;

-- name: OfferIDByName :one
SELECT id FROM offers WHERE name = $1;

-- name: ListOffers :many
SELECT id, name, supplier, commodity, model, currency, CAST(CAST(gross AS INTEGER) AS BIGINT) AS gross,
       vat_rate_e6, base_per_year_e6, working_per_kwh_e6, grid_per_kwh_e6, grid_base_per_year_e6,
       levies_per_kwh_e6, electricity_tax_per_kwh_e6, concession_per_kwh_e6, negative_rule,
       average_rule, CAST(guarantee_months AS BIGINT) AS guarantee_months, guarantee_scope,
       CAST(min_term_months AS BIGINT) AS min_term_months, CAST(notice_n AS BIGINT) AS notice_n,
       notice_unit, supply_start, valid_from, valid_to, notes, terms_json::text AS terms_json,
       CAST(EXTRACT(EPOCH FROM updated_at) AS BIGINT) AS updated_at
FROM offers ORDER BY name, id;
