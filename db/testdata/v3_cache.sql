-- A cache as schema version 3 left it (readings keyed by series), applied
-- after migrations 0000-0003 by TestMigrationToChunksKeepsReadings.
INSERT INTO schema_migrations (version, applied_at) VALUES (1, 0), (2, 0), (3, 0);
INSERT INTO sources (id, name, vendor, base_url, created_at) VALUES (1, 'ep', 'epilot', 'http://127.0.0.1/ep', 0);
INSERT INTO meters (id, source_id, external_id, zone, intervals, updated_at) VALUES (1, 1, 'm1', 'Europe/Berlin', 'PT15M', 0);
INSERT INTO meter_streams (meter_id, measure, interval_s, currency, watermark, updated_at)
VALUES (1, 'consumption', 900, '', 1774828800, 0), (1, 'price', 900, 'EUR', 1774828800, 0);
INSERT INTO series (id, meter_id, measure, channel) VALUES (1, 1, 'consumption', 'ht'), (2, 1, 'consumption', 'nt'), (3, 1, 'price', '');
-- 2026-03-29, the spring DST day in Berlin: local midnight is 1774738800.
INSERT INTO readings (series_id, ts, value, tax) VALUES
    (1, 1774738800, 250000, 0), (1, 1774739700, 500000, 0), (1, 1774820700, 125000, 0),
    (2, 1774738800, 1000000, 0), (2, 1774742400, 2000000, 0);
INSERT INTO readings (series_id, ts, value, tax, auction_e6, levies_e6, source_fee_e6, grid_fee_e6, margin_e6) VALUES
    (3, 1774738800, 312000, 275, 101000, 20500, 5000, 90000, 18000),
    (3, 1774739700, -15000, 275, -200000, 20500, 5000, NULL, 18000);
INSERT INTO readings_daily (series_id, day, n, total, lo, hi) VALUES
    (1, 1774738800, 3, 875000, 125000, 500000),
    (2, 1774738800, 2, 3000000, 1000000, 2000000),
    (3, 1774738800, 2, 297000, -15000, 312000);
