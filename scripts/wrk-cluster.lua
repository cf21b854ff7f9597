-- wrk: a support desk's mix through the cluster's load balancer, alternating triage of a stored ticket by id
-- (POST /v1/triage) and knowledge-base search (GET /v1/search, hybrid). LT_KEY is the API key; LT_IDS holds one
-- ticket id per line, LT_QUERIES one URL-encoded query per line; LT_START is the Unix time the run began (shared
-- with the script that kills a replica). Responses other than 2xx are counted per second since LT_START.
local key = os.getenv("LT_KEY")
local start = tonumber(os.getenv("LT_START"))
local ids, queries = {}, {}
for line in io.lines(os.getenv("LT_IDS")) do ids[#ids + 1] = line end
for line in io.lines(os.getenv("LT_QUERIES")) do queries[#queries + 1] = line end

local threads = {}
function setup(thread)
  thread:set("offset", #threads * 7)
  table.insert(threads, thread)
end

local sent = 0
failures = {}

request = function()
  sent = sent + 1
  local headers = { ["Authorization"] = "Bearer " .. key }
  if sent % 2 == 1 then
    headers["Content-Type"] = "application/json"
    local id = ids[(sent + offset) % #ids + 1]
    return wrk.format("POST", "/v1/triage", headers, '{"ticketID": "' .. id .. '"}')
  end
  return wrk.format("GET", "/v1/search?k=5&q=" .. queries[(sent + offset) % #queries + 1], headers)
end

response = function(status, headers, body)
  if status < 200 or status > 299 then
    local second = tostring(os.time() - start)
    failures[second] = (failures[second] or 0) + 1
  end
end

done = function(summary, latency, requests)
  local all = {}
  for _, thread in ipairs(threads) do
    for second, count in pairs(thread:get("failures")) do all[second] = (all[second] or 0) + count end
  end
  local parts = {}
  for second, count in pairs(all) do parts[#parts + 1] = string.format('"%s": %d', second, count) end
  io.write(string.format('WRK_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "socket_errors": %d, "non2xx": %d, '
    .. '"p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, "max_ms": %.3f, "failures_by_second": {%s}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout, summary.errors.status,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    table.concat(parts, ", ")))
end
