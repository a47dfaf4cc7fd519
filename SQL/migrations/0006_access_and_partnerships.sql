-- Who may do what, and partnerships from proposal to outcome.

-- Verification by a platform admin: only verified organizations take part in approved partnerships.
ALTER TABLE organizations
    ADD COLUMN verification text NOT NULL DEFAULT 'unverified'
        CHECK (verification IN ('unverified', 'verified', 'suspended'));

-- API tokens. Only a SHA-256 hash is stored; the token itself is shown once, when it is made.
CREATE TABLE api_tokens (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    organization_id uuid REFERENCES organizations (id),
    is_admin boolean NOT NULL DEFAULT false,
    label text NOT NULL DEFAULT '',
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    revoked_at timestamptz,
    CHECK (is_admin <> (organization_id IS NOT NULL))
);
CREATE INDEX api_tokens_organization ON api_tokens (organization_id);

CREATE TABLE partnerships (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    project_id uuid NOT NULL REFERENCES projects (id),
    ngo_id uuid NOT NULL REFERENCES organizations (id),
    business_id uuid NOT NULL REFERENCES organizations (id),
    government_body_id uuid NOT NULL REFERENCES organizations (id),
    pledge_kzt bigint NOT NULL CHECK (pledge_kzt >= 0),
    in_kind text[] NOT NULL DEFAULT '{}',
    state text NOT NULL DEFAULT 'proposed' CHECK (state IN (
        'proposed', 'under_review', 'approved', 'rejected', 'active', 'completed', 'cancelled', 'withdrawn'
    )),
    ngo_consent boolean NOT NULL DEFAULT false,
    business_consent boolean NOT NULL DEFAULT false,
    government_consent boolean NOT NULL DEFAULT false,
    proposed_by uuid REFERENCES organizations (id),
    -- Bumped by every change: the ETag, so two reviewers cannot both act on what they saw.
    version integer NOT NULL DEFAULT 1,
    submitted_at timestamptz,
    decided_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    CHECK (state <> 'under_review' OR (ngo_consent AND business_consent AND government_consent))
);

-- The same triple cannot be open twice.
CREATE UNIQUE INDEX partnerships_open_triple ON partnerships (project_id, business_id, government_body_id)
    WHERE state IN ('proposed', 'under_review', 'approved', 'active');
CREATE INDEX partnerships_business ON partnerships (business_id, state);
CREATE INDEX partnerships_ngo ON partnerships (ngo_id, state);
CREATE INDEX partnerships_government_body ON partnerships (government_body_id, state);
CREATE INDEX partnerships_project ON partnerships (project_id, state);
CREATE INDEX partnerships_review_queue ON partnerships (submitted_at, id) WHERE state = 'under_review';

-- A sponsor's pledges in approved and active partnerships never exceed its declared budget. The
-- sponsor's row is locked first, so concurrent approvals against one budget queue here.
CREATE FUNCTION partnerships_within_budget() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    budget bigint;
    pledged bigint;
BEGIN
    IF NEW.state NOT IN ('approved', 'active') THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' AND OLD.state IN ('approved', 'active')
        AND OLD.pledge_kzt = NEW.pledge_kzt AND OLD.business_id = NEW.business_id THEN
        RETURN NEW;
    END IF;
    -- NO KEY UPDATE: queues approvals against this budget without blocking proposals naming the sponsor.
    SELECT annual_csr_budget_kzt INTO budget FROM organizations WHERE id = NEW.business_id FOR NO KEY UPDATE;
    SELECT coalesce(sum(pledge_kzt), 0) INTO pledged
    FROM partnerships
    WHERE business_id = NEW.business_id AND state IN ('approved', 'active') AND id <> NEW.id;
    IF pledged + NEW.pledge_kzt > coalesce(budget, 0) THEN
        RAISE EXCEPTION 'pledges of sponsor % would exceed its budget', NEW.business_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'partnerships_within_budget';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER partnerships_within_budget
    BEFORE INSERT OR UPDATE OF state, pledge_kzt, business_id ON partnerships
    FOR EACH ROW EXECUTE FUNCTION partnerships_within_budget();

-- A budget cannot drop below what is already pledged.
CREATE FUNCTION organizations_budget_covers_pledges() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'business' AND coalesce(NEW.annual_csr_budget_kzt, 0) < (
        SELECT coalesce(sum(pledge_kzt), 0) FROM partnerships
        WHERE business_id = NEW.id AND state IN ('approved', 'active')
    ) THEN
        RAISE EXCEPTION 'budget of % is below its pledges', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'organizations_budget_covers_pledges';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER organizations_budget_covers_pledges
    BEFORE UPDATE OF annual_csr_budget_kzt ON organizations
    FOR EACH ROW EXECUTE FUNCTION organizations_budget_covers_pledges();

