-- A check of bench/wrk/keys.lua's Zipf sampler inside wrk's own LuaJIT (not a load script): draws BENCH_CHECK_DRAWS
-- ranks (default 2,000,000) of BENCH_CHECK_N (default 1,000,000) with exponent BENCH_CHECK_S (default 1.1) and prints,
-- for the top 1 rank, the top 0.01%, 0.1%, 1% and 10% of ranks, the share drawn next to the share Zipf predicts
-- (H(k, s) / H(n, s), generalized harmonic numbers). Run (the URL is never answered; only init() matters):
--   wrk -t1 -c1 -d1s -s bench/wrk/zipf-check.lua http://127.0.0.1:9/
package.path = (os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/?.lua;" .. package.path
local keys = dofile((os.getenv("BENCH_WRK_DIR") or "bench/wrk") .. "/keys.lua")
local n = tonumber(os.getenv("BENCH_CHECK_N") or "") or 1000000
local s = tonumber(os.getenv("BENCH_CHECK_S") or "") or 1.1
local draws = tonumber(os.getenv("BENCH_CHECK_DRAWS") or "") or 2000000

function init()
  math.randomseed(12345)
  local sample = keys.zipf(n, s, math.random)
  local cuts = { 1, math.max(1, math.floor(n / 10000)), math.max(1, math.floor(n / 1000)), math.floor(n / 100),
    math.floor(n / 10) }
  local hits = {}
  for i = 1, #cuts do hits[i] = 0 end
  local t0 = os.clock()
  for _ = 1, draws do
    local r = sample()
    assert(r >= 1 and r <= n)
    for i = 1, #cuts do if r <= cuts[i] then hits[i] = hits[i] + 1 end end
  end
  local took = os.clock() - t0
  local total, partial, j = 0, {}, 1
  for r = 1, n do
    total = total + r ^ -s
    while j <= #cuts and r == cuts[j] do partial[j] = total; j = j + 1 end
  end
  io.write(string.format("[zipf-check] n=%d s=%.3f draws=%d (%.0f ns per draw)\n", n, s, draws, took / draws * 1e9))
  for i = 1, #cuts do
    local want, got = partial[i] / total, hits[i] / draws
    io.write(string.format("[zipf-check] top %8d ranks (%7.3f%%): drawn %.4f, predicted %.4f, difference %+.4f\n",
      cuts[i], 100 * cuts[i] / n, got, want, got - want))
  end
  os.exit(0)
end
