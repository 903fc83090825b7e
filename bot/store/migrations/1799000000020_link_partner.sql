-- Up Migration
-- Partner page links by the partner they belong to: erasing a person drops their links.

ALTER TABLE links ADD COLUMN partner_id text GENERATED ALWAYS AS (data->>'partnerId') STORED;
CREATE INDEX links_partner_id ON links (partner_id);

-- Down Migration
DROP INDEX links_partner_id;
ALTER TABLE links DROP COLUMN partner_id;
