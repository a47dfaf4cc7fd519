-- A moderation is the government body's decision: through the pages a person of the body makes it
-- (and is named), through the API the body's token does (no person). Either way the body is kept.
ALTER TABLE call_moderations
    ALTER COLUMN person_id DROP NOT NULL,
    ADD COLUMN organization_id uuid REFERENCES organizations (id);
UPDATE call_moderations m SET organization_id = c.government_body_id
FROM call_applications a JOIN calls c ON c.id = a.call_id
WHERE a.id = m.application_id;
