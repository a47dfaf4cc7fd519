-- Businesses, NGOs and government bodies.
CREATE TABLE organizations (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind text NOT NULL CHECK (kind IN ('business', 'ngo', 'government_body')),
    bin text NOT NULL UNIQUE CHECK (bin ~ '^[0-9]{12}$'),
    legal_form text NOT NULL REFERENCES legal_forms (code),
    name_kk text,
    name_ru text,
    name_en text,
    description text NOT NULL DEFAULT '',
    website text,
    contact_email text,
    contact_phone text,
    nationwide boolean NOT NULL DEFAULT false,
    regions text[] NOT NULL DEFAULT '{}',
    region_scope text[] NOT NULL GENERATED ALWAYS AS (kato_scope(regions)) STORED,
    focus_areas text[] NOT NULL DEFAULT '{}',
    seeking text[] NOT NULL DEFAULT '{}',
    -- Capacity; which fields apply depends on the kind.
    annual_csr_budget_kzt bigint CHECK (annual_csr_budget_kzt >= 0),
    max_active_partnerships integer CHECK (max_active_partnerships >= 0),
    annual_budget_kzt bigint CHECK (annual_budget_kzt >= 0),
    staff_count integer CHECK (staff_count >= 0),
    founded_year integer CHECK (founded_year BETWEEN 1900 AND 2100),
    jurisdiction text REFERENCES regions (kato),
    level text CHECK (level IN ('region', 'city', 'district', 'national')),
    active boolean NOT NULL DEFAULT true,
    deactivated_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    search tsvector NOT NULL GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(name_kk, '') || ' ' || coalesce(name_ru, '') || ' ' || coalesce(name_en, '')), 'A')
        || setweight(to_tsvector('russian', coalesce(name_ru, '') || ' ' || coalesce(name_kk, '')), 'A')
        || setweight(to_tsvector('english', coalesce(name_en, '')), 'A')
        || setweight(to_tsvector('simple', description), 'B')
        || setweight(to_tsvector('russian', description), 'B')
        || setweight(to_tsvector('english', description), 'B')
    ) STORED,
    CHECK (coalesce(name_kk, name_ru, name_en) IS NOT NULL),
    CHECK (active = (deactivated_at IS NULL)),
    CHECK (kind = 'business' OR (annual_csr_budget_kzt IS NULL AND max_active_partnerships IS NULL)),
    CHECK (kind = 'ngo' OR (annual_budget_kzt IS NULL AND staff_count IS NULL AND founded_year IS NULL)),
    CHECK ((kind = 'government_body') = (jurisdiction IS NOT NULL AND level IS NOT NULL)),
    CHECK (kind = 'government_body' OR (jurisdiction IS NULL AND level IS NULL))
);

-- Newest first is the listing order; the id breaks ties so a cursor is exact.
CREATE INDEX organizations_listing ON organizations (created_at DESC, id DESC);
CREATE INDEX organizations_kind_listing ON organizations (kind, created_at DESC, id DESC);
CREATE INDEX organizations_region_scope ON organizations USING gin (region_scope);
CREATE INDEX organizations_focus_areas ON organizations USING gin (focus_areas);
CREATE INDEX organizations_seeking ON organizations USING gin (seeking);
CREATE INDEX organizations_search ON organizations USING gin (search);
