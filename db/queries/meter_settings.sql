-- name: SetMeterUnit :execrows
-- A no-op when the unit is already the reported one, so that a sync can
-- call it for every window without writing.
UPDATE meters SET unit = @unit, unit_reported_at = @reported_at
WHERE source_id = (SELECT id FROM sources WHERE name = @source)
  AND external_id = @external_id
  AND (unit <> @unit OR unit_reported_at IS NULL);

-- name: GetMeterGas :one
SELECT calorific_value_e6, state_number_e6, set_at FROM meter_gas_conversions WHERE meter_id = ?;

-- name: SetMeterGas :exec
INSERT INTO meter_gas_conversions (meter_id, calorific_value_e6, state_number_e6, set_at)
VALUES (@meter_id, @calorific_value_e6, @state_number_e6, @set_at)
ON CONFLICT (meter_id) DO UPDATE SET
    calorific_value_e6 = excluded.calorific_value_e6, state_number_e6 = excluded.state_number_e6,
    set_at = excluded.set_at;

-- name: ListMeterGas :many
SELECT meter_id, calorific_value_e6, state_number_e6, set_at FROM meter_gas_conversions ORDER BY meter_id;
