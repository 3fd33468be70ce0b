-- wrk script of `make bench`: GET /v1/lookup spread over random merchant keys and codes.
--
--   wrk ... -s bench/lookup.lua URL -- KEYS_FILE CODES_FILE SEED
--
-- KEYS_FILE: line i is the credential `uck_<i>_<secret>` of key id i (bench/run issues them).
-- CODES_FILE: `code<TAB>key id` per line, the code exactly as a terminal would send it, with the
-- key it goes with. bench/run writes it from the loaded registry in the intended proportions
-- (~90 % active cards with a key of a partner whose agreements cover the member, some of them as
-- Vpoint codes in mixed case or with a dash; ~2 % active cards with a random key; ~3 % replaced /
-- lost / revoked; ~5 % unknown), so a uniform pick of a line gives that mix. pgbench draws from
-- the same list (table bench_codes).
-- The same script also drives the C anchor, so the load generator spends the same CPU per
-- request in both runs.

local keys, codes, code_keys = {}, {}, {}
local thread_counter = 0

local function read_lines(path, each)
  local file = assert(io.open(path, "r"), "cannot open " .. path)
  for line in file:lines() do
    if #line > 0 then each(line) end
  end
  file:close()
end

-- Runs in the main Lua state once per thread: give each thread its own random seed.
function setup(thread)
  thread_counter = thread_counter + 1
  thread:set("thread_index", thread_counter)
end

function init(args)
  read_lines(args[1], function(line) keys[#keys + 1] = line end)
  read_lines(args[2], function(line)
    local code, key_id = line:match("^([^\t]+)\t(%d+)$")
    assert(code, "bad line in " .. args[2] .. ": " .. line)
    codes[#codes + 1] = code
    code_keys[#code_keys + 1] = tonumber(key_id)
  end)
  assert(#keys > 0 and #codes > 0, "empty keys or codes file")
  local seed = tonumber(args[3] or "1") or 1
  math.randomseed(seed * 1000 + (thread_index or 0))
end

-- 70 % of the requests carry a purchase amount (whole VND, 10,000 … 3,000,000), the rest not:
-- both branches of the discount computation are exercised.
function request()
  local i = math.random(#codes)
  local code, key = codes[i], keys[code_keys[i]]
  local path = "/v1/lookup?code=" .. code
  if math.random(100) <= 70 then
    path = path .. "&amount=" .. (math.random(1, 300) * 10000)
  end
  return wrk.format("GET", path, { ["Authorization"] = "Bearer " .. key })
end

-- One machine-readable line for bench/run (latencies in microseconds). errors.status counts
-- answers that were not 2xx/3xx: for unioncardd every evaluated lookup, denials included, is 200.
-- The latency percentile grid lets bench/run pool several slices of one run.
local grid = { 1, 5, 10, 25, 50, 75, 90, 95, 98, 99, 99.5, 99.9 }

function done(summary, latency, requests)
  local points = { string.format("[0,%d]", latency.min) }
  for _, p in ipairs(grid) do
    points[#points + 1] = string.format("[%s,%d]", tostring(p), latency:percentile(p))
  end
  points[#points + 1] = string.format("[100,%d]", latency.max)
  io.write(string.format(
    'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,"errors_connect":%d,"errors_read":%d,'
      .. '"errors_write":%d,"errors_status":%d,"errors_timeout":%d,"latency_mean_us":%.1f,'
      .. '"latency_grid_us":[%s]}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, latency.mean,
    table.concat(points, ",")))
end
