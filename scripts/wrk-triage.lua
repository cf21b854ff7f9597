-- wrk: POST /v1/triage with the API key from LT_KEY, cycling through the request bodies in LT_BODIES (one JSON
-- object per line: the demo tickets' texts, or their ids), so every request routes a real ticket.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. os.getenv("LT_KEY")

local bodies = {}
for line in io.lines(os.getenv("LT_BODIES")) do bodies[#bodies + 1] = line end
local next_body = 0

request = function()
  next_body = next_body % #bodies + 1
  return wrk.format(nil, nil, nil, bodies[next_body])
end

done = function(summary, latency, requests)
  io.write(string.format('WRK_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "errors": %d, "non2xx": %d, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
