-- Reviewers score as people, not as organizations: an integration scoring on a reviewer's behalf
-- carries that person's token. A token belongs to exactly one of an organization, a person or the
-- platform's admins.
ALTER TABLE api_tokens ADD COLUMN person_id uuid REFERENCES people (id);
ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_check;
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_one_bearer
    CHECK (num_nonnulls(organization_id, person_id, nullif(is_admin, false)) = 1);
CREATE INDEX api_tokens_person ON api_tokens (person_id) WHERE person_id IS NOT NULL;
