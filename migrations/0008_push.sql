-- Web Push (SPEC 13): the devices of an account that turned on 「通知を受け取る」. Portable SQL
-- (SQLite and PostgreSQL); times are Unix seconds.

-- One browser's PushSubscription (docs/api.md "Push"). The endpoint is the push service's URL
-- for that browser (unique: a browser that subscribes again under another account moves it);
-- p256dh and auth are its keys (base64url) that every message is encrypted for. session_id:
-- the session that subscribed, so the device list can say which device it is.
CREATE TABLE push_subscriptions (
  id {{ID}},
  account_id BIGINT NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
  session_id BIGINT,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  user_agent TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL
);
CREATE INDEX push_subscriptions_account ON push_subscriptions(account_id);
