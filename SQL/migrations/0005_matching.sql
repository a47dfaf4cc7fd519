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

CREATE FUNCTION organization_reach_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM organization_reach WHERE organization_id = NEW.id;
    END IF;
    IF NEW.active THEN
        INSERT INTO organization_reach (kind, region, focus, organization_id)
        SELECT DISTINCT NEW.kind, region, focus, NEW.id
        FROM unnest(CASE
                WHEN NEW.kind = 'government_body'
                    THEN kato_top_levels(ARRAY[NEW.jurisdiction], NEW.level = 'national')
                    || CASE WHEN NEW.level = 'national' THEN ARRAY['*'] ELSE '{}' END
                ELSE kato_top_levels(NEW.regions, NEW.nationwide)
            END) AS region,
            unnest(CASE
                WHEN cardinality(NEW.focus_areas || NEW.seeking) = 0 THEN ARRAY['*']
                ELSE NEW.focus_areas || NEW.seeking
            END) AS focus;
    END IF;
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

-- Only open projects are matched, so only they are reachable.
CREATE FUNCTION project_reach_refresh() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM project_reach WHERE project_id = NEW.id;
    END IF;
    IF NEW.status = 'open' THEN
        INSERT INTO project_reach (region, focus, project_id)
        SELECT DISTINCT region, focus, NEW.id
        FROM unnest(kato_top_levels(NEW.regions, false)) AS region,
            unnest(CASE WHEN cardinality(NEW.focus_areas) = 0 THEN ARRAY['*'] ELSE NEW.focus_areas END) AS focus;
    END IF;
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

-- Rows that exist already reach through the same triggers.
UPDATE organizations SET active = active;
UPDATE projects SET status = status;
