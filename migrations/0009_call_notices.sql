-- Staff see the reach of a call (SPEC 13): which push notice told whom of a call. Portable SQL
-- (SQLite and PostgreSQL).

-- One row per device told that the call started: the account it belongs to and the message
-- (channel `push`) that carries the notice, whose sent_at / abandoned_at say how it went. No
-- foreign key to messages: a message may be purged before the call log is.
CREATE TABLE call_notices (
  call_id BIGINT NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  message_id BIGINT NOT NULL
);
CREATE INDEX call_notices_call ON call_notices(call_id);
