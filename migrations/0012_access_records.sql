-- Access records (SPEC 15, MHLW guideline 6.0): the audit log says which facility and which
-- resident each row concerns, so a facility admin searches its own rows by resident, person,
-- event and period, newest first, a page at a time, over millions of rows. Portable SQL
-- (SQLite and PostgreSQL).
ALTER TABLE audit_log ADD COLUMN facility_id BIGINT;
ALTER TABLE audit_log ADD COLUMN resident_id BIGINT;

-- Each search walks one of these from its newest end: (at, id) is the page order.
CREATE INDEX audit_log_facility_at ON audit_log(facility_id, at, id);
CREATE INDEX audit_log_resident_at ON audit_log(resident_id, at, id);
CREATE INDEX audit_log_at ON audit_log(at, id);
DROP INDEX audit_log_account;
CREATE INDEX audit_log_account_at ON audit_log(account_id, at, id);
