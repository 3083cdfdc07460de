-- Scenario 4: POST /v1/customers with an email never used before: run id (BENCH_RUN_ID) + thread + counter.
local common = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/common.lua")
local run = os.getenv("BENCH_RUN_ID") or tostring(os.time())
local count = 0
statuses = {} -- global: done() reads it from each thread with thread:get()

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

setup = common.setup
init = common.init

function request()
  count = count + 1
  local body = string.format('{"name":"Load Customer %d-%d","email":"load-%s-%d-%d@example.com"}',
    tid, count, run, tid, count)
  return wrk.format(nil, "/v1/customers", nil, body)
end

function response(status, headers, body)
  local k = tostring(status)
  statuses[k] = (statuses[k] or 0) + 1
end

function done(summary, latency, requests)
  common.report(common.summary(summary, latency, { statuses = common.sum_threads("statuses") }))
end