-- Every transition and report, append-only. Ids follow commit order (writers take a lock before
-- inserting, see PartnershipRepository), so a feed read by `id > cursor` never misses one.
CREATE TABLE partnership_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    partnership_id uuid NOT NULL REFERENCES partnerships (id),
    action text NOT NULL,
    from_state text,
    to_state text NOT NULL,
    actor_organization_id uuid REFERENCES organizations (id),
    actor_is_admin boolean NOT NULL DEFAULT false,
    comment text,
    data jsonb NOT NULL DEFAULT '{}',
    at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX partnership_events_partnership ON partnership_events (partnership_id, id);

CREATE TABLE partnership_reports (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    partnership_id uuid NOT NULL REFERENCES partnerships (id),
    kind text NOT NULL CHECK (kind IN ('milestone', 'final')),
    amount_disbursed_kzt bigint NOT NULL DEFAULT 0 CHECK (amount_disbursed_kzt >= 0),
    beneficiaries_reached integer NOT NULL DEFAULT 0 CHECK (beneficiaries_reached >= 0),
    text text NOT NULL,
    rating smallint CHECK (rating BETWEEN 1 AND 5),
    author_organization_id uuid REFERENCES organizations (id),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX partnership_reports_partnership ON partnership_reports (partnership_id, created_at);
CREATE UNIQUE INDEX partnership_reports_one_final ON partnership_reports (partnership_id) WHERE kind = 'final';

-- The record is the record: no role, the service's own included, may change or remove it.
CREATE FUNCTION refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER partnership_events_append_only
    BEFORE UPDATE OR DELETE ON partnership_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER partnership_events_no_truncate
    BEFORE TRUNCATE ON partnership_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER partnership_reports_append_only
    BEFORE UPDATE OR DELETE ON partnership_reports FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER partnership_reports_no_truncate
    BEFORE TRUNCATE ON partnership_reports FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- What matching needs to know of partnerships, per organization and per project, kept current by
-- a trigger so that ranking a hundred candidates reads one row each.
CREATE TABLE partnership_stats (
    subject_id uuid PRIMARY KEY,
    -- As sponsor or as project: pledges in approved and active partnerships.
    pledged_kzt bigint NOT NULL DEFAULT 0,
    open_partnerships integer NOT NULL DEFAULT 0,
    completed integer NOT NULL DEFAULT 0,
    cancelled integer NOT NULL DEFAULT 0
);

CREATE FUNCTION partnership_stats_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Recomputing from a snapshot would let two concurrent changes overwrite each other: take a
    -- lock per subject (in a fixed order, so two writers cannot deadlock) and recompute in a new
    -- statement, which sees whatever the previous holder committed.
    PERFORM pg_advisory_xact_lock(hashtextextended(subject::text, 0))
    FROM (SELECT DISTINCT unnest(ARRAY[NEW.ngo_id, NEW.business_id, NEW.government_body_id, NEW.project_id]) AS subject) AS subjects
    ORDER BY subject;
    INSERT INTO partnership_stats AS s (subject_id, pledged_kzt, open_partnerships, completed, cancelled)
    SELECT subject.id,
        coalesce(sum(p.pledge_kzt) FILTER (
            WHERE p.state IN ('approved', 'active') AND subject.id IN (p.business_id, p.project_id)), 0),
        count(p.id) FILTER (WHERE p.state IN ('approved', 'active')),
        count(p.id) FILTER (WHERE p.state = 'completed'),
        count(p.id) FILTER (WHERE p.state = 'cancelled')
    FROM unnest(ARRAY[NEW.ngo_id, NEW.business_id, NEW.government_body_id, NEW.project_id]) AS subject(id)
    LEFT JOIN partnerships p
        ON subject.id IN (p.ngo_id, p.business_id, p.government_body_id, p.project_id)
    GROUP BY subject.id
    ON CONFLICT (subject_id) DO UPDATE
    SET pledged_kzt = excluded.pledged_kzt, open_partnerships = excluded.open_partnerships,
        completed = excluded.completed, cancelled = excluded.cancelled;
    RETURN NULL;
END
$$;

CREATE TRIGGER partnership_stats_refresh
    AFTER INSERT OR UPDATE OF state, pledge_kzt ON partnerships
    FOR EACH ROW EXECUTE FUNCTION partnership_stats_refresh();
