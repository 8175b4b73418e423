-- A facility admin no longer attaches an account as staff: the person is invited and accepts
-- (hardening issue 4). Portable SQL (SQLite and PostgreSQL); times are Unix seconds.

-- One invitation to be staff of a facility. Names and login id are what the admin typed; the
-- console shows only those, never the account's own data. An account made by the invitation
-- (no password yet) accepts by setting its password through the welcome link and has no token
-- here; an existing account gets a 24-hour link (hash only) to accept after logging in.
CREATE TABLE staff_invitations (
  id {{ID}},
  facility_id BIGINT NOT NULL REFERENCES facilities(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  family_name TEXT NOT NULL,
  given_name TEXT NOT NULL,
  family_name_kana TEXT NOT NULL,
  given_name_kana TEXT NOT NULL,
  login_id TEXT NOT NULL,
  is_admin INTEGER NOT NULL DEFAULT 0,
  token_hash TEXT UNIQUE,
  new_account INTEGER NOT NULL DEFAULT 0,
  invited_by BIGINT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  accepted_at BIGINT,
  declined_at BIGINT,
  revoked_at BIGINT
);
CREATE INDEX staff_invitations_facility ON staff_invitations(facility_id);
CREATE INDEX staff_invitations_account ON staff_invitations(account_id);

-- The login id whoever added the member typed (admin command, operator, invitation); the staff
-- console shows this rather than the account's current contact. Empty for members added before.
ALTER TABLE staff ADD COLUMN invited_as TEXT;
