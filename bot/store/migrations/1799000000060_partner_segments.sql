-- Up Migration
-- The digest counts its target groups (partners per office and segment) with
-- one GROUP BY instead of reading every partner: the segment gets a column and
-- the office and segment one index, so the count can be read from the index.

ALTER TABLE partners ADD COLUMN segment text GENERATED ALWAYS AS (data->>'segment') STORED;
CREATE INDEX partners_office_segment ON partners (office_id, segment);

-- Down Migration
DROP INDEX partners_office_segment;
ALTER TABLE partners DROP COLUMN segment;
