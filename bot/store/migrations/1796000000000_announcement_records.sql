-- Up Migration
-- The records announcements brought (see bot/store/record-kinds.ts): the
-- announcements, the named contacts per office and segment, and the office a
-- channel subscription (meetings, news) follows.

CREATE TABLE announcements (
  id text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL,
  office_id text GENERATED ALWAYS AS (data->>'officeId') STORED
);
CREATE INDEX announcements_office_id ON announcements (office_id);

-- The unique index also answers the lookups by office (its first column).
CREATE TABLE segment_contacts (
  id text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL,
  office_id text GENERATED ALWAYS AS (data->>'officeId') STORED,
  segment text GENERATED ALWAYS AS (data->>'segment') STORED
);
CREATE UNIQUE INDEX segment_contacts_office_segment ON segment_contacts (office_id, segment);

-- One channel may follow the news or meetings of several offices: the office is
-- part of what must be unique. A digest subscription has no office; coalesce
-- keeps two digest subscriptions of one chat a conflict (NULLs never clash).
ALTER TABLE subscriptions ADD COLUMN office_id text GENERATED ALWAYS AS (data->>'officeId') STORED;
CREATE INDEX subscriptions_office_id ON subscriptions (office_id);
DROP INDEX subscriptions_topic_conversation;
CREATE UNIQUE INDEX subscriptions_topic_conversation_office ON subscriptions (topic, conversation_record_id, coalesce(office_id, ''));

-- Down Migration
DROP INDEX subscriptions_topic_conversation_office;
CREATE UNIQUE INDEX subscriptions_topic_conversation ON subscriptions (topic, conversation_record_id);
DROP INDEX subscriptions_office_id;
ALTER TABLE subscriptions DROP COLUMN office_id;
DROP TABLE segment_contacts, announcements;
