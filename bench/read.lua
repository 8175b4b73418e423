-- wrk script: plain GET of the URL given to wrk, with an optional Cookie header.
-- Used for the authenticated GET /api/v1/account (BENCH_COOKIE = carelive_session=…;
-- carelive_csrf=…, as a browser sends them) and for nginx's static file (no cookie).
--
-- Paced mode: with BENCH_RATE (total requests/s) and BENCH_CONNECTIONS (wrk's -c) set, each
-- connection waits before each request so that all of them together send about BENCH_RATE
-- requests/s (closed loop with think time: the answer time comes on top, so the rate reached
-- is a little lower; run.sh reports the rate reached). wrk's delay() takes whole
-- milliseconds, so the wait is rounded up or down at random to keep the mean exact.
local cookie = os.getenv("BENCH_COOKIE")
if cookie ~= nil and cookie ~= "" then wrk.headers["Cookie"] = cookie end
wrk.headers["Accept"] = "application/json"
wrk.headers["User-Agent"] = "carelive-bench (wrk)"

local rate = tonumber(os.getenv("BENCH_RATE") or "")
local connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "")
if rate and rate > 0 and connections and connections > 0 then
  local interval_ms = connections * 1000 / rate
  local whole = math.floor(interval_ms)
  local frac = interval_ms - whole
  math.randomseed(os.time())
  function delay()
    if math.random() < frac then return whole + 1 end
    return whole
  end
end

dofile(os.getenv("BENCH_DIR") .. "/report.lua")
