-- News that reaches people: an inbox per person, filled in the transaction that records what
-- happened, and mailed at once, as a daily digest or never, as each person prefers.

ALTER TABLE people
    ADD COLUMN email_notifications text NOT NULL DEFAULT 'immediately'
        CHECK (email_notifications IN ('immediately', 'daily', 'never')),
    ADD COLUMN last_digest_at timestamptz;

CREATE TABLE notifications (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    -- A partnership event's action ('propose', 'consent', 'approve', …) or 'overdue'.
    kind text NOT NULL,
    partnership_id uuid NOT NULL REFERENCES partnerships (id),
    -- The state the partnership reached (consent may or may not complete the set).
    to_state text NOT NULL,
    -- The organization the person acts for on it: where the link takes them.
    organization_id uuid NOT NULL REFERENCES organizations (id),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    read_at timestamptz,
    -- Written into mail_outbox (alone or in a digest); left empty for people who want no mail.
    emailed_at timestamptz
);
CREATE INDEX notifications_person ON notifications (person_id, id DESC);
CREATE INDEX notifications_unread ON notifications (person_id) WHERE read_at IS NULL;
CREATE INDEX notifications_unmailed ON notifications (id) WHERE emailed_at IS NULL;

-- Every member of the three parties hears of every event, except the members of the organization
-- that acted (they did it). In the same transaction as the event: nothing recorded goes unheard.
CREATE FUNCTION notify_partnership_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Those who want no mail have theirs counted as mailed, so that choosing mail later does not
    -- send the backlog.
    INSERT INTO notifications (person_id, kind, partnership_id, to_state, organization_id, created_at, emailed_at)
    SELECT DISTINCT ON (m.person_id) m.person_id, NEW.action, NEW.partnership_id, NEW.to_state, m.organization_id, NEW.at,
        CASE WHEN pe.email_notifications = 'never' THEN NEW.at END
    FROM partnerships p
    JOIN memberships m ON m.organization_id IN (p.ngo_id, p.business_id, p.government_body_id)
    JOIN people pe ON pe.id = m.person_id AND NOT pe.disabled
    WHERE p.id = NEW.partnership_id
      AND m.organization_id IS DISTINCT FROM NEW.actor_organization_id
    ORDER BY m.person_id, m.organization_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER partnership_events_notify
    AFTER INSERT ON partnership_events FOR EACH ROW EXECUTE FUNCTION notify_partnership_event();

-- An overdue report is announced once per due date.
CREATE TABLE overdue_notices (
    partnership_id uuid NOT NULL REFERENCES partnerships (id),
    due_at timestamptz NOT NULL,
    noticed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (partnership_id, due_at)
);
