-- Personal data (SPEC 15, APPI Art. 35): a deleted Pass. The account row stays for the ids the
-- call log and the audit log hold, with its names, contact data and password gone (deleted_at
-- set); the links go, and each leaves a departure the facility sees as 「退会したユーザー」.
-- Portable SQL (SQLite and PostgreSQL).
ALTER TABLE accounts ADD COLUMN deleted_at BIGINT;

CREATE TABLE link_departures (
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  account_id BIGINT NOT NULL,
  kind TEXT NOT NULL,
  linked_at BIGINT NOT NULL,
  left_at BIGINT NOT NULL
);
CREATE INDEX link_departures_resident ON link_departures(resident_id);
