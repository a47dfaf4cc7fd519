-- Candidate generation moved into each service instance's memory (the candidate index). An instance
-- loads every organization and open project at start and then follows changes: each committed
-- change to a row matching reads sends one notification on the channel asar_match_index, with a
-- version number and the id of the changed organization or project (for a dismissal, the
-- organization that dismissed).
--
-- The version is a single counter bumped by the same transaction at commit (the triggers are
-- deferred), so its row lock orders commits: notifications arrive with versions 1, 2, 3, … and a
-- gap means one was missed (a listener that was disconnected, say), which the instance repairs by
-- reloading everything. Taking the lock only at commit keeps it from joining any other lock order.

CREATE TABLE match_index_version (
    singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version bigint NOT NULL
);
INSERT INTO match_index_version VALUES (true, 0);

CREATE FUNCTION match_index_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    changed_version bigint;
    changed_id uuid;
BEGIN
    -- A bulk load announces itself once, with '*', instead of once per row.
    IF current_setting('asar.match_index_bulk', true) = 'on' THEN
        RETURN NULL;
    END IF;
    -- Separate branches: PL/pgSQL resolves every field a statement names, even in a CASE branch not taken.
    IF TG_TABLE_NAME = 'partnership_stats' THEN
        IF TG_OP = 'DELETE' THEN changed_id := OLD.subject_id; ELSE changed_id := NEW.subject_id; END IF;
    ELSIF TG_TABLE_NAME = 'match_dismissals' THEN
        IF TG_OP = 'DELETE' THEN changed_id := OLD.organization_id; ELSE changed_id := NEW.organization_id; END IF;
    ELSE
        IF TG_OP = 'DELETE' THEN changed_id := OLD.id; ELSE changed_id := NEW.id; END IF;
    END IF;
    UPDATE match_index_version SET version = version + 1 RETURNING version INTO changed_version;
    PERFORM pg_notify('asar_match_index', changed_version || ' ' || changed_id);
    RETURN NULL;
END
$$;

-- After a bulk load: one notification that tells every instance to reload.
CREATE FUNCTION match_index_reload() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
    changed_version bigint;
BEGIN
    UPDATE match_index_version SET version = version + 1 RETURNING version INTO changed_version;
    PERFORM pg_notify('asar_match_index', changed_version || ' *');
    RETURN changed_version;
END
$$;

CREATE CONSTRAINT TRIGGER organizations_match_index
    AFTER INSERT OR UPDATE OR DELETE ON organizations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION match_index_changed();

CREATE CONSTRAINT TRIGGER projects_match_index
    AFTER INSERT OR UPDATE OR DELETE ON projects
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION match_index_changed();

-- Pledges, open partnerships and the track record of organizations and projects.
CREATE CONSTRAINT TRIGGER partnership_stats_match_index
    AFTER INSERT OR UPDATE OR DELETE ON partnership_stats
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION match_index_changed();

-- What an organization dismissed leaves its lists: the index holds every organization's dismissals.
CREATE CONSTRAINT TRIGGER match_dismissals_match_index
    AFTER INSERT OR UPDATE OR DELETE ON match_dismissals
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION match_index_changed();

-- The reach tables were candidate generation in SQL; the index replaces them.
DROP TRIGGER organization_reach_refresh ON organizations;
DROP TRIGGER project_reach_refresh ON projects;
DROP TABLE organization_reach;
DROP TABLE project_reach;
DROP FUNCTION organization_reach_refresh();
DROP FUNCTION project_reach_refresh();
DROP FUNCTION organization_reach_of(organizations);
DROP FUNCTION project_reach_of(projects);
