-- CareLive video calls (SPEC 7): the call log per resident and who took part, when.
-- Portable SQL; {{ID}} is dialect-specific; times are Unix seconds.

CREATE TABLE calls (
  id {{ID}},
  facility_id BIGINT NOT NULL REFERENCES facilities(id),
  resident_id BIGINT NOT NULL REFERENCES residents(id),
  started_by BIGINT NOT NULL REFERENCES accounts(id),
  started_at BIGINT NOT NULL,
  ended_at BIGINT
);
CREATE INDEX calls_resident ON calls(resident_id, started_at);
CREATE INDEX calls_facility ON calls(facility_id, started_at);

CREATE TABLE call_participants (
  id {{ID}},
  call_id BIGINT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  account_id BIGINT NOT NULL REFERENCES accounts(id),
  joined_at BIGINT NOT NULL,
  left_at BIGINT
);
CREATE INDEX call_participants_call ON call_participants(call_id);
