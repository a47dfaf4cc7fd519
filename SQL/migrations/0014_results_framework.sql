-- Monitoring: each partnership's results framework (indicators and a reporting period), the
-- values its reports record, and what a report is due by.

ALTER TABLE partnerships
    ADD COLUMN reporting_period_days integer NOT NULL DEFAULT 90 CHECK (reporting_period_days BETWEEN 7 AND 365),
    -- When the work started: the first report is due one period later.
    ADD COLUMN activated_at timestamptz,
    -- When a reviewer last accepted a new framework: values reported before it measured the old
    -- indicators (positions are renumbered) and no longer count as progress.
    ADD COLUMN framework_changed_at timestamptz;

UPDATE partnerships p SET activated_at = e.at
FROM (SELECT partnership_id, min(at) AS at FROM partnership_events WHERE action = 'activate' GROUP BY partnership_id) e
WHERE e.partnership_id = p.id;

-- What the partnership promises to change, agreed when it is proposed. Positions run from 1.
CREATE TABLE partnership_indicators (
    partnership_id uuid NOT NULL REFERENCES partnerships (id),
    position smallint NOT NULL CHECK (position BETWEEN 1 AND 20),
    name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    unit text NOT NULL CHECK (length(unit) BETWEEN 1 AND 50),
    baseline double precision NOT NULL,
    target double precision NOT NULL,
    PRIMARY KEY (partnership_id, position)
);

-- After approval the framework changes only when a reviewer accepts the change: a party asks here,
-- and the request stays pending (one at a time) until a reviewer decides.
CREATE TABLE partnership_framework_changes (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    partnership_id uuid NOT NULL REFERENCES partnerships (id),
    -- [{"name", "unit", "baseline", "target"}], in position order.
    indicators jsonb NOT NULL,
    reporting_period_days integer NOT NULL CHECK (reporting_period_days BETWEEN 7 AND 365),
    reason text NOT NULL,
    requested_by uuid REFERENCES organizations (id),
    requested_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    decision text CHECK (decision IN ('accepted', 'declined')),
    decided_by uuid REFERENCES organizations (id),
    decided_at timestamptz,
    comment text,
    CHECK ((decision IS NULL) = (decided_at IS NULL))
);
CREATE UNIQUE INDEX partnership_framework_changes_one_pending
    ON partnership_framework_changes (partnership_id) WHERE decision IS NULL;

-- A report's actual value for each indicator it measured; as append-only as the report.
CREATE TABLE partnership_report_values (
    report_id uuid NOT NULL REFERENCES partnership_reports (id),
    position smallint NOT NULL,
    actual double precision NOT NULL,
    PRIMARY KEY (report_id, position)
);
CREATE TRIGGER partnership_report_values_append_only
    BEFORE UPDATE OR DELETE ON partnership_report_values FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER partnership_report_values_no_truncate
    BEFORE TRUNCATE ON partnership_report_values FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

-- The final evaluation's lessons learned.
ALTER TABLE partnership_reports ADD COLUMN lessons text;

-- The rules the portal, the dashboards and the overdue sweep share (ReportingPolicy and Indicator
-- state them in Swift): when an active partnership's next report is due, an indicator's latest
-- value under the current framework, and whether it meets its target.
CREATE FUNCTION partnership_report_due(p partnerships) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN p.state = 'active' THEN
        greatest(p.activated_at, (SELECT max(r.created_at) FROM partnership_reports r WHERE r.partnership_id = p.id))
            + make_interval(days => p.reporting_period_days)
    END
$$;

CREATE FUNCTION indicator_latest(p partnerships, indicator smallint) RETURNS double precision
LANGUAGE sql STABLE AS $$
    SELECT v.actual FROM partnership_report_values v JOIN partnership_reports r ON r.id = v.report_id
    WHERE r.partnership_id = p.id AND v.position = indicator
      AND r.created_at >= coalesce(p.framework_changed_at, '-infinity'::timestamptz)
    ORDER BY r.created_at DESC, r.id DESC LIMIT 1
$$;

CREATE FUNCTION indicator_met(baseline double precision, target double precision, actual double precision) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN target = baseline THEN actual = target WHEN target > baseline THEN actual >= target ELSE actual <= target END
$$;

-- Active partnerships by when their next report is due, for the overdue sweep and dashboards.
CREATE INDEX partnerships_active ON partnerships (state) WHERE state = 'active';
