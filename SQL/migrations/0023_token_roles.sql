-- A token acts in a role, as a person does: a viewer's token reads, a member's acts for the
-- organization, an owner's also manages its integrations (webhooks). Tokens issued before acted as
-- members, and still do.
ALTER TABLE api_tokens ADD COLUMN role text NOT NULL DEFAULT 'member'
    CHECK (role IN ('owner', 'member', 'viewer'));
