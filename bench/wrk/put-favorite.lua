-- Scenario 3: PUT /v1/customers/{id}/favorites/{productId}, customer x random catalog product. The customer is uniform
-- unless BENCH_ADD_KEYS says zipf:<s> (keys.lua; not BENCH_KEYS: under zipf the hottest customer would get ~12% of the
-- adds, reach every product of the catalog within seconds and turn the scenario into "already a favorite" answers).
-- Counts 202 (accepted job) and 200 (already a favorite); keeps the job id of every 202 (Location .../jobs/{id},
-- else "jobId" in the body), or every pair sent when no answer names a job, so that bench/run.sh can wait until all
-- are stored:
--   BENCH_IDS, BENCH_PRODUCTS   id files;   BENCH_JOBS, BENCH_PAIRS   files written by done()
local common = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/common.lua")
local keys = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/keys.lua")
local products = common.lines(os.getenv("BENCH_PRODUCTS"))
-- Globals, not locals: done() reads them from each thread with thread:get().
statuses, jobs, pairs_sent = {}, {}, {}

wrk.method = "PUT"

local customer

setup = common.setup

function init()
  common.init()
  customer = keys.chooser("BENCH_ADD_KEYS")
end

function request()
  local c, p = customer(), products[math.random(#products)]
  pairs_sent[#pairs_sent + 1] = c .. " " .. p
  return wrk.format(nil, "/v1/customers/" .. c .. "/favorites/" .. p)
end

local function job_id(headers, body)
  for k, v in pairs(headers) do
    if k:lower() == "location" then
      local id = v:match("/jobs/([^/?#]+)")
      if id then return id end
    end
  end
  return body and (body:match('"jobId"%s*:%s*"([^"]+)"') or body:match('"job"%s*:%s*{[^}]-"id"%s*:%s*"([^"]+)"'))
end

function response(status, headers, body)
  local k = tostring(status)
  statuses[k] = (statuses[k] or 0) + 1
  if status == 202 then
    local id = job_id(headers, body)
    if id then jobs[#jobs + 1] = id end
  end
end

function done(summary, latency, requests)
  local st = common.sum_threads("statuses")
  -- Job ids per thread in acceptance order; the pairs sent only when no answer named a job (then lists are polled).
  local jf = os.getenv("BENCH_JOBS") and io.open(os.getenv("BENCH_JOBS"), "w")
  local njobs = 0
  for i, thread in ipairs(common.threads) do
    for _, id in ipairs(thread:get("jobs") or {}) do
      njobs = njobs + 1
      if jf then jf:write(i, " ", id, "\n") end
    end
  end
  if jf then jf:close() end
  local pf = njobs == 0 and os.getenv("BENCH_PAIRS") and io.open(os.getenv("BENCH_PAIRS"), "w")
  local sent = 0
  for _, thread in ipairs(common.threads) do
    local list = thread:get("pairs_sent") or {}
    sent = sent + #list
    if pf then
      for _, pair in ipairs(list) do pf:write(pair, "\n") end
    end
  end
  if pf then pf:close() end
  local seconds = summary.duration / 1e6
  local accepted, already = st["202"] or 0, st["200"] or 0
  common.report(common.summary(summary, latency, {
    statuses = st, accepted = accepted, already = already, jobIds = njobs,
    -- sent but not answered 2xx (errors, and requests still in flight when wrk stopped): may never be stored
    notAccepted = sent - accepted - already,
    acceptedPerSecond = accepted / seconds, addsPerSecond = (accepted + already) / seconds,
  }))
end
