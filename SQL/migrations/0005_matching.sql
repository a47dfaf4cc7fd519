-- Candidate generation for matching. One narrow row per (top-level region, focus area) an
-- organization or open project reaches, so finding plausible partners reads a few index entries
-- per candidate instead of scanning wide rows. Kept current by triggers, so every write path
-- (API, seed COPY, manual SQL) maintains it.

-- The top-level units a list of KATO codes lies in; '*' stands for the whole country.
CREATE FUNCTION kato_top_levels(codes text[], nationwide boolean) RETURNS text[]
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT DISTINCT top FROM (
            SELECT rpad(substr(code, 1, 2), 9, '0') AS top FROM unnest(codes) AS code
            UNION ALL
            SELECT '*' WHERE nationwide
        ) AS tops
    )
$$;

CREATE TABLE organization_reach (
    kind text NOT NULL,
    region text NOT NULL,
    -- A focus area it works on or seeks; '*' for an organization that names none.
    focus text NOT NULL,
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    PRIMARY KEY (kind, region, focus, organization_id)
);
CREATE INDEX organization_reach_organization ON organization_reach (organization_id);

-- The reach rows of one organization: shared by the trigger and by bulk loads.
CREATE FUNCTION organization_reach_of(o organizations)
RETURNS TABLE (kind text, region text, focus text, organization_id uuid)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT o.kind, region, focus, o.id
    FROM unnest(CASE
            WHEN o.kind = 'government_body'
                THEN kato_top_levels(ARRAY[o.jurisdiction], o.level = 'national')
                || CASE WHEN o.level = 'national' THEN ARRAY['*'] ELSE '{}' END
            ELSE kato_top_levels(o.regions, o.nationwide)
        END) AS region,
        unnest(CASE
            WHEN cardinality(o.focus_areas || o.seeking) = 0 THEN ARRAY['*']
            ELSE o.focus_areas || o.seeking
        END) AS focus
    WHERE o.active
$$;

CREATE FUNCTION organization_reach_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM organization_reach WHERE organization_id = NEW.id;
    END IF;
    INSERT INTO organization_reach SELECT * FROM organization_reach_of(NEW);
    RETURN NULL;
END
$$;

CREATE TRIGGER organization_reach_refresh
    AFTER INSERT OR UPDATE OF kind, regions, nationwide, focus_areas, seeking, jurisdiction, level, active
    ON organizations FOR EACH ROW EXECUTE FUNCTION organization_reach_refresh();

CREATE TABLE project_reach (
    region text NOT NULL,
    focus text NOT NULL,
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    PRIMARY KEY (region, focus, project_id)
);
CREATE INDEX project_reach_project ON project_reach (project_id);

-- The reach rows of one project; only open projects are matched, so only they reach.
CREATE FUNCTION project_reach_of(p projects)
RETURNS TABLE (region text, focus text, project_id uuid)
LANGUAGE sql STABLE AS $$
    SELECT DISTINCT region, focus, p.id
    FROM unnest(kato_top_levels(p.regions, false)) AS region,
        unnest(CASE WHEN cardinality(p.focus_areas) = 0 THEN ARRAY['*'] ELSE p.focus_areas END) AS focus
    WHERE p.status = 'open'
$$;

CREATE FUNCTION project_reach_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM project_reach WHERE project_id = NEW.id;
    END IF;
    INSERT INTO project_reach SELECT * FROM project_reach_of(NEW);
    RETURN NULL;
END
$$;

CREATE TRIGGER project_reach_refresh
    AFTER INSERT OR UPDATE OF regions, focus_areas, status
    ON projects FOR EACH ROW EXECUTE FUNCTION project_reach_refresh();

-- How often each organization or project was shown in match lists: a count that decays with a
-- half-life of seven days, stored with the time it was last brought up to date.
CREATE TABLE exposure (
    subject_id uuid PRIMARY KEY,
    impressions double precision NOT NULL CHECK (impressions >= 0),
    updated_at timestamptz NOT NULL
);

CREATE FUNCTION exposure_now(impressions double precision, updated_at timestamptz) RETURNS double precision
LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT impressions * exp(-extract(epoch FROM (now() - updated_at)) / (7 * 86400 / ln(2)))
$$;

CREATE INDEX organizations_jurisdiction ON organizations (jurisdiction) WHERE kind = 'government_body';

-- Rows that exist already.
INSERT INTO organization_reach SELECT r.* FROM organizations o, organization_reach_of(o) r;
INSERT INTO project_reach SELECT r.* FROM projects p, project_reach_of(p) r;
