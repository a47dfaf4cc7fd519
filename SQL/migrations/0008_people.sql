-- People who sign in, their roles in organizations, server-side sessions, sign-in throttling,
-- invitations, password resets and the mail outbox.
--
-- Every secret handed to a browser or a mailbox (session, invitation and reset tokens) is stored
-- only as its SHA-256: a copy of this database signs nobody in.

CREATE TABLE people (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    -- Kept as typed; unique and looked up case-insensitively through people_email.
    email text NOT NULL CHECK (email = btrim(email) AND length(email) BETWEEN 3 AND 254 AND position('@' IN email) > 1),
    display_name text NOT NULL CHECK (length(btrim(display_name)) BETWEEN 1 AND 200),
    -- bcrypt, cost 12 or more.
    password_hash text NOT NULL,
    -- The TOTP shared secret; set (unconfirmed) when enrollment starts, enabled when a code confirms it.
    totp_secret text,
    totp_enabled boolean NOT NULL DEFAULT false,
    -- The last accepted TOTP time step: a code is accepted once.
    totp_last_step bigint,
    is_admin boolean NOT NULL DEFAULT false,
    language text NOT NULL DEFAULT 'kk' CHECK (language IN ('kk', 'ru', 'en')),
    created_at timestamptz NOT NULL DEFAULT now(),
    disabled boolean NOT NULL DEFAULT false,
    CHECK (NOT totp_enabled OR totp_secret IS NOT NULL)
);
CREATE UNIQUE INDEX people_email ON people (lower(email));

CREATE TABLE memberships (
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    organization_id uuid NOT NULL REFERENCES organizations (id),
    role text NOT NULL CHECK (role IN ('owner', 'member', 'viewer')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (person_id, organization_id)
);
CREATE INDEX memberships_organization ON memberships (organization_id, role);

CREATE TABLE sessions (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    -- Absolute: the session ends then however active it is.
    expires_at timestamptz NOT NULL,
    -- Sliding: moved forward as the session is used (at most once a minute).
    idle_expires_at timestamptz NOT NULL,
    -- True while a TOTP code (or enrollment) is still owed: such a session carries no rights.
    second_factor_pending boolean NOT NULL DEFAULT false,
    acting_organization_id uuid REFERENCES organizations (id),
    user_agent text NOT NULL DEFAULT '' CHECK (length(user_agent) <= 512),
    address text NOT NULL DEFAULT '' CHECK (length(address) <= 64)
);
CREATE INDEX sessions_person ON sessions (person_id);
CREATE INDEX sessions_expiry ON sessions (expires_at);

-- Failed sign-ins (wrong password, unknown email, wrong TOTP code), for throttling per account
-- and per address. Old rows are only read within the throttling window and pruned on write.
CREATE TABLE sign_in_failures (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    -- lower(email) as typed, known or not.
    email text NOT NULL,
    address text NOT NULL,
    at timestamptz NOT NULL
);
CREATE INDEX sign_in_failures_email ON sign_in_failures (email, at);
CREATE INDEX sign_in_failures_address ON sign_in_failures (address, at);

CREATE TABLE invitations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    email text NOT NULL,
    role text NOT NULL CHECK (role IN ('owner', 'member', 'viewer')),
    invited_by uuid REFERENCES people (id) ON DELETE SET NULL,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    accepted_by uuid REFERENCES people (id) ON DELETE SET NULL
);
CREATE INDEX invitations_organization ON invitations (organization_id, created_at);

CREATE TABLE password_resets (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    token_hash bytea NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    person_id uuid NOT NULL REFERENCES people (id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    used_at timestamptz
);
CREATE INDEX password_resets_person ON password_resets (person_id, created_at);

-- Mail is written here in the transaction that decides to send it, and delivered afterwards by
-- MailDeliveryService: a crash or a relay outage delays a message, never loses it.
CREATE TABLE mail_outbox (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    recipient text NOT NULL,
    subject text NOT NULL,
    body text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT now(),
    sent_at timestamptz,
    -- 'smtp', or 'log' when no relay was configured and the message went to the service log.
    delivered_via text CHECK (delivered_via IN ('smtp', 'log')),
    last_error text
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL;
