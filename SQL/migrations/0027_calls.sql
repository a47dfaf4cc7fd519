-- Calls for proposals: a government body (an akimat's social order or grant programme, a ministry,
-- the national grant operator) offers money for projects on its topics in its territory; NGOs
-- apply with a project and the amount they ask; businesses pledge money to the call beside the
-- state's. Reviewing, allocating and awarding come in later migrations.

CREATE TABLE calls (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    government_body_id uuid NOT NULL REFERENCES organizations (id),
    title_kk text CHECK (length(title_kk) BETWEEN 1 AND 300),
    title_ru text CHECK (length(title_ru) BETWEEN 1 AND 300),
    title_en text CHECK (length(title_en) BETWEEN 1 AND 300),
    description_kk text CHECK (length(description_kk) <= 20000),
    description_ru text CHECK (length(description_ru) <= 20000),
    description_en text CHECK (length(description_en) <= 20000),
    focus_areas text[] NOT NULL DEFAULT '{}',
    -- A region, city or district (KATO); null for the whole country.
    territory text REFERENCES regions (kato),
    state_budget_kzt bigint NOT NULL CHECK (state_budget_kzt >= 0),
    min_grant_kzt bigint NOT NULL CHECK (min_grant_kzt > 0),
    max_grant_kzt bigint NOT NULL,
    -- Whether an application may be funded for less than it asked (split) or only whole.
    partial_funding boolean NOT NULL DEFAULT false,
    -- Eligibility, checked when an application is submitted and again when money is allocated.
    verified_only boolean NOT NULL DEFAULT true,
    territory_only boolean NOT NULL DEFAULT true,
    min_years_active integer NOT NULL DEFAULT 0 CHECK (min_years_active BETWEEN 0 AND 50),
    no_overdue_reports boolean NOT NULL DEFAULT true,
    -- The mean weighted score (0–100) an application needs to be funded at all.
    pass_mark double precision NOT NULL CHECK (pass_mark BETWEEN 0 AND 100),
    reviewers_per_application integer NOT NULL DEFAULT 2 CHECK (reviewers_per_application BETWEEN 2 AND 7),
    -- Reviewers' totals further apart than this (points of 100) send the application to a moderator.
    moderation_spread double precision NOT NULL DEFAULT 25 CHECK (moderation_spread > 0 AND moderation_spread <= 100),
    opens_at timestamptz NOT NULL,
    closes_at timestamptz NOT NULL,
    reviews_due_at timestamptz NOT NULL,
    results_at timestamptz NOT NULL,
    state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'published', 'awarded')),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    published_at timestamptz,
    CHECK (coalesce(title_kk, title_ru, title_en) IS NOT NULL),
    CHECK (max_grant_kzt >= min_grant_kzt),
    CHECK (opens_at < closes_at AND closes_at <= reviews_due_at AND reviews_due_at <= results_at),
    CHECK ((state = 'draft') = (published_at IS NULL))
);
CREATE INDEX calls_government_body ON calls (government_body_id, created_at DESC);
CREATE INDEX calls_published ON calls (closes_at DESC, id) WHERE state <> 'draft';

-- What every application must answer, in order (positions from 1).
CREATE TABLE call_questions (
    call_id uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    position smallint NOT NULL CHECK (position BETWEEN 1 AND 30),
    text_kk text CHECK (length(text_kk) BETWEEN 1 AND 1000),
    text_ru text CHECK (length(text_ru) BETWEEN 1 AND 1000),
    text_en text CHECK (length(text_en) BETWEEN 1 AND 1000),
    max_length integer NOT NULL DEFAULT 4000 CHECK (max_length BETWEEN 100 AND 20000),
    CHECK (coalesce(text_kk, text_ru, text_en) IS NOT NULL),
    PRIMARY KEY (call_id, position)
);

-- The rubric: each criterion is scored 0..scale_max; an application's total is the weighted mean
-- of score / scale_max, as points of 100.
CREATE TABLE call_criteria (
    call_id uuid NOT NULL REFERENCES calls (id) ON DELETE CASCADE,
    position smallint NOT NULL CHECK (position BETWEEN 1 AND 20),
    name_kk text CHECK (length(name_kk) BETWEEN 1 AND 300),
    name_ru text CHECK (length(name_ru) BETWEEN 1 AND 300),
    name_en text CHECK (length(name_en) BETWEEN 1 AND 300),
    guidance_kk text CHECK (length(guidance_kk) <= 4000),
    guidance_ru text CHECK (length(guidance_ru) <= 4000),
    guidance_en text CHECK (length(guidance_en) <= 4000),
    weight integer NOT NULL CHECK (weight BETWEEN 1 AND 100),
    scale_max integer NOT NULL CHECK (scale_max BETWEEN 1 AND 10),
    CHECK (coalesce(name_kk, name_ru, name_en) IS NOT NULL),
    PRIMARY KEY (call_id, position)
);

