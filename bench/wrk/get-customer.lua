-- Scenarios 2 and 2c: GET /v1/customers/{id} for a seeded customer per request, chosen by BENCH_KEYS (uniform, or
-- zipf:<s>: see keys.lua).
local common = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/common.lua")
local keys = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/keys.lua")
local customer

setup = common.setup
done = common.done

function init()
  common.init()
  customer = keys.chooser("BENCH_KEYS")
end

function request()
  return wrk.format("GET", "/v1/customers/" .. customer())
end
