-- A round's page lists its blocking pairs, not only their number: a project and a sponsor not
-- placed together that would both rather have been, so the government body can see who has reason
-- to object before it accepts. Rounds keep the 100 best-fitting; funding_rounds.blocking_pairs
-- still counts them all. Rounds computed before this migration have none listed.
CREATE TABLE round_blocking_pairs (
    round_id uuid NOT NULL REFERENCES funding_rounds (id),
    project_id uuid NOT NULL REFERENCES projects (id),
    sponsor_id uuid NOT NULL REFERENCES organizations (id),
    score double precision NOT NULL,
    -- Why each side would rather: room left (budget and a slot; unmet need), or a worse-fitting match it has now.
    sponsor_has_room boolean NOT NULL,
    project_has_room boolean NOT NULL,
    PRIMARY KEY (round_id, project_id, sponsor_id)
);