-- A business co-funds a call: all of its pledge, or only applications on some focus areas or in
-- some places (regions or districts). A live pledge counts against the business's budget as an
-- approved partnership's pledge does (below); withdrawing it, or the award's settling it, frees it.
CREATE TABLE call_pledges (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    call_id uuid NOT NULL REFERENCES calls (id),
    business_id uuid NOT NULL REFERENCES organizations (id),
    amount_kzt bigint NOT NULL CHECK (amount_kzt > 0),
    earmark_focus_areas text[] NOT NULL DEFAULT '{}',
    earmark_places text[] NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    withdrawn_at timestamptz,
    settled_at timestamptz
);
CREATE INDEX call_pledges_call ON call_pledges (call_id) WHERE withdrawn_at IS NULL;
CREATE INDEX call_pledges_business ON call_pledges (business_id) WHERE withdrawn_at IS NULL AND settled_at IS NULL;

-- What a business has committed: approved and active partnerships' pledges and live call pledges,
-- leaving out one partnership or one pledge (the row being checked).
CREATE FUNCTION business_commitments_kzt(business uuid, except_partnership uuid, except_pledge uuid) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT (SELECT coalesce(sum(pledge_kzt), 0) FROM partnerships
            WHERE business_id = business AND state IN ('approved', 'active') AND id IS DISTINCT FROM except_partnership)
         + (SELECT coalesce(sum(amount_kzt), 0) FROM call_pledges
            WHERE business_id = business AND withdrawn_at IS NULL AND settled_at IS NULL AND id IS DISTINCT FROM except_pledge)
$$;

-- 0006's checks, restated to count call pledges too.
CREATE OR REPLACE FUNCTION partnerships_within_budget() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    budget bigint;
BEGIN
    IF NEW.state NOT IN ('approved', 'active') THEN
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

CREATE OR REPLACE FUNCTION organizations_budget_covers_pledges() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.kind = 'business' AND coalesce(NEW.annual_csr_budget_kzt, 0) < business_commitments_kzt(NEW.id, NULL, NULL) THEN
        RAISE EXCEPTION 'budget of % is below its pledges', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'organizations_budget_covers_pledges';
    END IF;
    RETURN NEW;
END
$$;

CREATE FUNCTION call_pledges_within_budget() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    budget bigint;
BEGIN
    IF NEW.withdrawn_at IS NOT NULL OR NEW.settled_at IS NOT NULL THEN
        RETURN NEW;
    END IF;
    SELECT annual_csr_budget_kzt INTO budget FROM organizations WHERE id = NEW.business_id FOR NO KEY UPDATE;
    IF business_commitments_kzt(NEW.business_id, NULL, NEW.id) + NEW.amount_kzt > coalesce(budget, 0) THEN
        RAISE EXCEPTION 'pledges of sponsor % would exceed its budget', NEW.business_id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'call_pledges_within_budget';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER call_pledges_within_budget
    BEFORE INSERT OR UPDATE OF amount_kzt, business_id, withdrawn_at, settled_at ON call_pledges
    FOR EACH ROW EXECUTE FUNCTION call_pledges_within_budget();

-- An NGO applies with one of its projects: the amount asked, the answers, and the results
-- framework the partnership will report on if it is funded. A draft may change until the call
-- closes; submitting checks eligibility.
CREATE TABLE call_applications (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    call_id uuid NOT NULL REFERENCES calls (id),
    ngo_id uuid NOT NULL REFERENCES organizations (id),
    project_id uuid NOT NULL REFERENCES projects (id),
    amount_kzt bigint NOT NULL CHECK (amount_kzt > 0),
    -- [{"name", "unit", "baseline", "target"}], in position order, as framework change requests keep them.
    indicators jsonb NOT NULL DEFAULT '[]',
    reporting_period_days integer NOT NULL DEFAULT 90 CHECK (reporting_period_days BETWEEN 7 AND 365),
    state text NOT NULL DEFAULT 'draft' CHECK (state IN ('draft', 'submitted', 'withdrawn')),
    version integer NOT NULL DEFAULT 1,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    submitted_at timestamptz,
    CHECK ((state = 'draft') = (submitted_at IS NULL) OR state = 'withdrawn'),
    UNIQUE (call_id, project_id)
);
CREATE INDEX call_applications_call ON call_applications (call_id, state);
CREATE INDEX call_applications_ngo ON call_applications (ngo_id, created_at DESC);

CREATE TABLE call_answers (
    application_id uuid NOT NULL REFERENCES call_applications (id) ON DELETE CASCADE,
    position smallint NOT NULL CHECK (position BETWEEN 1 AND 30),
    answer text NOT NULL CHECK (length(answer) <= 20000),
    PRIMARY KEY (application_id, position)
);
