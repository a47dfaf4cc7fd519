-- Funding rounds: a government body allocates the sponsors working in its jurisdiction to all open
-- projects there at once, and turns the allocation into proposals the parties confirm.
CREATE TABLE funding_rounds (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    government_body_id uuid NOT NULL REFERENCES organizations (id),
    jurisdiction text NOT NULL REFERENCES regions (kato),
    national boolean NOT NULL DEFAULT false,
    focus_areas text[] NOT NULL DEFAULT '{}',
    mode text NOT NULL CHECK (mode IN ('split', 'whole')),
    consent_deadline timestamptz NOT NULL,
    state text NOT NULL DEFAULT 'computed' CHECK (state IN ('computed', 'accepted')),
    projects_in_scope integer NOT NULL,
    sponsors_in_scope integer NOT NULL,
    pairs_scored integer NOT NULL,
    objective double precision NOT NULL,
    upper_bound double precision NOT NULL,
    blocking_pairs integer NOT NULL,
    need_in_scope_kzt bigint NOT NULL,
    created_by_admin boolean NOT NULL DEFAULT false,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    accepted_at timestamptz
);

CREATE TABLE round_placements (
    round_id uuid NOT NULL REFERENCES funding_rounds (id),
    project_id uuid NOT NULL REFERENCES projects (id),
    sponsor_id uuid NOT NULL REFERENCES organizations (id),
    amount_kzt bigint NOT NULL CHECK (amount_kzt > 0),
    score double precision NOT NULL,
    partnership_id uuid REFERENCES partnerships (id),
    -- Why no partnership came of it on acceptance, if none did.
    skipped_reason text,
    PRIMARY KEY (round_id, project_id, sponsor_id)
);

CREATE TABLE round_unfunded (
    round_id uuid NOT NULL REFERENCES funding_rounds (id),
    project_id uuid NOT NULL REFERENCES projects (id),
    need_kzt bigint NOT NULL,
    placed_kzt bigint NOT NULL,
    reason text NOT NULL CHECK (reason IN ('no_plausible_sponsor', 'outbid', 'partly_funded')),
    PRIMARY KEY (round_id, project_id)
);

-- Proposals made from a round must be consented to by its deadline.
ALTER TABLE partnerships ADD COLUMN consent_deadline timestamptz;
ALTER TABLE partnerships ADD COLUMN round_id uuid REFERENCES funding_rounds (id);
