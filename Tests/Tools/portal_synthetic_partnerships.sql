-- For measuring the portal only, on a database loaded with `asar seed --synthetic N`: moves half the
-- synthetic open projects into a district of their region, and gives 40% of the open projects a
-- partnership (stages in turn, with events and reports) so the portal's figures read realistic volumes.
-- Not part of any seed. psql -v ON_ERROR_STOP=1 -d DB -f Tests/Tools/portal_synthetic_partnerships.sql
BEGIN;

WITH districts AS (
    SELECT kato, parent_kato, row_number() OVER (PARTITION BY parent_kato ORDER BY kato) - 1 AS i,
        count(*) OVER (PARTITION BY parent_kato) AS n
    FROM regions WHERE parent_kato IS NOT NULL
), moved AS (
    SELECT p.id, d.kato
    FROM projects p
    JOIN districts d ON d.parent_kato = p.regions[1] AND d.i = abs(hashtext(p.id::text)) % d.n
    WHERE p.title_en LIKE '%#%' AND abs(hashtext(p.id::text || 'd')) % 2 = 0
)
UPDATE projects p SET regions = moved.kato || p.regions[2:] FROM moved WHERE moved.id = p.id;

CREATE TEMP TABLE picks AS
WITH p AS (
    SELECT id, organization_id, row_number() OVER (ORDER BY id) AS n FROM projects WHERE status IN ('open', 'funded')
), b AS (
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS c FROM organizations WHERE kind = 'business'
), g AS (
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS n, count(*) OVER () AS c FROM organizations WHERE kind = 'government_body'
)
SELECT p.id AS project_id, p.organization_id AS ngo_id, b.id AS business_id, g.id AS government_body_id, p.n,
    (ARRAY['proposed', 'under_review', 'approved', 'active', 'completed', 'rejected', 'cancelled', 'withdrawn', 'active', 'completed'])[1 + (p.n / 5) % 10] AS state,
    timestamptz '2025-03-01' + (p.n % 500) * interval '1 day' AS started
FROM p
JOIN b ON b.n = (p.n * 7919) % b.c
JOIN g ON g.n = (p.n * 104729) % g.c
WHERE p.n % 5 IN (0, 1);

-- The per-row stats trigger takes an advisory lock per party: too many for one transaction. It is
-- off for the load, and the stats are recomputed in one statement afterwards. Sponsors are assigned
-- round-robin without regard to their budgets, so the budget check is off too: measurement data only.
ALTER TABLE partnerships DISABLE TRIGGER partnership_stats_refresh;
ALTER TABLE partnerships DISABLE TRIGGER partnerships_within_budget;
INSERT INTO partnerships (project_id, ngo_id, business_id, government_body_id, pledge_kzt, state,
    ngo_consent, business_consent, government_consent, proposed_by, submitted_at, decided_at, created_at, updated_at)
SELECT project_id, ngo_id, business_id, government_body_id, 100000 + (n % 40) * 5000, state,
    true, true, state <> 'proposed', ngo_id,
    started + interval '4 days',
    CASE WHEN state IN ('proposed', 'under_review', 'withdrawn') THEN NULL ELSE started + interval '11 days' END,
    started, started + interval '90 days'
FROM picks;
ALTER TABLE partnerships ENABLE TRIGGER partnership_stats_refresh;
ALTER TABLE partnerships ENABLE TRIGGER partnerships_within_budget;
INSERT INTO partnership_stats AS s (subject_id, pledged_kzt, open_partnerships, completed, cancelled)
SELECT subject,
    coalesce(sum(p.pledge_kzt) FILTER (WHERE p.state IN ('approved', 'active') AND role IN ('business', 'project')), 0),
    count(*) FILTER (WHERE p.state IN ('approved', 'active')),
    count(*) FILTER (WHERE p.state = 'completed'),
    count(*) FILTER (WHERE p.state = 'cancelled')
FROM partnerships p,
    LATERAL (VALUES (p.ngo_id, 'ngo'), (p.business_id, 'business'), (p.government_body_id, 'government'), (p.project_id, 'project')) AS parties(subject, role)
GROUP BY subject
ON CONFLICT (subject_id) DO UPDATE
SET pledged_kzt = excluded.pledged_kzt, open_partnerships = excluded.open_partnerships,
    completed = excluded.completed, cancelled = excluded.cancelled;

INSERT INTO partnership_events (partnership_id, action, from_state, to_state, actor_organization_id, at)
SELECT x.id, e.action, e.from_state, e.to_state, x.ngo_id, x.created_at + e.days * interval '1 day'
FROM partnerships x
CROSS JOIN LATERAL (VALUES
    ('propose', NULL, 'proposed', 0),
    ('consent', 'proposed', 'under_review', 4),
    ('approve', 'under_review', 'approved', 11),
    ('activate', 'approved', 'active', 16)
) AS e(action, from_state, to_state, days)
WHERE x.state IN ('active', 'completed', 'cancelled') OR e.days <= 4;

INSERT INTO partnership_reports (partnership_id, kind, amount_disbursed_kzt, beneficiaries_reached, text, created_at)
SELECT x.id, 'milestone', x.pledge_kzt / 4, 10, 'Synthetic milestone', x.created_at + k * interval '60 days'
FROM partnerships x, generate_series(1, 2) AS k
WHERE x.state IN ('active', 'completed');

COMMIT;
VACUUM ANALYZE projects;
VACUUM ANALYZE partnerships;
VACUUM ANALYZE partnership_events;
VACUUM ANALYZE partnership_reports;
VACUUM ANALYZE organizations;
