-- Reviewing a call's applications: the call's pool of reviewers (people of its government body or
-- invited experts with an account), conflicts they declare, who reviews which application, their
-- scores and a moderator's where reviewers disagree. Conflicts ASAR finds itself (the applicant's
-- people, an earmarked co-funder's, a past partner's) are judged when an assignment is made, from
-- the data as it is then.

CREATE TABLE call_reviewers (
    call_id uuid NOT NULL REFERENCES calls (id),
    person_id uuid NOT NULL REFERENCES people (id),
    added_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (call_id, person_id)
);

CREATE TABLE call_declared_conflicts (
    application_id uuid NOT NULL REFERENCES call_applications (id),
    person_id uuid NOT NULL REFERENCES people (id),
    reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 2000),
    declared_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (application_id, person_id)
);

CREATE TABLE call_assignments (
    application_id uuid NOT NULL REFERENCES call_applications (id),
    person_id uuid NOT NULL REFERENCES people (id),
    -- Made by ASAR's balancing rather than named by the call's owner.
    automatic boolean NOT NULL,
    assigned_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (application_id, person_id)
);
CREATE INDEX call_assignments_person ON call_assignments (person_id);

-- A reviewer's scores of an application, one per criterion (by position), with the weighted total
-- kept as computed when it was submitted. Blind: nobody else reads it until every reviewer
-- assigned to the application has scored it (the application service decides).
CREATE TABLE call_reviews (
    application_id uuid NOT NULL,
    person_id uuid NOT NULL,
    scores smallint[] NOT NULL CHECK (cardinality(scores) BETWEEN 1 AND 20),
    total double precision NOT NULL CHECK (total BETWEEN 0 AND 100),
    comment text NOT NULL DEFAULT '' CHECK (length(comment) <= 10000),
    submitted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (application_id, person_id),
    FOREIGN KEY (application_id, person_id) REFERENCES call_assignments (application_id, person_id)
);

-- Where the reviewers' totals lie further apart than the call's moderation_spread, a person of
-- the call's government body sets the score the allocation uses, and says why.
CREATE TABLE call_moderations (
    application_id uuid PRIMARY KEY REFERENCES call_applications (id),
    person_id uuid NOT NULL REFERENCES people (id),
    score double precision NOT NULL CHECK (score BETWEEN 0 AND 100),
    comment text NOT NULL CHECK (length(comment) BETWEEN 1 AND 4000),
    moderated_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
