-- Two-step sign-in (SPEC 15): TOTP and recovery codes, and how far a session's sign-in got.
-- Portable SQL (SQLite and PostgreSQL).

-- 'full', or, for the minutes between the password and the second step, 'second_factor' (the
-- code is due) or 'setup' (a second factor must be set up first). Existing sessions are full.
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT 'full';

-- An account's authenticator app. The secret is sealed with a key derived from the server
-- secret (not in the database). confirmed_at is NULL while it is being set up (the QR code was
-- shown, no code typed yet); such a row is no second factor. last_step: the last RFC 6238 time
-- step accepted, so a code is taken once.
CREATE TABLE totp_factors (
  account_id BIGINT PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
  secret_sealed TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  confirmed_at BIGINT,
  last_step BIGINT NOT NULL DEFAULT 0
);

-- Single-use recovery codes, shown once; kept as keyed hashes (core::keyed_hash).
CREATE TABLE recovery_codes (
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  code_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  used_at BIGINT,
  PRIMARY KEY (account_id, code_hash)
);
