-- A round may be limited to named businesses (those that signed the region's memorandum of social
-- partnership, say): then they, wherever they work, are its only sponsors. Empty: every business
-- working in the jurisdiction or nationwide, as before.

ALTER TABLE funding_rounds ADD COLUMN sponsor_ids uuid[] NOT NULL DEFAULT '{}'
    CHECK (cardinality(sponsor_ids) <= 50);
