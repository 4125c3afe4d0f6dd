-- name: UpsertMeter :exec
-- A meter the vendor describes as before is left as it is (updated_at is
-- when it last changed): a re-sync with nothing new writes no meter.
INSERT INTO meters (source_id, external_id, contract_external_id, number, label, unit, zone,
                    intervals, data_from, data_to, raw_json, updated_at)
VALUES (@source_id, @external_id, @contract_external_id, @number, @label, @unit, @zone,
        @intervals, @data_from, @data_to, @raw_json, @updated_at)
ON CONFLICT (source_id, external_id) DO UPDATE SET
    contract_external_id = excluded.contract_external_id, number = excluded.number,
    label = excluded.label,
    -- A unit the consumption records stated describes the stored readings.
    unit = CASE WHEN meters.unit_reported_at IS NULL THEN excluded.unit ELSE meters.unit END,
    intervals = excluded.intervals,
    data_from = excluded.data_from, data_to = excluded.data_to, raw_json = excluded.raw_json,
    updated_at = excluded.updated_at
WHERE meters.contract_external_id IS NOT excluded.contract_external_id
   OR meters.number IS NOT excluded.number OR meters.label IS NOT excluded.label
   OR (meters.unit_reported_at IS NULL AND meters.unit IS NOT excluded.unit)
   OR meters.intervals IS NOT excluded.intervals
   OR meters.data_from IS NOT excluded.data_from OR meters.data_to IS NOT excluded.data_to
   OR meters.raw_json IS NOT excluded.raw_json;

-- name: GetMeter :one
SELECT sqlc.embed(m), s.name AS source_name
FROM meters m JOIN sources s ON s.id = m.source_id
WHERE m.id = ?;

-- name: MeterIDByExternal :one
SELECT m.id, m.zone FROM meters m JOIN sources s ON s.id = m.source_id
WHERE s.name = @source AND m.external_id = @external_id;

-- name: MetersOfContract :many
SELECT sqlc.embed(m), s.name AS source_name
FROM contracts c
JOIN meters m ON m.source_id = c.source_id AND m.contract_external_id = c.external_id
JOIN sources s ON s.id = m.source_id
WHERE c.id = ?
ORDER BY m.number, m.id;

-- name: ListMeters :many
SELECT sqlc.embed(m), s.name AS source_name
FROM meters m JOIN sources s ON s.id = m.source_id
ORDER BY m.id;

-- name: ContractOfMeter :one
SELECT c.id FROM meters m
JOIN contracts c ON c.source_id = m.source_id AND c.external_id = m.contract_external_id
WHERE m.id = ?;

-- name: GetStream :one
SELECT interval_s, currency, watermark FROM meter_streams WHERE meter_id = ? AND measure = ?;

-- name: StreamsOfSource :many
-- Where every stream of a source stands, read once at the start of a sync
-- instead of once a stream.
SELECT m.external_id, st.measure, st.interval_s, st.watermark
FROM meter_streams st JOIN meters m ON m.id = st.meter_id JOIN sources s ON s.id = m.source_id
WHERE s.name = @source;

-- name: SetStream :exec
INSERT INTO meter_streams (meter_id, measure, interval_s, currency, watermark, run_id, updated_at)
VALUES (@meter_id, @measure, @interval_s, @currency, @watermark, @run_id, @updated_at)
ON CONFLICT (meter_id, measure) DO UPDATE SET
    interval_s = excluded.interval_s, currency = excluded.currency,
    watermark = COALESCE(excluded.watermark, meter_streams.watermark),
    run_id = excluded.run_id, updated_at = excluded.updated_at;

-- name: StreamsOfMeter :many
SELECT measure, interval_s, currency, watermark, updated_at FROM meter_streams
WHERE meter_id = ? ORDER BY measure;

-- name: EnsureSeries :one
INSERT INTO series (meter_id, measure, channel) VALUES (@meter_id, @measure, @channel)
ON CONFLICT (meter_id, measure, channel) DO UPDATE SET channel = excluded.channel
RETURNING id;

-- name: SeriesOfMeter :many
SELECT id, measure, channel FROM series WHERE meter_id = ? ORDER BY measure, channel;

-- name: MetersOfAccount :many
-- The meters of every contract of an account's customers, for the
-- customer page in one query.
SELECT sqlc.embed(m), s.name AS source_name
FROM account_links al
JOIN sources s ON s.name = al.source_name
JOIN customers cu ON cu.source_id = s.id AND cu.external_id = al.external_id
JOIN contracts c ON c.customer_id = cu.id
JOIN meters m ON m.source_id = c.source_id AND m.contract_external_id = c.external_id
WHERE al.account_id = ?
ORDER BY m.number, m.id;
