-- A report coming due is announced once per due date too, a week ahead, to the NGO that files it:
-- the table of announced due dates now says which announcement each row is.
ALTER TABLE overdue_notices ADD COLUMN kind text NOT NULL DEFAULT 'overdue' CHECK (kind IN ('overdue', 'report_due'));
ALTER TABLE overdue_notices DROP CONSTRAINT overdue_notices_pkey;
ALTER TABLE overdue_notices ADD PRIMARY KEY (partnership_id, due_at, kind);
