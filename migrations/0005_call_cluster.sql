-- Calls held by several server processes (SPEC 7, issue 4): the store, not a process's memory,
-- is where a call's state lives. Portable SQL (SQLite and PostgreSQL); times are Unix seconds.

-- Before this, call state lived in the server's memory: a call still open in the log was cut
-- short by a restart. Close those so that the unique index below can be built.
UPDATE call_participants SET left_at = joined_at WHERE left_at IS NULL;
UPDATE calls SET ended_at = COALESCE(
    (SELECT MAX(left_at) FROM call_participants p WHERE p.call_id = calls.id), started_at)
  WHERE ended_at IS NULL;

-- One open call per resident, whichever process starts it: the second INSERT fails.
CREATE UNIQUE INDEX calls_open_resident ON calls(resident_id) WHERE ended_at IS NULL;
-- One open participant row per account and call (a reload rejoins the same row).
CREATE UNIQUE INDEX call_participants_open ON call_participants(call_id, account_id)
  WHERE left_at IS NULL;

-- Bumped by every change of a call: nodes drop call events older than what they have seen.
ALTER TABLE calls ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
-- Which server process (node id) and which of its WebSocket connections speaks for the
-- participant; grace_until is set while that connection is gone (reconnect grace).
ALTER TABLE call_participants ADD COLUMN node TEXT;
ALTER TABLE call_participants ADD COLUMN conn BIGINT;
ALTER TABLE call_participants ADD COLUMN grace_until BIGINT;

-- Every node looks for graces that ran out once a second: only open rows in grace are indexed.
CREATE INDEX call_participants_grace ON call_participants(grace_until)
  WHERE left_at IS NULL AND grace_until IS NOT NULL;

-- Heartbeats of the server processes: the participants of a node that stopped beating (crash,
-- kill -9) are treated like closed connections by the nodes still running.
CREATE TABLE call_nodes (
  node TEXT PRIMARY KEY,
  seen_at BIGINT NOT NULL
);
