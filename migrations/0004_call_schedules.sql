-- Scheduled video calls (SPEC 7): staff set the date and time of a resident's call and who is
-- invited; families see the next one on home and get a reminder message beforehand.
-- Portable SQL; {{ID}} is dialect-specific; times are Unix seconds (UTC).

CREATE TABLE call_schedules (
  id {{ID}},
  facility_id BIGINT NOT NULL REFERENCES facilities(id),
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  starts_at BIGINT NOT NULL,
  note TEXT NOT NULL DEFAULT '',
  created_by BIGINT NOT NULL REFERENCES accounts(id),
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  cancelled_at BIGINT,
  -- Set once by the reminder scan (compare-and-set); cleared when the time is changed.
  reminded_at BIGINT
);
-- A resident's calls by time: the next call of a family member, the 15-minute conflict check.
CREATE INDEX call_schedules_resident ON call_schedules(resident_id, starts_at);
-- The staff list of one facility.
CREATE INDEX call_schedules_facility ON call_schedules(facility_id, starts_at);
-- The reminder scan: only calls still waiting for their reminder.
CREATE INDEX call_schedules_due ON call_schedules(starts_at)
  WHERE reminded_at IS NULL AND cancelled_at IS NULL;

-- Who is invited ("who" of SPEC 7): linked people of the resident chosen by staff.
CREATE TABLE call_schedule_invitees (
  schedule_id BIGINT NOT NULL REFERENCES call_schedules(id) ON DELETE CASCADE,
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  PRIMARY KEY (schedule_id, account_id)
);
-- "The next call of account X": from the account to its schedules.
CREATE INDEX call_schedule_invitees_account ON call_schedule_invitees(account_id, schedule_id);
