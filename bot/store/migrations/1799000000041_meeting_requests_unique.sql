-- Up Migration
-- One request per meeting and partner holds for the requests sent after a
-- meeting (kind "meeting"), as Sidos has always kept it: feedback a partner
-- gives unasked on a meeting (kind "adhoc") may sit beside one. The lookups by
-- meeting get an index of their own, since the unique index now covers only
-- the meeting requests.

DROP INDEX feedback_requests_meeting_partner;
CREATE UNIQUE INDEX feedback_requests_meeting_partner ON feedback_requests (meeting_id, partner_id) WHERE data->>'kind' = 'meeting';
CREATE INDEX feedback_requests_meeting_id ON feedback_requests (meeting_id);

-- Down Migration
DROP INDEX feedback_requests_meeting_id;
DROP INDEX feedback_requests_meeting_partner;
CREATE UNIQUE INDEX feedback_requests_meeting_partner ON feedback_requests (meeting_id, partner_id);
