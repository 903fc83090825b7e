-- Up Migration
-- What the staff card looks up (see bot/store/record-kinds.ts): the role
-- assignments by role (the list, and how many administrators there are) and
-- the conversations by kind (the people who chat with Sidos, offered in the
-- staff form's picker).

ALTER TABLE role_assignments ADD COLUMN role text GENERATED ALWAYS AS (data->>'role') STORED;
CREATE INDEX role_assignments_role ON role_assignments (role);

ALTER TABLE conversations ADD COLUMN kind text GENERATED ALWAYS AS (data->>'kind') STORED;
CREATE INDEX conversations_kind ON conversations (kind);

-- Down Migration
DROP INDEX conversations_kind;
ALTER TABLE conversations DROP COLUMN kind;
DROP INDEX role_assignments_role;
ALTER TABLE role_assignments DROP COLUMN role;
