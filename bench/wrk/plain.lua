-- Ceilings and any fixed URL: wrk's own request, only the JSON summary added.
local common = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/common.lua")
done = common.done
