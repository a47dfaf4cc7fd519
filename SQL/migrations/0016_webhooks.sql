-- Webhooks for integrations: an organization's endpoints, one delivery per endpoint for each event
-- of its partnerships (queued by trigger in the event's transaction), and every attempt.

CREATE TABLE webhooks (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    url text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    -- The HMAC key deliveries are signed with; shown to the owner once, when the webhook is made.
    secret text NOT NULL CHECK (length(secret) >= 32),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    disabled_at timestamptz
);
CREATE INDEX webhooks_organization ON webhooks (organization_id) WHERE disabled_at IS NULL;

CREATE TABLE webhook_deliveries (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    webhook_id uuid NOT NULL REFERENCES webhooks (id),
    event_id bigint NOT NULL REFERENCES partnership_events (id),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    attempts integer NOT NULL DEFAULT 0,
    next_attempt_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    delivered_at timestamptz,
    -- Set once the attempts are spent without a 2xx; a replay clears it.
    failed_at timestamptz,
    last_status integer,
    last_error text
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE delivered_at IS NULL AND failed_at IS NULL;
CREATE INDEX webhook_deliveries_webhook ON webhook_deliveries (webhook_id, id DESC);

CREATE TABLE webhook_attempts (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id bigint NOT NULL REFERENCES webhook_deliveries (id),
    at timestamptz NOT NULL DEFAULT clock_timestamp(),
    -- The receiver's status; null when no response came (refused, timed out, blocked address).
    status integer,
    error text,
    duration_ms integer NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

-- Each event goes to every live webhook of the three parties, the acting one's included.
CREATE FUNCTION queue_webhook_deliveries() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (webhook_id, event_id, created_at, next_attempt_at)
    SELECT w.id, NEW.id, NEW.at, clock_timestamp()
    FROM partnerships p
    JOIN webhooks w ON w.organization_id IN (p.ngo_id, p.business_id, p.government_body_id) AND w.disabled_at IS NULL
    WHERE p.id = NEW.partnership_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER partnership_events_webhooks
    AFTER INSERT ON partnership_events FOR EACH ROW EXECUTE FUNCTION queue_webhook_deliveries();
