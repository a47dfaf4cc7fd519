-- A call's allocation: which applications the state budget and the business pledges fund, and
-- why every other application is not funded. Computed by the call's government body as often as
-- it likes until the award; each computation replaces the last.

CREATE TABLE call_allocations (
    call_id uuid PRIMARY KEY REFERENCES calls (id),
    computed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- Σ score × amount, and what the best allocation could reach: equal unless a whole-grant search was cut short.
    objective double precision NOT NULL,
    upper_bound double precision NOT NULL,
    -- What funding in part would reach with the same money: what whole grants cost.
    split_bound double precision NOT NULL,
    is_exact boolean NOT NULL,
    -- The lowest score funded; null when nothing is.
    cut_off double precision
);

-- Money of one funder for one application: the state's (pledge_id null) or a business's pledge.
CREATE TABLE call_grants (
    call_id uuid NOT NULL REFERENCES call_allocations (call_id) ON DELETE CASCADE,
    application_id uuid NOT NULL REFERENCES call_applications (id),
    pledge_id uuid REFERENCES call_pledges (id),
    funder_id uuid NOT NULL REFERENCES organizations (id),
    amount_kzt bigint NOT NULL CHECK (amount_kzt > 0),
    score double precision NOT NULL
);
CREATE UNIQUE INDEX call_grants_once ON call_grants (call_id, application_id, coalesce(pledge_id, '00000000-0000-0000-0000-000000000000'));

CREATE TABLE call_unfunded (
    call_id uuid NOT NULL REFERENCES call_allocations (call_id) ON DELETE CASCADE,
    application_id uuid NOT NULL REFERENCES call_applications (id),
    reason text NOT NULL CHECK (reason IN ('awaiting_reviews', 'awaiting_moderation', 'below_pass_mark', 'ineligible', 'out_of_budget', 'partly_funded')),
    score double precision,
    detail text NOT NULL DEFAULT '',
    PRIMARY KEY (call_id, application_id)
);
