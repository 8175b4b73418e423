-- wrk script: POST /api/v1/login with the right password, as the web app sends it
-- (JSON body, CSRF double-submit cookie + X-CSRF-Token header). Set by bench/run.sh:
--   BENCH_DIR, BENCH_LOGIN_ID, BENCH_PASSWORD, BENCH_CSRF
local function need(name)
  local v = os.getenv(name)
  if v == nil or v == "" then error(name .. " is not set (run bench/run.sh)") end
  return v
end
local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

local csrf = need("BENCH_CSRF")
wrk.method = "POST"
wrk.body = '{"login_id":' .. json_string(need("BENCH_LOGIN_ID")) ..
           ',"password":' .. json_string(need("BENCH_PASSWORD")) .. '}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Cookie"] = "carelive_csrf=" .. csrf
wrk.headers["X-CSRF-Token"] = csrf
wrk.headers["User-Agent"] = "carelive-bench (wrk)"

-- Every answer but 200 is a failure of the benchmark: show the first few of each thread
-- (status and body; wrk counts them too, as "Non-2xx or 3xx responses").
local shown = 0
function response(status, headers, body)
  if status ~= 200 and shown < 5 then
    shown = shown + 1
    io.write(string.format("BENCH_BAD_ANSWER %d %s\n", status, (body or ""):sub(1, 300)))
  end
end

dofile(need("BENCH_DIR") .. "/report.lua")
