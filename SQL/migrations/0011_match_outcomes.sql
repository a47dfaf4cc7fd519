-- Learning from outcomes: what an organization said it does not want to see again, how each
-- organization answers the proposals it receives, and which candidates were shown to whom, so
-- that a proposal can be traced back to a list.

-- "Not interested": owned by the organization a person acts for, so colleagues see one list.
CREATE TABLE match_dismissals (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- An organization or a project: no single foreign key can name either, so the triggers below
    -- remove a dismissal with the row it names.
    candidate_id uuid NOT NULL,
    reason text CHECK (char_length(reason) BETWEEN 1 AND 500),
    -- The person who dismissed it; NULL for an API token, which acts for the organization alone.
    dismissed_by uuid REFERENCES people (id) ON DELETE SET NULL,
    dismissed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (organization_id, candidate_id)
);
CREATE INDEX match_dismissals_candidate ON match_dismissals (candidate_id);

CREATE FUNCTION match_dismissals_forget_candidate() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM match_dismissals WHERE candidate_id = OLD.id;
    RETURN NULL;
END
$$;

CREATE TRIGGER match_dismissals_forget_organization
    AFTER DELETE ON organizations FOR EACH ROW EXECUTE FUNCTION match_dismissals_forget_candidate();
CREATE TRIGGER match_dismissals_forget_project
    AFTER DELETE ON projects FOR EACH ROW EXECUTE FUNCTION match_dismissals_forget_candidate();

-- What was shown to whom: one row per organization a list was for and candidate in it. Written in
-- batches by the exposure flusher, never while a list is served.
CREATE TABLE match_impressions (
    viewer_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- An organization or a project, like exposure.subject_id.
    subject_id uuid NOT NULL,
    first_shown_at timestamptz NOT NULL,
    last_shown_at timestamptz NOT NULL,
    times integer NOT NULL CHECK (times > 0),
    PRIMARY KEY (viewer_id, subject_id),
    CHECK (first_shown_at <= last_shown_at)
);

-- Whether the proposer had been shown the counterpart (the sponsor for an NGO, the project for a
-- business or a government body) in a match list before proposing. NULL: proposed before this
-- was recorded.
ALTER TABLE partnerships ADD COLUMN from_list boolean;

-- How an organization answers proposals it did not make (see docs/matching.md, track record).
-- A proposal counts once it is answered: accepted when the organization consented, or when all
-- three did at some time (submitted_at is set then and kept, so a later return or amendment does
-- not undo it); not accepted when it left `proposed` (withdrawn) without that. A proposal still
-- waiting for the organization does not count either way.
ALTER TABLE partnership_stats
    ADD COLUMN proposals_received integer NOT NULL DEFAULT 0,
    ADD COLUMN proposals_accepted integer NOT NULL DEFAULT 0;

CREATE OR REPLACE FUNCTION partnership_stats_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    -- Recomputing from a snapshot would let two concurrent changes overwrite each other: take a
    -- lock per subject (in a fixed order, so two writers cannot deadlock) and recompute in a new
    -- statement, which sees whatever the previous holder committed. RoundRepository.acceptRound
    -- takes the same locks in the same order: the set of subjects must not change.
    PERFORM pg_advisory_xact_lock(hashtextextended(subject::text, 0))
    FROM (SELECT DISTINCT unnest(ARRAY[NEW.ngo_id, NEW.business_id, NEW.government_body_id, NEW.project_id]) AS subject) AS subjects
    ORDER BY subject;
    INSERT INTO partnership_stats AS s (
        subject_id, pledged_kzt, open_partnerships, completed, cancelled, proposals_received, proposals_accepted
    )
    SELECT subject.id,
        coalesce(sum(p.pledge_kzt) FILTER (
            WHERE p.state IN ('approved', 'active') AND subject.id IN (p.business_id, p.project_id)), 0),
        count(p.id) FILTER (WHERE p.state IN ('approved', 'active')),
        count(p.id) FILTER (WHERE p.state = 'completed'),
        count(p.id) FILTER (WHERE p.state = 'cancelled'),
        count(p.id) FILTER (WHERE answer.received AND (answer.consented OR p.state <> 'proposed')),
        count(p.id) FILTER (WHERE answer.received AND answer.consented)
    FROM unnest(ARRAY[NEW.ngo_id, NEW.business_id, NEW.government_body_id, NEW.project_id]) AS subject(id)
    LEFT JOIN partnerships p
        ON subject.id IN (p.ngo_id, p.business_id, p.government_body_id, p.project_id)
    LEFT JOIN LATERAL partnership_answer(p, subject.id) AS answer ON true
    GROUP BY subject.id
    ON CONFLICT (subject_id) DO UPDATE
    SET pledged_kzt = excluded.pledged_kzt, open_partnerships = excluded.open_partnerships,
        completed = excluded.completed, cancelled = excluded.cancelled,
        proposals_received = excluded.proposals_received, proposals_accepted = excluded.proposals_accepted;
    RETURN NULL;
END
$$;

-- How one party stands to a proposal: whether it received it (a party that did not propose it;
-- never the project, which is no party), and whether it consented, now or on the way to review.
CREATE FUNCTION partnership_answer(p partnerships, subject uuid)
RETURNS TABLE (received boolean, consented boolean)
LANGUAGE sql IMMUTABLE AS $$
    SELECT subject IN (p.ngo_id, p.business_id, p.government_body_id) AND p.proposed_by IS DISTINCT FROM subject,
        coalesce(CASE subject
            WHEN p.ngo_id THEN p.ngo_consent
            WHEN p.business_id THEN p.business_consent
            WHEN p.government_body_id THEN p.government_consent
        END, false) OR p.submitted_at IS NOT NULL
$$;

-- Consent changes without a change of state, so the counters follow the consent columns too.
DROP TRIGGER partnership_stats_refresh ON partnerships;
CREATE TRIGGER partnership_stats_refresh
    AFTER INSERT OR UPDATE OF state, pledge_kzt, ngo_consent, business_consent, government_consent ON partnerships
    FOR EACH ROW EXECUTE FUNCTION partnership_stats_refresh();

-- Existing partnerships: the same counts, for every organization that took part in one.
UPDATE partnership_stats st
SET proposals_received = counts.received, proposals_accepted = counts.accepted
FROM (
    SELECT party.id,
        count(*) FILTER (WHERE answer.received AND (answer.consented OR p.state <> 'proposed')) AS received,
        count(*) FILTER (WHERE answer.received AND answer.consented) AS accepted
    FROM partnerships p
    CROSS JOIN LATERAL unnest(ARRAY[p.ngo_id, p.business_id, p.government_body_id]) AS party(id)
    CROSS JOIN LATERAL partnership_answer(p, party.id) AS answer
    GROUP BY party.id
) AS counts
WHERE st.subject_id = counts.id;
