-- wrk script: POSTs real bounce messages to /v1/decode, one after another, each connection
-- starting at a different message so that all of them are in flight at once.
-- Usage: wrk ... -s decode.lua URL -- LIST_FILE [QUERY]
--   LIST_FILE  one message path per line
--   QUERY      appended to /v1/decode, e.g. "?store=1"
-- done() prints one line for bench/load.sh:
--   "result requests requests_per_s p50_ms p99_ms non_2xx socket_errors"

local bodies = {}
local next_body = 1
local path = "/v1/decode"
local headers = { ["Content-Type"] = "message/rfc822" }
local thread_count = 0

local function read_file(name)
  local file = assert(io.open(name, "rb"))
  local data = file:read("*a")
  file:close()
  return data
end

function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  local list = assert(io.open(args[1], "r"))
  for name in list:lines() do
    if name ~= "" then bodies[#bodies + 1] = read_file(name) end
  end
  list:close()
  assert(#bodies > 0, "no messages listed in " .. args[1])
  if args[2] then path = path .. args[2] end
  -- Threads start far apart in the list, so they do not post the same message at the same time.
  next_body = ((id or 0) * 7919) % #bodies + 1
end

function request()
  local body = bodies[next_body]
  next_body = next_body % #bodies + 1
  return wrk.format("POST", path, headers, body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("result %d %.0f %.2f %.2f %d %d\n",
    summary.requests,
    summary.requests / seconds,
    latency:percentile(50) / 1000,
    latency:percentile(99) / 1000,
    e.status,
    e.connect + e.read + e.write + e.timeout))
end
