-- Which customer a request is for, shared by the scenario scripts (loaded with dofile):
--   BENCH_KEYS=uniform        every seeded customer equally likely (the default)
--   BENCH_KEYS=zipf:<s>       Zipf with exponent s over the customers: rank r (1 = hottest) is drawn with probability
--                             proportional to 1 / r^s, and rank r is line r of BENCH_IDS_RANKED (the ids shuffled with
--                             BENCH_SEED by the seeding: the hot customers are spread over the data set, and every wrk
--                             thread has the same hot customers).
-- Sampling is rejection-inversion (W. Hormann, G. Derflinger, "Rejection-inversion to generate variates from monotone
-- discrete distributions", ACM TOMACS 6(3), 1996; the form of Apache Commons RNG's RejectionInversionZipfSampler):
-- O(1) memory and about 1.1 uniform draws per sample, whatever the number of customers.
-- Ids are kept as one string per thread when every line is a UUID (37 bytes a line: 37 MB for 1,000,000 customers),
-- else as a table of lines.
local keys = {}

local function load_ids(path)
  local f = assert(io.open(path, "rb"), "cannot read " .. tostring(path))
  local data = f:read("*a")
  f:close()
  local n = #data / 37
  local fixed = n >= 1 and n == math.floor(n)
  if fixed then
    for i = 37, #data, 37 do
      if data:byte(i) ~= 10 or data:byte(i - 1) == 10 then fixed = false; break end
    end
  end
  if fixed then
    return n, function(i) local o = (i - 1) * 37; return data:sub(o + 1, o + 36) end
  end
  local list = {}
  for line in data:gmatch("[^\n]+") do list[#list + 1] = line end
  assert(#list > 0, path .. " is empty")
  return #list, function(i) return list[i] end
end

-- log(1 + x) / x and (exp(x) - 1) / x, accurate near 0 (LuaJIT has no log1p / expm1).
local function helper1(x)
  if math.abs(x) > 1e-8 then return math.log(1 + x) / x end
  return 1 - x * (0.5 - x * (1 / 3 - 0.25 * x))
end
local function helper2(x)
  if math.abs(x) > 1e-8 then return (math.exp(x) - 1) / x end
  return 1 + x * 0.5 * (1 + x * (1 / 3) * (1 + 0.25 * x))
end

-- A sampler of ranks 1..n with P(r) proportional to r^-s (s > 0), drawing uniforms from rand().
function keys.zipf(n, s, rand)
  local function h(x) return math.exp(-s * math.log(x)) end
  local function hIntegral(x) local lx = math.log(x); return helper2((1 - s) * lx) * lx end
  local function hIntegralInverse(x)
    local t = x * (1 - s)
    if t < -1 then t = -1 end -- rounding
    return math.exp(helper1(t) * x)
  end
  local hX1 = hIntegral(1.5) - 1
  local hN = hIntegral(n + 0.5)
  local sq = 2 - hIntegralInverse(hIntegral(2.5) - h(2))
  return function()
    while true do
      local u = hN + rand() * (hX1 - hN)
      local x = hIntegralInverse(u)
      local k = math.floor(x + 0.5)
      if k < 1 then k = 1 elseif k > n then k = n end
      if k - x <= sq or u >= hIntegral(k + 0.5) - h(k) then return k end
    end
  end
end

-- The distribution asked for: "uniform" or "zipf", and s.
function keys.spec(value)
  value = value or "uniform"
  if value == "" or value == "uniform" then return "uniform" end
  local s = value:match("^zipf:([%d%.]+)$")
  assert(s and tonumber(s) and tonumber(s) > 0, "BENCH_KEYS must be uniform or zipf:<s> with s > 0, got " .. value)
  return "zipf", tonumber(s)
end

-- A function returning a customer id per call, for the distribution in the environment variable `var` (BENCH_KEYS).
function keys.chooser(var)
  local kind, s = keys.spec(os.getenv(var or "BENCH_KEYS"))
  if kind == "uniform" then
    local n, id = load_ids(os.getenv("BENCH_IDS"))
    return function() return id(math.random(n)) end
  end
  local n, id = load_ids(os.getenv("BENCH_IDS_RANKED") or os.getenv("BENCH_IDS"))
  local rank = keys.zipf(n, s, math.random)
  return function() return id(rank()) end
end

keys.load_ids = load_ids
return keys
