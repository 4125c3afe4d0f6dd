-- The grid operator's figures a gas meter's m³ are billed with: kWh = m³ ×
-- calorific value (Brennwert, kWh/m³) × state number (Zustandszahl). They
-- differ by network area, so the user states them per meter; a meter
-- without a row is priced with the comparison's defaults, and says so.
CREATE TABLE meter_gas_conversions (
    meter_id           INTEGER PRIMARY KEY REFERENCES meters (id) ON DELETE CASCADE,
    calorific_value_e6 INTEGER NOT NULL CHECK (calorific_value_e6 > 0),
    state_number_e6    INTEGER NOT NULL CHECK (state_number_e6 > 0),
    set_at             INTEGER NOT NULL
);

-- When the consumption records last stated the meter's unit. The readings
-- are in that unit, so it outranks the meter list's (which for some
-- vendors is only a default): NULL lets the meter list set it.
ALTER TABLE meters ADD COLUMN unit_reported_at INTEGER;
