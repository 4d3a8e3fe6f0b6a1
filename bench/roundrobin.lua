-- wrk script for bench/wrk.py: requests the paths given after "--" in turn and prints
-- one machine-readable line with counts and latency percentiles (microseconds) at the end.
local paths = {}
local counter = 0
local threads_seen = 0

-- Runs in the main Lua state, once per thread: each thread starts at its own path so
-- every path is hit from the first second.
function setup(thread)
  thread:set("offset", threads_seen)
  threads_seen = threads_seen + 1
end

function init(args)
  for _, path in ipairs(args) do
    paths[#paths + 1] = path
  end
  if #paths == 0 then
    paths[1] = "/"
  end
  counter = (offset or 0) % #paths
end

function request()
  counter = counter + 1
  return wrk.format(nil, paths[(counter - 1) % #paths + 1])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH requests=%d duration_us=%d bytes=%d connect=%d read=%d write=%d status=%d timeout=%d"
      .. " p50_us=%d p95_us=%d p99_us=%d max_us=%d mean_us=%.1f\n",
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status,
    e.timeout, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, latency.mean))
end
