-- Documents an organization gives for its verification (its registration certificate, charter,
-- others): PDF, PNG or JPEG up to 5 MB each, at most 20 per organization (counted by the
-- service under a lock on the organization's row). Kept in the database so that a backup of it
-- holds everything an admin decided on.

CREATE TABLE organization_documents (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind text NOT NULL CHECK (kind IN ('registration_certificate', 'charter', 'other')),
    file_name text NOT NULL CHECK (char_length(file_name) BETWEEN 1 AND 120),
    content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/png', 'image/jpeg')),
    content bytea NOT NULL CHECK (octet_length(content) BETWEEN 1 AND 5242880),
    sha256 text NOT NULL GENERATED ALWAYS AS (encode(sha256(content), 'hex')) STORED,
    -- NULL once the person's account is gone.
    uploaded_by uuid REFERENCES people (id) ON DELETE SET NULL,
    uploaded_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX organization_documents_organization ON organization_documents (organization_id, uploaded_at DESC);
