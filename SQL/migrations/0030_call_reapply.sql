-- One live application per project and call, not one ever: an NGO that withdrew its application
-- may apply again with the same project while the call is open.
ALTER TABLE call_applications DROP CONSTRAINT call_applications_call_id_project_id_key;
CREATE UNIQUE INDEX call_applications_one_live ON call_applications (call_id, project_id) WHERE state <> 'withdrawn';
