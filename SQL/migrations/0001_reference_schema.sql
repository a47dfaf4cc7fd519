-- Reference data: administrative units by KATO code, focus areas, legal forms.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The KATO code is AB CD EF HIJ: region, district, rural okrug, settlement. A unit's own code
-- is its prefix padded with zeros, so the prefix alone identifies its whole subtree.
CREATE FUNCTION kato_level(code text) RETURNS smallint
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT CASE
        WHEN substr(code, 3) = '0000000' THEN 1
        WHEN substr(code, 5) = '00000' THEN 2
        WHEN substr(code, 7) = '000' THEN 3
        ELSE 4
    END::smallint
$$;

-- The code itself and every unit above it, region first.
CREATE FUNCTION kato_ancestors(code text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    -- Padded prefixes sort before the codes under them, so this order runs from the region down.
    SELECT array_agg(DISTINCT ancestor ORDER BY ancestor)
    FROM (
        SELECT depth, rpad(substr(code, 1, prefix_length), 9, '0') AS ancestor
        FROM (VALUES (1, 2), (2, 4), (3, 6), (4, 9)) AS levels(depth, prefix_length)
        WHERE depth <= kato_level(code)
    ) AS chain
$$;

-- Every code in `codes` with all its ancestors: what a "region" filter matches against.
CREATE FUNCTION kato_scope(codes text[]) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT ancestor ORDER BY ancestor), '{}')
    FROM unnest(codes) AS code, unnest(kato_ancestors(code)) AS ancestor
$$;

CREATE TABLE regions (
    kato text PRIMARY KEY CHECK (kato ~ '^[0-9]{9}$'),
    parent_kato text REFERENCES regions (kato),
    level smallint NOT NULL GENERATED ALWAYS AS (kato_level(kato)) STORED,
    kind text NOT NULL CHECK (kind IN ('region', 'city', 'district', 'rural_okrug', 'settlement')),
    iso_code text,
    name_en text NOT NULL,
    name_ru text NOT NULL,
    name_kk text NOT NULL,
    center_en text,
    aliases text[] NOT NULL DEFAULT '{}',
    -- Whether the full code was seen in a published KATO table or derived from its prefix.
    code_source text NOT NULL DEFAULT 'verified' CHECK (code_source IN ('verified', 'prefix')),
    CHECK ((level = 1) = (parent_kato IS NULL)),
    CHECK (parent_kato IS NULL OR (parent_kato <> kato AND parent_kato = ANY (kato_ancestors(kato))))
);

CREATE TABLE focus_areas (
    code text PRIMARY KEY CHECK (code ~ '^[a-z][a-z_]*$'),
    name_en text NOT NULL,
    name_ru text NOT NULL,
    name_kk text NOT NULL,
    sdgs smallint[] NOT NULL CHECK (sdgs <@ ARRAY[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]::smallint[])
);

CREATE TABLE sdgs (
    goal smallint PRIMARY KEY CHECK (goal BETWEEN 1 AND 17),
    name_en text NOT NULL
);

CREATE TABLE legal_forms (
    code text PRIMARY KEY,
    organization_kind text NOT NULL CHECK (organization_kind IN ('business', 'ngo', 'government_body')),
    name_en text NOT NULL,
    name_ru text NOT NULL,
    name_kk text NOT NULL
);
