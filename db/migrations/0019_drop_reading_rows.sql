-- The row-per-reading tables of schema versions 4 to 6 go, now that every
-- reading lives in reading_blocks. db.Open applies this migration only
-- after moving what was left in them into blocks (moveToBlocks): the
-- migrations below 0019 run first, then the move, then this one, so a
-- move killed halfway finds its rows again at the next Open.
DROP TRIGGER series_drop_readings;
CREATE TRIGGER series_drop_readings AFTER DELETE ON series
BEGIN
    DELETE FROM reading_blocks WHERE series_id = old.id;
    DELETE FROM readings_daily WHERE series_id = old.id;
END;

DROP TABLE readings;
DROP TABLE reading_chunks;
