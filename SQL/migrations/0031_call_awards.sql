-- A call's award: each funded application becomes a partnership with the call's government body
-- as its state funder and the businesses whose pledges pay part of it as co-funders. Such a
-- partnership has no single business sponsor, so business_id may be null, for call awards only.
ALTER TABLE partnerships
    ALTER COLUMN business_id DROP NOT NULL,
    ADD COLUMN call_id uuid REFERENCES calls (id),
    ADD COLUMN call_application_id uuid UNIQUE REFERENCES call_applications (id),
    ADD CONSTRAINT partnerships_sponsor_or_call CHECK (
        (call_application_id IS NULL) = (call_id IS NULL) AND (business_id IS NULL) = (call_id IS NOT NULL)
    );
CREATE INDEX partnerships_call ON partnerships (call_id) WHERE call_id IS NOT NULL;

ALTER TABLE calls
    ADD COLUMN awarded_at timestamptz,
    ADD COLUMN awarded_by uuid REFERENCES people (id),
    ADD CONSTRAINT calls_awarded CHECK ((state = 'awarded') = (awarded_at IS NOT NULL));

-- Who pays how much of an awarded partnership: the state (the call's government body, from the
-- call's budget) and each co-funder (from its pledges to the call, which the award settles).
CREATE TABLE partnership_funders (
    partnership_id uuid NOT NULL REFERENCES partnerships (id),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    role text NOT NULL CHECK (role IN ('state', 'business')),
    amount_kzt bigint NOT NULL CHECK (amount_kzt > 0),
    PRIMARY KEY (partnership_id, organization_id)
);
CREATE INDEX partnership_funders_organization ON partnership_funders (organization_id);

-- Every organization a partnership concerns: its three parties and its co-funders.
CREATE FUNCTION partnership_parties(partnership uuid) RETURNS uuid[]
LANGUAGE sql STABLE AS $$
    SELECT ARRAY(
        SELECT DISTINCT party FROM partnerships p
        CROSS JOIN LATERAL unnest(ARRAY[p.ngo_id, p.business_id, p.government_body_id]
            || ARRAY(SELECT organization_id FROM partnership_funders f WHERE f.partnership_id = p.id)) AS party
        WHERE p.id = partnership AND party IS NOT NULL
    )
$$;

-- A business's commitments now include its shares of awarded partnerships; a settled pledge no
-- longer counts, what the award took of it does.
CREATE OR REPLACE FUNCTION business_commitments_kzt(business uuid, except_partnership uuid, except_pledge uuid) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT (SELECT coalesce(sum(pledge_kzt), 0) FROM partnerships
            WHERE business_id = business AND state IN ('approved', 'active') AND id IS DISTINCT FROM except_partnership)
         + (SELECT coalesce(sum(amount_kzt), 0) FROM call_pledges
            WHERE business_id = business AND withdrawn_at IS NULL AND settled_at IS NULL AND id IS DISTINCT FROM except_pledge)
         + (SELECT coalesce(sum(f.amount_kzt), 0) FROM partnership_funders f JOIN partnerships p ON p.id = f.partnership_id
            WHERE f.organization_id = business AND f.role = 'business' AND p.state IN ('approved', 'active'))
$$;

-- 0027's check, restated: a call award has no business sponsor; its co-funders' shares are
-- checked as they are written (below).
CREATE OR REPLACE FUNCTION partnerships_within_budget() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    budget bigint;
BEGIN
    IF NEW.state NOT IN ('approved', 'active') OR NEW.business_id IS NULL THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.state IN ('approved', 'active')
        AND OLD.pledge_kzt = NEW.pledge_kzt AND OLD.business_id = NEW.business_id THEN
        RETURN NEW;
    END IF;
    -- NO KEY UPDATE: queues approvals and pledges against this budget without blocking proposals naming the sponsor.
    SELECT annual_csr_budget_kzt INTO budget FROM organizations WHERE id = NEW.business_id FOR NO KEY UPDATE;
    IF business_commitments_kzt(NEW.business_id, NEW.id, NULL) + NEW.pledge_kzt > coalesce(budget, 0) THEN
        RAISE EXCEPTION 'pledges of sponsor % would exceed its budget', NEW.business_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'partnerships_within_budget';
    END IF;
    RETURN NEW;
END
$$;

-- A co-funder's share, once written, counts against its budget like any pledge; the award settles
-- the pledges it draws on first, so this holds unless something went wrong.
CREATE FUNCTION partnership_funders_within_budget() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    budget bigint;
BEGIN
    IF NEW.role <> 'business' THEN
        RETURN NEW;
    END IF;
    SELECT annual_csr_budget_kzt INTO budget FROM organizations WHERE id = NEW.organization_id FOR NO KEY UPDATE;
    IF business_commitments_kzt(NEW.organization_id, NULL, NULL) > coalesce(budget, 0) THEN
        RAISE EXCEPTION 'pledges of sponsor % would exceed its budget', NEW.organization_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'partnership_funders_within_budget';
    END IF;
    RETURN NEW;
END
$$;

CREATE CONSTRAINT TRIGGER partnership_funders_within_budget
    AFTER INSERT ON partnership_funders
    FOR EACH ROW EXECUTE FUNCTION partnership_funders_within_budget();

CREATE FUNCTION partnership_funders_fixed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'an award''s funders are fixed' USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER partnership_funders_fixed
    BEFORE UPDATE OR DELETE ON partnership_funders
    FOR EACH ROW EXECUTE FUNCTION partnership_funders_fixed();

-- The matching engine reads a business's remaining budget from partnership_stats.pledged_kzt: it
-- counts live call pledges and shares of awards now, as the budget checks do.
CREATE OR REPLACE FUNCTION refresh_partnership_stats(subjects uuid[]) RETURNS void
LANGUAGE sql VOLATILE AS $$
    INSERT INTO partnership_stats AS s (
        subject_id, pledged_kzt, open_partnerships, completed, cancelled, proposals_received, proposals_accepted
    )
    SELECT subject.id,
        coalesce(sum(p.pledge_kzt) FILTER (
            WHERE p.state IN ('approved', 'active') AND subject.id IN (p.business_id, p.project_id)), 0)
        + (SELECT coalesce(sum(c.amount_kzt), 0) FROM call_pledges c
           WHERE c.business_id = subject.id AND c.withdrawn_at IS NULL AND c.settled_at IS NULL)
        + (SELECT coalesce(sum(f.amount_kzt), 0) FROM partnership_funders f JOIN partnerships q ON q.id = f.partnership_id
           WHERE f.organization_id = subject.id AND f.role = 'business' AND q.state IN ('approved', 'active')),
        count(p.id) FILTER (WHERE p.state IN ('approved', 'active')),
        count(p.id) FILTER (WHERE p.state = 'completed'),
        count(p.id) FILTER (WHERE p.state = 'cancelled'),
        count(p.id) FILTER (WHERE answer.received AND (answer.consented OR p.state <> 'proposed')),
        count(p.id) FILTER (WHERE answer.received AND answer.consented)
    FROM (SELECT DISTINCT unnest(subjects)) AS subject(id)
    LEFT JOIN partnerships p
        ON subject.id IN (p.ngo_id, p.business_id, p.government_body_id, p.project_id)
        OR EXISTS (SELECT 1 FROM partnership_funders f WHERE f.partnership_id = p.id AND f.organization_id = subject.id)
    LEFT JOIN LATERAL partnership_answer(p, subject.id) AS answer ON true
    WHERE subject.id IS NOT NULL
    GROUP BY subject.id
    ON CONFLICT (subject_id) DO UPDATE
    SET pledged_kzt = excluded.pledged_kzt, open_partnerships = excluded.open_partnerships,
        completed = excluded.completed, cancelled = excluded.cancelled,
        proposals_received = excluded.proposals_received, proposals_accepted = excluded.proposals_accepted;
$$;

-- 0025's trigger, restated: an award's co-funders are subjects too (a round's partnerships have
-- none, so the set RoundRepository.acceptRound locks is unchanged).
CREATE OR REPLACE FUNCTION partnership_stats_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    subjects uuid[];
BEGIN
    IF current_setting('asar.stats_deferred', true) = 'on' THEN
        RETURN NULL;
    END IF;
    subjects := ARRAY[NEW.ngo_id, NEW.business_id, NEW.government_body_id, NEW.project_id]
        || ARRAY(SELECT organization_id FROM partnership_funders WHERE partnership_id = NEW.id);
    -- Recomputing from a snapshot would let two concurrent changes overwrite each other: take a
    -- lock per subject (in a fixed order, so two writers cannot deadlock) and recompute in a new
    -- statement, which sees whatever the previous holder committed.
    PERFORM pg_advisory_xact_lock(hashtextextended(subject::text, 0))
    FROM (SELECT DISTINCT unnest(subjects) AS subject) AS subjects WHERE subject IS NOT NULL
    ORDER BY subject;
    PERFORM refresh_partnership_stats(subjects);
    RETURN NULL;
END
$$;

CREATE FUNCTION call_pledges_stats_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- An award settles its pledges under the locks it took first and refreshes once after.
    IF current_setting('asar.stats_deferred', true) = 'on' THEN
        RETURN NULL;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended(NEW.business_id::text, 0));
    PERFORM refresh_partnership_stats(ARRAY[NEW.business_id]);
    RETURN NULL;
