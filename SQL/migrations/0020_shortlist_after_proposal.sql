-- A project a business proposes a partnership for leaves its shortlist: from then on it is among
-- the business's partnerships, where its next step is shown.
CREATE FUNCTION shortlist_forget_proposed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM project_shortlists WHERE organization_id = NEW.business_id AND project_id = NEW.project_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER partnerships_leave_shortlist
    AFTER INSERT ON partnerships FOR EACH ROW EXECUTE FUNCTION shortlist_forget_proposed();
