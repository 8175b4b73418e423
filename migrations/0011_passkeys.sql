-- Passkeys (WebAuthn, SPEC 15): an account's registered credentials, and the challenges already
-- answered. Portable SQL (SQLite and PostgreSQL).

-- One row per registered passkey. credential_id and public_key are base64url (the key in
-- libfido2's form for its COSE algorithm); sign_count is the last one the authenticator gave
-- (a count that does not grow is refused). user_agent names the device it was made on.
CREATE TABLE passkeys (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  credential_id TEXT NOT NULL UNIQUE,
  algorithm INTEGER NOT NULL,
  public_key TEXT NOT NULL,
  sign_count BIGINT NOT NULL DEFAULT 0,
  synced INTEGER NOT NULL DEFAULT 0,
  user_agent TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  last_used_at BIGINT
);
CREATE INDEX passkeys_account ON passkeys(account_id);

-- Challenges are made without a row (random, with their expiry and purpose under a MAC keyed
-- from the server secret); each is written here when it is answered, so it is answered once.
-- Rows past expires_at are useless and deleted as new ones come.
CREATE TABLE webauthn_challenges_used (
  challenge_hash TEXT PRIMARY KEY,
  expires_at BIGINT NOT NULL
);
CREATE INDEX webauthn_challenges_used_expiry ON webauthn_challenges_used(expires_at);
