-- wrk script for bench/load.py.
-- Paths given after "--" are requested in turn, so consecutive requests ask for different
-- pages; with none, every request goes to the URL on the command line.
-- At the end it prints one "wrk-result key=value ..." line that load.py reads.

local paths = {}
local next_index = 1
local threads_set_up = 0

function setup(thread)
  -- Each thread starts at its own place in the list, so threads do not ask in step.
  thread:set("start_offset", threads_set_up)
  threads_set_up = threads_set_up + 1
end

function init(args)
  for i = 1, #args do
    paths[i] = args[i]
  end
  if #paths > 0 then
    next_index = (start_offset or 0) % #paths + 1
  end
end

function request()
  if #paths == 0 then
    return wrk.request()
  end
  local path = paths[next_index]
  next_index = next_index % #paths + 1
  return wrk.format("GET", path)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    "wrk-result requests=%d duration_us=%d mean_us=%.0f p50_us=%d p99_us=%d " ..
    "non_2xx_3xx=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
    summary.requests, summary.duration, latency.mean,
    latency:percentile(50), latency:percentile(99),
    errors.status, errors.connect, errors.read, errors.write, errors.timeout
  ))
end
