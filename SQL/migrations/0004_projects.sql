-- Social projects proposed by NGOs.
CREATE TABLE projects (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid NOT NULL REFERENCES organizations (id),
    title_kk text,
    title_ru text,
    title_en text,
    summary_kk text,
    summary_ru text,
    summary_en text,
    focus_areas text[] NOT NULL DEFAULT '{}',
    regions text[] NOT NULL DEFAULT '{}',
    region_scope text[] NOT NULL GENERATED ALWAYS AS (kato_scope(regions)) STORED,
    funding_needed_kzt bigint NOT NULL CHECK (funding_needed_kzt >= 0),
    in_kind_needs text[] NOT NULL DEFAULT '{}',
    duration_months integer NOT NULL CHECK (duration_months BETWEEN 1 AND 36),
    beneficiaries integer NOT NULL DEFAULT 0 CHECK (beneficiaries >= 0),
    status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'open', 'funded', 'closed')),
    created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    updated_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    search tsvector NOT NULL GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', coalesce(title_kk, '') || ' ' || coalesce(title_ru, '') || ' ' || coalesce(title_en, '')), 'A')
        || setweight(to_tsvector('russian', coalesce(title_ru, '') || ' ' || coalesce(title_kk, '')), 'A')
        || setweight(to_tsvector('english', coalesce(title_en, '')), 'A')
        || setweight(to_tsvector('simple', coalesce(summary_kk, '') || ' ' || coalesce(summary_ru, '') || ' ' || coalesce(summary_en, '')), 'B')
        || setweight(to_tsvector('russian', coalesce(summary_ru, '') || ' ' || coalesce(summary_kk, '')), 'B')
        || setweight(to_tsvector('english', coalesce(summary_en, '')), 'B')
    ) STORED,
    CHECK (coalesce(title_kk, title_ru, title_en) IS NOT NULL),
    CHECK (cardinality(regions) > 0)
);

CREATE INDEX projects_listing ON projects (created_at DESC, id DESC);
CREATE INDEX projects_status_listing ON projects (status, created_at DESC, id DESC);
CREATE INDEX projects_organization ON projects (organization_id, created_at DESC, id DESC);
CREATE INDEX projects_region_scope ON projects USING gin (region_scope);
CREATE INDEX projects_focus_areas ON projects USING gin (focus_areas);
CREATE INDEX projects_search ON projects USING gin (search);
