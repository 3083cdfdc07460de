-- Scenario 1 (hot path): GET /v1/customers/{id}/favorites?limit=N for a random seeded customer per request.
local common = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/common.lua")
local ids = common.lines(os.getenv("BENCH_IDS"))
local n = #ids
local suffix = "/favorites?limit=" .. (os.getenv("BENCH_LIST_LIMIT") or "20")

setup = common.setup
init = common.init
done = common.done

function request()
  return wrk.format("GET", "/v1/customers/" .. ids[math.random(n)] .. suffix)
end
