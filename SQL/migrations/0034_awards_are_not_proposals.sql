-- A call's award is nobody's proposal: its parties did not receive it and answer nothing, so it
-- counts in none of their response rates (the track record the matching engine reads).
CREATE OR REPLACE FUNCTION partnership_answer(p partnerships, subject uuid)
RETURNS TABLE (received boolean, consented boolean)
LANGUAGE sql IMMUTABLE AS $$
    SELECT subject IN (p.ngo_id, p.business_id, p.government_body_id) AND p.proposed_by IS DISTINCT FROM subject
            AND p.call_id IS NULL,
        coalesce(CASE subject
            WHEN p.ngo_id THEN p.ngo_consent
            WHEN p.business_id THEN p.business_consent
            WHEN p.government_body_id THEN p.government_consent
        END, false) OR p.submitted_at IS NOT NULL
$$;

-- The awards made before this: their parties' counts again.
SELECT refresh_partnership_stats(ARRAY(
    SELECT DISTINCT party FROM partnerships p
    CROSS JOIN LATERAL unnest(ARRAY[p.ngo_id, p.government_body_id, p.project_id]) AS party
    WHERE p.call_id IS NOT NULL
    UNION
    SELECT f.organization_id FROM partnership_funders f
));
