-- Up Migration
-- One plan per office and year (see bot/store/record-kinds.ts): two instances
-- confirming the same plan at once cannot both save it. A plan is filed under
-- its own year, so the year column is the plan's year.

CREATE UNIQUE INDEX plans_office_year ON plans (office_id, year);

-- Down Migration
DROP INDEX plans_office_year;
