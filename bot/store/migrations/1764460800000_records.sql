-- Up Migration
-- One table per record kind (see bot/store/record-kinds.ts). A record keeps its
-- full shape in `data`; the fields it is looked up by are generated columns of
-- it, indexed, so the application writes the record and nothing else.
-- Year-filed kinds have the year the service filed them under. `seq` keeps the
-- order records were added in (the order of the lists in lowdb's documents).

CREATE TABLE years (year integer PRIMARY KEY);

CREATE TABLE plans (
  id text PRIMARY KEY, seq bigserial NOT NULL, year integer NOT NULL, data jsonb NOT NULL,
  office_id text GENERATED ALWAYS AS (data->>'officeId') STORED
);
CREATE INDEX plans_year ON plans (year);
CREATE INDEX plans_office_id ON plans (office_id);

CREATE TABLE meetings (
  id text PRIMARY KEY, seq bigserial NOT NULL, year integer NOT NULL, data jsonb NOT NULL,
  plan_id text GENERATED ALWAYS AS (data->>'planId') STORED,
  office_id text GENERATED ALWAYS AS (data->>'officeId') STORED
);
CREATE INDEX meetings_year ON meetings (year);
CREATE INDEX meetings_plan_id ON meetings (plan_id);
CREATE INDEX meetings_office_id ON meetings (office_id);

CREATE TABLE invitations (
  id text PRIMARY KEY, seq bigserial NOT NULL, year integer NOT NULL, data jsonb NOT NULL,
  meeting_id text GENERATED ALWAYS AS (data->>'meetingId') STORED,
  partner_id text GENERATED ALWAYS AS (data->>'partnerId') STORED,
  ics_token text GENERATED ALWAYS AS (data->>'icsToken') STORED
);
CREATE INDEX invitations_year ON invitations (year);
CREATE UNIQUE INDEX invitations_meeting_partner ON invitations (meeting_id, partner_id);
CREATE INDEX invitations_partner_id ON invitations (partner_id);
CREATE INDEX invitations_ics_token ON invitations (ics_token);

CREATE TABLE feedback_requests (
  id text PRIMARY KEY, seq bigserial NOT NULL, year integer NOT NULL, data jsonb NOT NULL,
  partner_id text GENERATED ALWAYS AS (data->>'partnerId') STORED,
  meeting_id text GENERATED ALWAYS AS (data->>'meetingId') STORED,
  survey_round_id text GENERATED ALWAYS AS (data->>'surveyRoundId') STORED,
  status text GENERATED ALWAYS AS (data->>'status') STORED
);
CREATE INDEX feedback_requests_year ON feedback_requests (year);
CREATE INDEX feedback_requests_partner_id ON feedback_requests (partner_id);
CREATE UNIQUE INDEX feedback_requests_meeting_partner ON feedback_requests (meeting_id, partner_id);
CREATE INDEX feedback_requests_survey_round_id ON feedback_requests (survey_round_id);
CREATE INDEX feedback_requests_status ON feedback_requests (status);

CREATE TABLE feedback (
  id text PRIMARY KEY, seq bigserial NOT NULL, year integer NOT NULL, data jsonb NOT NULL,
  request_id text GENERATED ALWAYS AS (data->>'requestId') STORED,
  partner_id text GENERATED ALWAYS AS (data->>'partnerId') STORED,
  office_id text GENERATED ALWAYS AS (data->>'officeId') STORED,
  submitted_at text GENERATED ALWAYS AS (data->>'submittedAt') STORED
);
CREATE INDEX feedback_year ON feedback (year);
CREATE UNIQUE INDEX feedback_request ON feedback (request_id);
CREATE INDEX feedback_partner_id ON feedback (partner_id);
CREATE INDEX feedback_office_id ON feedback (office_id);
CREATE INDEX feedback_submitted_at ON feedback (submitted_at);

CREATE TABLE proposals (
  id text PRIMARY KEY, seq bigserial NOT NULL, year integer NOT NULL, data jsonb NOT NULL,
  feedback_id text GENERATED ALWAYS AS (data->>'feedbackId') STORED,
  office_id text GENERATED ALWAYS AS (data->>'officeId') STORED,
  author_partner_id text GENERATED ALWAYS AS (data->>'authorPartnerId') STORED
);
CREATE INDEX proposals_year ON proposals (year);
CREATE INDEX proposals_feedback_id ON proposals (feedback_id);
CREATE INDEX proposals_office_id ON proposals (office_id);
CREATE INDEX proposals_author_partner_id ON proposals (author_partner_id);

CREATE TABLE office_feedback (
  id text PRIMARY KEY, seq bigserial NOT NULL, year integer NOT NULL, data jsonb NOT NULL,
  meeting_id text GENERATED ALWAYS AS (data->>'meetingId') STORED,
  office_id text GENERATED ALWAYS AS (data->>'officeId') STORED
);
CREATE INDEX office_feedback_year ON office_feedback (year);
CREATE INDEX office_feedback_meeting_id ON office_feedback (meeting_id);
CREATE INDEX office_feedback_office_id ON office_feedback (office_id);

CREATE TABLE survey_rounds (
  id text PRIMARY KEY, seq bigserial NOT NULL, year integer NOT NULL, data jsonb NOT NULL,
  survey_id text GENERATED ALWAYS AS (data->>'surveyId') STORED
);
CREATE INDEX survey_rounds_year ON survey_rounds (year);
CREATE INDEX survey_rounds_survey_id ON survey_rounds (survey_id);

CREATE TABLE partners (
  id text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL,
  office_id text GENERATED ALWAYS AS (data->>'officeId') STORED,
  email text GENERATED ALWAYS AS (lower(data->>'email')) STORED,
  aad_object_id text GENERATED ALWAYS AS (data->>'aadObjectId') STORED
);
CREATE INDEX partners_office_id ON partners (office_id);
CREATE UNIQUE INDEX partners_office_email ON partners (office_id, email);
CREATE INDEX partners_email ON partners (email);
CREATE INDEX partners_aad_object_id ON partners (aad_object_id);

CREATE TABLE conversations (
  id text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL,
  aad_object_id text GENERATED ALWAYS AS (data->>'aadObjectId') STORED
);
CREATE INDEX conversations_aad_object_id ON conversations (aad_object_id);

CREATE TABLE role_assignments (
  id text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL,
  aad_object_id text GENERATED ALWAYS AS (data->>'aadObjectId') STORED,
  email text GENERATED ALWAYS AS (lower(data->>'email')) STORED
);
CREATE INDEX role_assignments_aad_object_id ON role_assignments (aad_object_id);
CREATE INDEX role_assignments_email ON role_assignments (email);

CREATE TABLE subscriptions (
  id text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL,
  topic text GENERATED ALWAYS AS (data->>'topic') STORED,
  conversation_record_id text GENERATED ALWAYS AS (data->>'conversationRecordId') STORED
);
CREATE INDEX subscriptions_topic ON subscriptions (topic);
CREATE UNIQUE INDEX subscriptions_topic_conversation ON subscriptions (topic, conversation_record_id);
CREATE INDEX subscriptions_conversation_record_id ON subscriptions (conversation_record_id);

-- The send log: the id is the idempotency key, so two instances cannot both insert one.
CREATE TABLE sends (
  id text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL,
  status text GENERATED ALWAYS AS (data->>'status') STORED,
  target text GENERATED ALWAYS AS (data->>'target') STORED
);
CREATE INDEX sends_status ON sends (status);
CREATE INDEX sends_target ON sends (target);

CREATE TABLE surveys (
  id text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL,
  office_id text GENERATED ALWAYS AS (data->>'officeId') STORED
);
CREATE INDEX surveys_office_id ON surveys (office_id);

CREATE TABLE links (
  id text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL,
  ref text GENERATED ALWAYS AS (data->>'ref') STORED,
  kind text GENERATED ALWAYS AS (data->>'kind') STORED
);
CREATE INDEX links_ref ON links (ref);
CREATE INDEX links_kind ON links (kind);

-- Append-only.
CREATE TABLE audit (
  id text PRIMARY KEY, seq bigserial NOT NULL, data jsonb NOT NULL,
  at text GENERATED ALWAYS AS (data->>'at') STORED
);
CREATE INDEX audit_at ON audit (at, seq);

CREATE TABLE job_state (key text PRIMARY KEY, value text NOT NULL);

-- A job run once across instances: a lease row with an expiry, so a dead holder's lease lapses.
CREATE TABLE leases (name text PRIMARY KEY, holder text NOT NULL, until timestamptz NOT NULL);

-- Down Migration
DROP TABLE leases, job_state, audit, links, surveys, sends, subscriptions, role_assignments, conversations, partners,
  survey_rounds, office_feedback, proposals, feedback, feedback_requests, invitations, meetings, plans, years;
