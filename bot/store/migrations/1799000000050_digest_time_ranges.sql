-- Up Migration
-- The digest reads the records of its periods by time, as it reads feedback by
-- submitted_at: meetings by start, feedback requests by sending, office
-- feedback by when it was given (ISO instants in UTC compare as text).

ALTER TABLE meetings ADD COLUMN starts_at text GENERATED ALWAYS AS (data->>'startsAt') STORED;
CREATE INDEX meetings_starts_at ON meetings (starts_at);
ALTER TABLE feedback_requests ADD COLUMN sent_at text GENERATED ALWAYS AS (data->>'sentAt') STORED;
CREATE INDEX feedback_requests_sent_at ON feedback_requests (sent_at);
ALTER TABLE office_feedback ADD COLUMN given_at text GENERATED ALWAYS AS (data->>'givenAt') STORED;
CREATE INDEX office_feedback_given_at ON office_feedback (given_at);

-- Down Migration
DROP INDEX office_feedback_given_at;
ALTER TABLE office_feedback DROP COLUMN given_at;
DROP INDEX feedback_requests_sent_at;
ALTER TABLE feedback_requests DROP COLUMN sent_at;
DROP INDEX meetings_starts_at;
ALTER TABLE meetings DROP COLUMN starts_at;
