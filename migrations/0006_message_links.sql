-- No usable link in the database, and delivery that survives a crash (hardening issue 3, 7).
-- Portable SQL (SQLite and PostgreSQL); times are Unix seconds.

-- A body that holds a link (`token=`) is stored sealed with a key derived from the server
-- secret (notify/seal.hpp), `body` left empty; the sealed part is wiped once the message is
-- sent or given up.
ALTER TABLE messages ADD COLUMN sealed_body TEXT;
-- Which dispatcher (process start: host, boot, pid, start time) holds the claim, so a
-- restarted process on the same host releases the claims of its dead predecessor at once.
ALTER TABLE messages ADD COLUMN claimed_by TEXT;
-- Set when a message is given up for good (a link message not delivered within the link's
-- lifetime): it is no longer due.
ALTER TABLE messages ADD COLUMN abandoned_at BIGINT;

-- Links written before this: those already sent are of no use any more, wipe them; unsent ones
-- are still sent (and wiped then). Sign-ups keep the invite's hash, not its token, from now on;
-- a completed sign-up needs nothing more of it.
UPDATE messages SET body = '' WHERE sent_at IS NOT NULL AND body LIKE '%token=%';
UPDATE signups SET after_confirm = NULL WHERE completed_at IS NOT NULL;
