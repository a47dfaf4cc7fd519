-- A business's shortlist: projects it is weighing, with a note for colleagues. It belongs to the
-- organization, like its dismissals, so everyone acting for it sees the same list.

CREATE TABLE project_shortlists (
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    project_id uuid NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    note text CHECK (char_length(note) BETWEEN 1 AND 500),
    -- NULL for an API token, which acts for the organization alone.
    added_by uuid REFERENCES people (id) ON DELETE SET NULL,
    added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (organization_id, project_id)
);
CREATE INDEX project_shortlists_project ON project_shortlists (project_id);
