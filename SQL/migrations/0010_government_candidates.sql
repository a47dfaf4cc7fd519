-- Matching offers a project every government body whose jurisdiction covers it (national bodies
-- cover every project), whatever its focus areas: a body's areas say what it prefers, not where it
-- may act. organizations_jurisdiction (0005) finds the local bodies; this finds the national ones
-- without reading the other organizations.
CREATE INDEX organizations_national_bodies ON organizations (id) WHERE kind = 'government_body' AND level = 'national';
