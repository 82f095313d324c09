-- 50 "viewers" over the overview, an indicator page and the values API.
-- Session cookie and API token come from the environment (set by run.py).
local sid = os.getenv("LOAD_SESSION")
local token = os.getenv("LOAD_TOKEN")
local indicator = os.getenv("LOAD_INDICATOR") or "DVC-SVC-RATE"
local n = 0

request = function()
  n = n + 1
  local k = n % 3
  if k == 0 then
    return wrk.format("GET", "/", { ["Cookie"] = "sessionid=" .. sid })
  elseif k == 1 then
    return wrk.format("GET", "/indicators/" .. indicator .. "/", { ["Cookie"] = "sessionid=" .. sid })
  else
    return wrk.format("GET", "/api/v1/values/?indicator=" .. indicator .. "&limit=500",
      { ["Authorization"] = "Token " .. token })
  end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, ' ..
    '"max_us": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "non_2xx_3xx": %d, "timeouts": %d}\n',
    summary.requests, summary.duration, summary.bytes, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, e.connect, e.read, e.write, e.status, e.timeout))
end
