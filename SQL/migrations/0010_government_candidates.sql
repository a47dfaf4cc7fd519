-- Matching offers a project every government body whose jurisdiction covers it (national bodies
-- cover every project), whatever its focus areas: a body's areas say what it prefers, not where it
-- may act. These two partial indexes find both kinds without reading the other organizations.
CREATE INDEX organizations_government_jurisdiction ON organizations (jurisdiction) WHERE kind = 'government_body';
CREATE INDEX organizations_national_bodies ON organizations (id) WHERE kind = 'government_body' AND level = 'national';
