-- The contract terms the vendors publish beside a contract, on the team's
-- book, as db/queries/terms.sql writes them into the SQLite cache. The
-- statements that write take instants as Unix seconds and the partner's
-- flag as 0/1, as the cache's columns hold them, so that both backends
-- share one mapping of app.Contract to rows (db.TermsOf); the columns stay
-- timestamptz and boolean.

-- name: UpsertFlexibility :exec
INSERT INTO contract_flexibility (
    contract_id, asset_id, asset_name, participant_id, reservation_fee_e6,
    activation_fee_workdays_e6, activation_fee_non_workdays_e6, max_power_kw_e6,
    max_activations_per_interval, max_activation_minutes, min_minutes_between, days_allowed,
    permitted_intervals, tolerance_e6, renewal, non_conformance_clause, min_normal_temp_e6,
    max_normal_temp_e6, max_ramp_up_temp_e6, min_ramp_down_temp_e6
) VALUES (
    @contract_id, @asset_id, @asset_name, @participant_id, @reservation_fee_e6,
    @activation_fee_workdays_e6, @activation_fee_non_workdays_e6, @max_power_kw_e6,
    @max_activations_per_interval, @max_activation_minutes, @min_minutes_between, @days_allowed,
    @permitted_intervals, @tolerance_e6, @renewal, @non_conformance_clause, @min_normal_temp_e6,
    @max_normal_temp_e6, @max_ramp_up_temp_e6, @min_ramp_down_temp_e6
)
ON CONFLICT (contract_id) DO UPDATE SET
    asset_id = excluded.asset_id, asset_name = excluded.asset_name,
    participant_id = excluded.participant_id, reservation_fee_e6 = excluded.reservation_fee_e6,
    activation_fee_workdays_e6 = excluded.activation_fee_workdays_e6,
    activation_fee_non_workdays_e6 = excluded.activation_fee_non_workdays_e6,
    max_power_kw_e6 = excluded.max_power_kw_e6,
    max_activations_per_interval = excluded.max_activations_per_interval,
    max_activation_minutes = excluded.max_activation_minutes,
    min_minutes_between = excluded.min_minutes_between, days_allowed = excluded.days_allowed,
    permitted_intervals = excluded.permitted_intervals, tolerance_e6 = excluded.tolerance_e6,
    renewal = excluded.renewal, non_conformance_clause = excluded.non_conformance_clause,
    min_normal_temp_e6 = excluded.min_normal_temp_e6, max_normal_temp_e6 = excluded.max_normal_temp_e6,
    max_ramp_up_temp_e6 = excluded.max_ramp_up_temp_e6, min_ramp_down_temp_e6 = excluded.min_ramp_down_temp_e6;

-- name: UpsertPPA :exec
INSERT INTO contract_ppa (
    contract_id, ppa_type, period, delivery_profile, seller_tso, buyer_tso, asset_id, asset_name,
    technology, asset_tso, nominal_power_mw_e6, created_at, updated_at
) VALUES (
    @contract_id, @ppa_type, @period, @delivery_profile, @seller_tso, @buyer_tso, @asset_id, @asset_name,
    @technology, @asset_tso, @nominal_power_mw_e6,
    to_timestamp(sqlc.narg(created_at)::bigint), to_timestamp(sqlc.narg(updated_at)::bigint)
)
ON CONFLICT (contract_id) DO UPDATE SET
    ppa_type = excluded.ppa_type, period = excluded.period, delivery_profile = excluded.delivery_profile,
    seller_tso = excluded.seller_tso, buyer_tso = excluded.buyer_tso, asset_id = excluded.asset_id,
    asset_name = excluded.asset_name, technology = excluded.technology, asset_tso = excluded.asset_tso,
    nominal_power_mw_e6 = excluded.nominal_power_mw_e6, created_at = excluded.created_at,
    updated_at = excluded.updated_at;

-- name: UpsertPartner :exec
-- NULL: the vendor did not say whether grid fees and levies are included.
INSERT INTO contract_partner (contract_id, user_id, contract_type, building_id, includes_external_components)
VALUES (@contract_id, @user_id, @contract_type, @building_id, sqlc.narg(includes_external_components)::bigint <> 0)
ON CONFLICT (contract_id) DO UPDATE SET
    user_id = excluded.user_id, contract_type = excluded.contract_type,
    building_id = excluded.building_id, includes_external_components = excluded.includes_external_components;

-- name: DeletePricePoints :exec
DELETE FROM contract_price_points WHERE contract_id = $1;

-- name: InsertPricePoint :exec
INSERT INTO contract_price_points (contract_id, valid_from, per_kwh_e6)
VALUES (@contract_id, to_timestamp(@valid_from::bigint), @per_kwh_e6);

-- name: DeleteFlexibility :exec
DELETE FROM contract_flexibility WHERE contract_id = $1;

-- name: DeletePPA :exec
DELETE FROM contract_ppa WHERE contract_id = $1;

-- name: DeletePartner :exec
DELETE FROM contract_partner WHERE contract_id = $1;

-- name: FlexibilityOf :many
SELECT contract_id, asset_id, asset_name, participant_id, reservation_fee_e6,
       activation_fee_workdays_e6, activation_fee_non_workdays_e6, max_power_kw_e6,
       max_activations_per_interval, max_activation_minutes, min_minutes_between, days_allowed,
       permitted_intervals, tolerance_e6, renewal, non_conformance_clause, min_normal_temp_e6,
       max_normal_temp_e6, max_ramp_up_temp_e6, min_ramp_down_temp_e6
FROM contract_flexibility WHERE contract_id = ANY(@ids::bigint[]);

-- name: PPAOf :many
SELECT contract_id, ppa_type, period, delivery_profile, seller_tso, buyer_tso, asset_id, asset_name,
       technology, asset_tso, nominal_power_mw_e6, created_at, updated_at
FROM contract_ppa WHERE contract_id = ANY(@ids::bigint[]);

-- name: PartnerOf :many
SELECT contract_id, user_id, contract_type, building_id, includes_external_components
FROM contract_partner WHERE contract_id = ANY(@ids::bigint[]);

-- name: PricePointsOf :many
SELECT contract_id, CAST(EXTRACT(EPOCH FROM valid_from) AS BIGINT) AS valid_from, per_kwh_e6
FROM contract_price_points WHERE contract_id = ANY(@ids::bigint[]) ORDER BY contract_id, valid_from;

-- name: BookContractIDs :many
-- The book's contracts with their search text, for reading their terms
-- back as the cache reads its own.
SELECT c.id, s.name AS source_name, c.external_id, c.search_text
FROM contracts c JOIN sources s ON s.id = c.source_id
ORDER BY s.name, c.external_id;
