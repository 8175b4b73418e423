-- CareLive Pass: accounts, sign-up, sessions, links sent by message, audit (SPEC 2, 3, 6, 9).
-- Portable between SQLite and PostgreSQL; times are Unix seconds; {{ID}} is dialect-specific.

CREATE TABLE accounts (
  id {{ID}},
  family_name TEXT NOT NULL,
  given_name TEXT NOT NULL,
  family_name_kana TEXT NOT NULL,
  given_name_kana TEXT NOT NULL,
  email TEXT UNIQUE,
  phone TEXT UNIQUE,
  password_hash TEXT NOT NULL,
  is_operator INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  CHECK (email IS NOT NULL OR phone IS NOT NULL)
);

-- Every password an account has had, including the current one (SPEC 6: refuse them all).
CREATE TABLE password_history (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  password_hash TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE INDEX password_history_account ON password_history(account_id);

-- 仮登録: one open attempt per login id; a new attempt replaces the old one (SPEC 2).
CREATE TABLE signups (
  id {{ID}},
  login_id TEXT NOT NULL,
  login_kind TEXT NOT NULL,
  family_name TEXT NOT NULL,
  given_name TEXT NOT NULL,
  family_name_kana TEXT NOT NULL,
  given_name_kana TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  completed_at BIGINT,
  account_id BIGINT REFERENCES accounts(id) ON DELETE SET NULL,
  after_confirm TEXT
);
CREATE INDEX signups_login_id ON signups(login_id);

-- Single-use links sent by message: password reset and contact (email/phone) change.
CREATE TABLE account_tokens (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  purpose TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  new_value TEXT,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  used_at BIGINT
);
CREATE INDEX account_tokens_account ON account_tokens(account_id, purpose);

CREATE TABLE sessions (
  id {{ID}},
  token_hash TEXT NOT NULL UNIQUE,
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  absolute_expires_at BIGINT NOT NULL,
  idle_timeout BIGINT NOT NULL,
  user_agent TEXT NOT NULL DEFAULT '',
  ip TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_account ON sessions(account_id);

-- Login throttling state per login id and per client address (SPEC "Rules that hold everywhere").
-- `version` makes every change a compare-and-set, so parallel attempts cannot slip past.
CREATE TABLE login_throttle (
  throttle_key TEXT PRIMARY KEY,
  version BIGINT NOT NULL DEFAULT 0,
  consecutive INTEGER NOT NULL DEFAULT 0,
  window_start BIGINT NOT NULL DEFAULT 0,
  window_count INTEGER NOT NULL DEFAULT 0,
  next_allowed_at BIGINT NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0
);

-- Messages are stored before they are sent and retried until delivered.
CREATE TABLE messages (
  id {{ID}},
  channel TEXT NOT NULL,
  recipient TEXT NOT NULL,
  subject TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at BIGINT NOT NULL,
  claimed_until BIGINT NOT NULL DEFAULT 0,
  sent_at BIGINT,
  last_error TEXT
);
CREATE INDEX messages_due ON messages(sent_at, next_attempt_at);

CREATE TABLE audit_log (
  id {{ID}},
  at BIGINT NOT NULL,
  account_id BIGINT,
  event TEXT NOT NULL,
  ip TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_account ON audit_log(account_id, at);
