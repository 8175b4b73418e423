-- CareLive Live: facilities, residents, staff, invites, applications, links, terms, announcements
-- (SPEC 1, 3, 4, 5, 8, 10, 11). Portable SQL; {{ID}} is dialect-specific; times are Unix seconds.

CREATE TABLE facilities (
  id {{ID}},
  code TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  closed_at BIGINT
);

CREATE TABLE residents (
  id {{ID}},
  facility_id BIGINT NOT NULL REFERENCES facilities(id),
  family_name TEXT NOT NULL,
  given_name TEXT NOT NULL,
  family_name_kana TEXT NOT NULL,
  given_name_kana TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  discharged_at BIGINT
);
CREATE INDEX residents_facility ON residents(facility_id);

-- Staff membership of a Pass account in a facility; is_admin = facility admin (SPEC People).
CREATE TABLE staff (
  id {{ID}},
  facility_id BIGINT NOT NULL REFERENCES facilities(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  is_admin INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  UNIQUE (facility_id, account_id)
);
CREATE INDEX staff_account ON staff(account_id);

-- The per-resident application URL behind the QR code. The token is derived from a server
-- secret and the nonce (so staff can show it again) and looked up by its hash.
CREATE TABLE invites (
  id {{ID}},
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  nonce TEXT NOT NULL,
  token_hash TEXT NOT NULL UNIQUE,
  created_at BIGINT NOT NULL,
  revoked_at BIGINT
);
CREATE INDEX invites_resident ON invites(resident_id);

CREATE TABLE applications (
  id {{ID}},
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  decided_at BIGINT,
  decided_by BIGINT
);
-- SPEC 1.4: applying twice for the same resident keeps one pending application.
CREATE UNIQUE INDEX applications_one_pending ON applications(resident_id, account_id)
  WHERE status = 'pending';
CREATE INDEX applications_resident ON applications(resident_id, status);

-- An approved relation account ↔ resident, with the relationship of SPEC 5.
CREATE TABLE links (
  id {{ID}},
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  kind TEXT NOT NULL,
  relationship TEXT,
  office_name TEXT,
  office_name_kana TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  UNIQUE (resident_id, account_id)
);
CREATE INDEX links_account ON links(account_id);

CREATE TABLE terms_versions (
  id {{ID}},
  version INTEGER NOT NULL UNIQUE,
  body TEXT NOT NULL,
  published_at BIGINT NOT NULL
);

-- Which account agreed to which terms version, and when (SPEC 4).
CREATE TABLE consents (
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  terms_version_id BIGINT NOT NULL REFERENCES terms_versions(id),
  agreed_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, terms_version_id)
);

CREATE TABLE announcements (
  id {{ID}},
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  published_at BIGINT NOT NULL
);
CREATE INDEX announcements_published ON announcements(published_at);

CREATE TABLE announcement_reads (
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  announcement_id BIGINT NOT NULL REFERENCES announcements(id) ON DELETE CASCADE,
  read_at BIGINT NOT NULL,
  PRIMARY KEY (account_id, announcement_id)
);

-- Values the server records for the admin command, e.g. the public URL links are built from.
CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
