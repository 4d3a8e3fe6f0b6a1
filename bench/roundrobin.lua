-- wrk script for bench/wrk.py: requests the paths given after "--" in turn and prints
-- one machine-readable line with counts and latency percentiles (microseconds) at the end.
--
-- With "--once <threads>" before the paths, each path is requested only once: thread k
-- takes paths k, k + threads, … and stops when it has all its answers (for cold runs,
-- where a repeated URL would be served from the cache).
local paths = {}
local counter = 0
local received = 0
local threads_seen = 0

-- Runs in the main Lua state, once per thread: each thread starts at its own path so
-- every path is hit from the first second.
function setup(thread)
  thread:set("offset", threads_seen)
  threads_seen = threads_seen + 1
end

function init(args)
  local first, once, threads = 1, false, 1
  if args[1] == "--once" then
    once, threads, first = true, tonumber(args[2]), 3
  end
  local all = {}
  for i = first, #args do
    all[#all + 1] = args[i]
  end
  if #all == 0 then
    all[1] = "/"
  end
  if once then
    for i = (offset or 0) + 1, #all, threads do
      paths[#paths + 1] = all[i]
    end
    if #paths == 0 then
      paths[1] = all[1]
    end
    response = function()
      received = received + 1
      if received == #paths then
        io.write("STOPPED\n")
        io.stdout:flush()
        wrk.thread:stop()
      end
    end
  else
    paths = all
    counter = (offset or 0) % #paths
  end
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
