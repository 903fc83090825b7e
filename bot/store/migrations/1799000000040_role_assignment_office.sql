-- Up Migration
-- Role assignments looked up by office (see bot/store/record-kinds.ts): the
-- coordinators of an office, asked after a meeting for feedback to the partners.

ALTER TABLE role_assignments ADD COLUMN office text GENERATED ALWAYS AS (data->>'office') STORED;
CREATE INDEX role_assignments_office ON role_assignments (office);

-- Down Migration
DROP INDEX role_assignments_office;
ALTER TABLE role_assignments DROP COLUMN office;