END
$$;

CREATE TRIGGER call_pledges_stats_refresh
    AFTER INSERT OR UPDATE OF withdrawn_at, settled_at ON call_pledges
    FOR EACH ROW EXECUTE FUNCTION call_pledges_stats_refresh();

-- Businesses with live pledges today: their counts as the function now computes them.
SELECT refresh_partnership_stats(ARRAY(SELECT DISTINCT business_id FROM call_pledges));

-- Notifications, the organization inbox and webhooks reach co-funders too (0024's and 0016's
-- functions, restated over partnership_parties).
CREATE OR REPLACE FUNCTION notify_partnership_event() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    parties uuid[] := partnership_parties(NEW.partnership_id);
BEGIN
    -- Those who want no mail have theirs counted as mailed, so that choosing mail later does not
    -- send the backlog.
    INSERT INTO notifications (person_id, kind, partnership_id, to_state, organization_id, created_at, emailed_at)
    SELECT DISTINCT ON (m.person_id) m.person_id, NEW.action, NEW.partnership_id, NEW.to_state, m.organization_id, NEW.at,
        CASE WHEN pe.email_notifications = 'never' THEN NEW.at END
    FROM memberships m
    JOIN people pe ON pe.id = m.person_id AND NOT pe.disabled
    WHERE m.organization_id = ANY (parties)
      AND m.organization_id IS DISTINCT FROM NEW.actor_organization_id
    ORDER BY m.person_id, m.organization_id;

    INSERT INTO organization_inbox (organization_id, kind, partnership_id, to_state, created_at)
    SELECT party.id, NEW.action, NEW.partnership_id, NEW.to_state, NEW.at
    FROM unnest(parties) AS party (id)
    WHERE party.id IS DISTINCT FROM NEW.actor_organization_id;
    RETURN NULL;
END
$$;

CREATE OR REPLACE FUNCTION queue_webhook_deliveries() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (webhook_id, event_id, created_at, next_attempt_at)
    SELECT w.id, NEW.id, NEW.at, clock_timestamp()
    FROM webhooks w
    WHERE w.organization_id = ANY (partnership_parties(NEW.partnership_id)) AND w.disabled_at IS NULL;
    RETURN NULL;
END
$$;
