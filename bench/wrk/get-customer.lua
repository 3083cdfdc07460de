-- Scenario 2: GET /v1/customers/{id} for a random seeded customer per request (ids from BENCH_IDS).
local common = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/common.lua")
local ids = common.lines(os.getenv("BENCH_IDS"))
local n = #ids

setup = common.setup
init = common.init
done = common.done

function request()
  return wrk.format("GET", "/v1/customers/" .. ids[math.random(n)])
end
