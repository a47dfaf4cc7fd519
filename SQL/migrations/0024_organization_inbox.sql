-- An organization's own inbox, for integrations acting through its tokens: the news its people get
-- about its partnerships, once for the organization, with its own read marks. An organization with
-- nobody signed up (one that only uses the API) hears of its partnerships too.
CREATE TABLE organization_inbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    organization_id uuid NOT NULL REFERENCES organizations (id),
    -- A partnership event's action, 'report_due' or 'overdue', as in notifications.
    kind text NOT NULL,
    partnership_id uuid NOT NULL REFERENCES partnerships (id),
    to_state text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    read_at timestamptz
);
CREATE INDEX organization_inbox_newest ON organization_inbox (organization_id, id DESC);
CREATE INDEX organization_inbox_unread ON organization_inbox (organization_id) WHERE read_at IS NULL;

-- What happened before the inbox existed is there, counted read: an integration that starts reading
-- it is not handed years of old news as new.
INSERT INTO organization_inbox (organization_id, kind, partnership_id, to_state, created_at, read_at)
SELECT party.id, e.action, e.partnership_id, e.to_state, e.at, e.at
FROM partnership_events e
JOIN partnerships p ON p.id = e.partnership_id
CROSS JOIN LATERAL (SELECT DISTINCT unnest(ARRAY[p.ngo_id, p.business_id, p.government_body_id]) AS id) party
WHERE party.id IS NOT NULL AND party.id IS DISTINCT FROM e.actor_organization_id
ORDER BY e.id;

CREATE OR REPLACE FUNCTION notify_partnership_event() RETURNS trigger
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

    INSERT INTO organization_inbox (organization_id, kind, partnership_id, to_state, created_at)
    SELECT DISTINCT party.id, NEW.action, NEW.partnership_id, NEW.to_state, NEW.at
    FROM partnerships p
    CROSS JOIN LATERAL unnest(ARRAY[p.ngo_id, p.business_id, p.government_body_id]) AS party (id)
    WHERE p.id = NEW.partnership_id
      AND party.id IS NOT NULL AND party.id IS DISTINCT FROM NEW.actor_organization_id;
    RETURN NULL;
END
$$;
