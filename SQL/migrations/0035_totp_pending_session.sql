-- A second factor being set up belongs to the session that started it. That session is shown
-- the same key on a reload, in another tab or after a wrong code; any other session (someone
-- else who knew the password, or the person after a password reset) is given a new key, so a
-- key seen elsewhere never becomes the one confirmed.
ALTER TABLE people ADD COLUMN totp_pending_session uuid;
