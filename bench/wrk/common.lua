-- Shared by the bench scripts (loaded with dofile from each one). Reads the environment bench/run.sh sets:
--   BENCH_TOKEN   bearer token sent with every request (when set)
--   BENCH_OUT     file the done() summary is written to, as one JSON object
-- and gives each wrk thread a number (tid) and its own random seed.
local common = {}

local token = os.getenv("BENCH_TOKEN")
if token and token ~= "" then
  wrk.headers["Authorization"] = "Bearer " .. token
end

-- Lines of a file (ids); fails loudly when the file is missing or empty.
function common.lines(path)
  local list = {}
  local f = assert(io.open(path, "r"), "cannot read " .. tostring(path))
  for line in f:lines() do
    if line ~= "" then list[#list + 1] = line end
  end
  f:close()
  assert(#list > 0, path .. " is empty")
  return list
end

-- setup() runs in the main Lua state once per thread: number the threads and keep them for done().
common.threads = {}
function common.setup(thread)
  common.threads[#common.threads + 1] = thread
  thread:set("tid", #common.threads)
end

-- init() runs in each thread's own state: a distinct random sequence per thread.
function common.init()
  math.randomseed(os.time() * 1000 + (tid or 0) * 7919)
  for _ = 1, 10 do math.random() end
end

-- A small JSON encoder: numbers, strings, booleans, arrays (1..n) and string-keyed tables.
local function encode(v)
  local t = type(v)
  if t == "number" then
    if v ~= v or v == math.huge or v == -math.huge then return "null" end
    if v == math.floor(v) and math.abs(v) < 1e15 then return string.format("%d", v) end
    return string.format("%.4f", v)
  elseif t == "string" then
    return '"' .. v:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
  elseif t == "boolean" then
    return tostring(v)
  elseif t == "table" then
    if #v > 0 then
      local parts = {}
      for i = 1, #v do parts[i] = encode(v[i]) end
      return "[" .. table.concat(parts, ",") .. "]"
    end
    local parts = {}
    for k, x in pairs(v) do parts[#parts + 1] = encode(tostring(k)) .. ":" .. encode(x) end
    table.sort(parts)
    return "{" .. table.concat(parts, ",") .. "}"
  end
  return "null"
end
common.encode = encode

-- Sums a per-thread table of counters ({["202"] = n, ...}) over all threads.
function common.sum_threads(name)
  local total = {}
  for _, thread in ipairs(common.threads) do
    local t = thread:get(name)
    if type(t) == "table" then
      for k, n in pairs(t) do total[k] = (total[k] or 0) + n end
    end
  end
  return total
end

-- The summary of a run as a table: throughput, latency percentiles (ms), errors (non-2xx/3xx + socket).
function common.summary(summary, latency, extra)
  local seconds = summary.duration / 1e6
  local e = summary.errors
  local result = {
    requests = summary.requests,
    durationS = seconds,
    rps = summary.requests / seconds,
    bytes = summary.bytes,
    latencyMs = {
      p50 = latency:percentile(50) / 1000,
      p90 = latency:percentile(90) / 1000,
      p99 = latency:percentile(99) / 1000,
      p999 = latency:percentile(99.9) / 1000,
      max = latency.max / 1000,
      mean = latency.mean / 1000,
    },
    errors = {
      connect = e.connect, read = e.read, write = e.write, timeout = e.timeout, status = e.status,
      total = e.connect + e.read + e.write + e.timeout + e.status,
    },
    connections = tonumber(os.getenv("BENCH_CONN") or "") or 0,
  }
  for k, v in pairs(extra or {}) do result[k] = v end
  return result
end

-- Writes the summary to BENCH_OUT (when set) and prints it on one line.
function common.report(result)
  local json = encode(result)
  local out = os.getenv("BENCH_OUT")
  if out and out ~= "" then
    local f = assert(io.open(out, "w"))
    f:write(json, "\n")
    f:close()
  end
  io.write("[wrk] ", json, "\n")
end

-- The done() of scripts that need nothing more than wrk's own figures.
function common.done(summary, latency, requests)
  common.report(common.summary(summary, latency))
end

return common
