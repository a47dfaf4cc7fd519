-- News about an organization's people, not its partnerships: the owners hear who joined, and a
-- person with an account hears they were invited (the link itself is in the invitation's mail).

ALTER TABLE notifications
    ALTER COLUMN partnership_id DROP NOT NULL,
    ALTER COLUMN to_state DROP NOT NULL,
    -- Who joined.
    ADD COLUMN about_person_id uuid REFERENCES people (id) ON DELETE CASCADE,
    -- The role joined or invited to.
    ADD COLUMN role text CHECK (role IN ('owner', 'member', 'viewer')),
    ADD CONSTRAINT notifications_subject CHECK (
        CASE WHEN kind IN ('member_joined', 'member_invited') THEN partnership_id IS NULL AND role IS NOT NULL
             ELSE partnership_id IS NOT NULL AND to_state IS NOT NULL END
    );

CREATE FUNCTION notify_member_joined() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notifications (person_id, kind, organization_id, about_person_id, role, emailed_at)
    SELECT m.person_id, 'member_joined', NEW.organization_id, NEW.person_id, NEW.role,
        CASE WHEN pe.email_notifications = 'never' THEN clock_timestamp() END
    FROM memberships m JOIN people pe ON pe.id = m.person_id AND NOT pe.disabled
    WHERE m.organization_id = NEW.organization_id AND m.role = 'owner' AND m.person_id <> NEW.person_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER memberships_notify
    AFTER INSERT ON memberships FOR EACH ROW EXECUTE FUNCTION notify_member_joined();

-- Counted as mailed: the invitation's own mail told them.
CREATE FUNCTION notify_member_invited() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notifications (person_id, kind, organization_id, role, created_at, emailed_at)
    SELECT pe.id, 'member_invited', NEW.organization_id, NEW.role, NEW.created_at, NEW.created_at
    FROM people pe
    WHERE lower(pe.email) = lower(NEW.email) AND NOT pe.disabled
      AND NOT EXISTS (SELECT 1 FROM memberships m WHERE m.person_id = pe.id AND m.organization_id = NEW.organization_id);
    RETURN NULL;
END
$$;

CREATE TRIGGER invitations_notify
    AFTER INSERT ON invitations FOR EACH ROW EXECUTE FUNCTION notify_member_invited();
