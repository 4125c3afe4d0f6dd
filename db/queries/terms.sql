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
    @technology, @asset_tso, @nominal_power_mw_e6, @created_at, @updated_at
)
ON CONFLICT (contract_id) DO UPDATE SET
    ppa_type = excluded.ppa_type, period = excluded.period, delivery_profile = excluded.delivery_profile,
    seller_tso = excluded.seller_tso, buyer_tso = excluded.buyer_tso, asset_id = excluded.asset_id,
    asset_name = excluded.asset_name, technology = excluded.technology, asset_tso = excluded.asset_tso,
    nominal_power_mw_e6 = excluded.nominal_power_mw_e6, created_at = excluded.created_at,
    updated_at = excluded.updated_at;

-- name: UpsertPartner :exec
INSERT INTO contract_partner (contract_id, user_id, contract_type, building_id, includes_external_components)
VALUES (@contract_id, @user_id, @contract_type, @building_id, @includes_external_components)
ON CONFLICT (contract_id) DO UPDATE SET
    user_id = excluded.user_id, contract_type = excluded.contract_type,
    building_id = excluded.building_id, includes_external_components = excluded.includes_external_components;

-- name: DeletePricePoints :exec
DELETE FROM contract_price_points WHERE contract_id = ?;

-- name: InsertPricePoint :exec
INSERT INTO contract_price_points (contract_id, valid_from, per_kwh_e6) VALUES (?, ?, ?);

-- name: DeleteFlexibility :exec
DELETE FROM contract_flexibility WHERE contract_id = ?;

-- name: DeletePPA :exec
DELETE FROM contract_ppa WHERE contract_id = ?;

-- name: DeletePartner :exec
DELETE FROM contract_partner WHERE contract_id = ?;

-- name: FlexibilityOf :many
SELECT * FROM contract_flexibility WHERE contract_id IN (sqlc.slice(ids));

-- name: PPAOf :many
SELECT * FROM contract_ppa WHERE contract_id IN (sqlc.slice(ids));

-- name: PartnerOf :many
SELECT * FROM contract_partner WHERE contract_id IN (sqlc.slice(ids));

-- name: PricePointsOf :many
SELECT * FROM contract_price_points WHERE contract_id IN (sqlc.slice(ids)) ORDER BY contract_id, valid_from;
