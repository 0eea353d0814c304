/**
 * The Lua that decides one request against all of its limits in Redis, in one EVALSHA.
 *
 * Call: KEYS = one counter key per check (ioredis adds the store's keyPrefix), ARGV = 4 values
 * per check, in the order of the keys: algorithm (`t` token-bucket, `s` sliding-window,
 * `f` fixed-window), limit, periodMs, burst.
 *
 * Reply, integers only: `{ allowed, nowMs, then per check: allowed, remaining, resetSeconds,
 * retryAfterSeconds }`. Lua numbers are doubles and Redis truncates them toward zero in a reply,
 * so the script rounds every number itself, with the same `ceilSeconds` and floors as
 * algorithms.ts: the caller uses the numbers as they are.
 *
 * Time comes from `redis.call('TIME')` (ms = seconds * 1000 + floor(microseconds / 1000)), never
 * from the caller, so the gateway instances' clocks do not matter (clock-skew safe). Redis >= 5
 * replicates a script's effects rather than the script, so reading TIME before writing is
 * allowed, and replicas see plain HSET/PEXPIRE.
 *
 * The math mirrors algorithms.ts line by line (same formulas, same order of float operations,
 * same EPS), in the memory store's protocol:
 *   1. per check: load the state; a missing key, or one written for another algorithm or
 *      period (config reload), is initialised fresh; else advanced to now; ask `allows`;
 *   2. only when every check allows: `take` one from each (all-or-nothing);
 *   3. per check: the result from its state (after take when admitted). A check that allows
 *      inside a denied request reports allowed with its remaining (nothing was taken);
 *   4. when admitted, each state is written (HSET) with PEXPIRE at its `expiresAt`, the time
 *      from which the counter equals a fresh one, so an idle key vanishes and a missing key
 *      decides like the stored one would have. A denied request writes nothing: `advance`
 *      changes no decision, so re-advancing from the stored state later is equivalent (up to
 *      float rounding far below EPS).
 *
 * State: one hash per key, the fields of algorithms.ts' CounterState: al (algorithm code),
 * pm (periodMs), tk/ts (token bucket: tokens, lastMs), w/c/pc (windows: window index, count,
 * previous window's count). Redis writes Lua numbers with 17 significant digits, so the float
 * token count round-trips exactly.
 */
const CONSUME_TEMPLATE = `
local EPS = 1e-9
local floor = math.floor
local ceil = math.ceil

local function ceilSeconds(ms)
  local s = ceil(ms / 1000 - EPS)
  if s > 0 then return s end
  return 0
end

local function slidingEstimate(pc, c, w, P, now)
  local elapsed = now - w * P
  if elapsed < 0 then elapsed = 0 end
  return (pc * (P - elapsed)) / P + c
end

--[[NOW]]
local n = #KEYS
local out = {1, now}
local allowed = true
local S = {}

-- 1. load / init / advance, and allows
for i = 1, n do
  local base = (i - 1) * 4
  local al = ARGV[base + 1]
  local L = tonumber(ARGV[base + 2])
  local P = tonumber(ARGV[base + 3])
  local B = tonumber(ARGV[base + 4])
  local h = redis.call('HMGET', KEYS[i], 'al', 'pm', 'tk', 'ts', 'w', 'c', 'pc')
  local s = { al = al, L = L, P = P, B = B }
  if h[1] ~= al or tonumber(h[2]) ~= P then
    -- init (a key never seen, or one built for another algorithm or period)
    if al == 't' then
      s.tk = B
      s.ts = now
    else
      s.w = floor(now / P)
      s.c = 0
      s.pc = 0
    end
  elseif al == 't' then
    s.tk = tonumber(h[3]) or B
    s.ts = tonumber(h[4]) or now
    if now > s.ts then
      s.tk = s.tk + ((now - s.ts) * L) / P
      s.ts = now
    end
    if s.tk > B then s.tk = B end
  else
    s.w = tonumber(h[5]) or floor(now / P)
    s.c = tonumber(h[6]) or 0
    s.pc = tonumber(h[7]) or 0
    local w = floor(now / P)
    if al == 's' then
      if w == s.w + 1 then
        s.pc = s.c
        s.c = 0
        s.w = w
      elseif w > s.w + 1 then
        s.pc = 0
        s.c = 0
        s.w = w
      end
    elseif w > s.w then
      s.w = w
      s.c = 0
    end
  end
  local ok
  if al == 't' then
    ok = s.tk + EPS >= 1
  elseif al == 's' then
    ok = slidingEstimate(s.pc, s.c, s.w, P, now) + 1 <= L + EPS
  else
    ok = s.c + 1 <= L + EPS
  end
  s.ok = ok
  if not ok then allowed = false end
  S[i] = s
end

-- 2. take (all or nothing), 3. results, 4. writes
if not allowed then out[1] = 0 end
for i = 1, n do
  local s = S[i]
  local al, L, P, B = s.al, s.L, s.P, s.B
  local here = s.ok
  local expiresAt = 0
  if allowed then
    if al == 't' then
      s.tk = s.tk - 1
      expiresAt = now + ((B - s.tk) * P) / L
    elseif al == 's' then
      s.c = s.c + 1
      expiresAt = (s.w + 2) * P
    else
      s.c = s.c + 1
      expiresAt = (s.w + 1) * P
    end
  end
  local remaining, resetMs, retryMs = 0, 0, 0
  if al == 't' then
    resetMs = ((B - s.tk) * P) / L
    if resetMs < 0 then resetMs = 0 end
    if here then
      remaining = floor(s.tk + EPS)
    else
      retryMs = ((1 - s.tk) * P) / L
    end
  elseif al == 's' then
    resetMs = (s.w + 1) * P - now
    local est = slidingEstimate(s.pc, s.c, s.w, P, now)
    if here then
      remaining = floor(L - est + EPS)
    else
      local elapsed = now - s.w * P
      if elapsed < 0 then elapsed = 0 end
      if s.c + 1 <= L + EPS and s.pc > 0 then
        retryMs = P - elapsed - ((L - 1 - s.c) * P) / s.pc
      else
        local intoNext = P - ((L - 1) * P) / s.c
        if intoNext < 0 then intoNext = 0 end
        retryMs = P - elapsed + intoNext
      end
    end
  else
    resetMs = (s.w + 1) * P - now
    if here then
      remaining = floor(L - s.c + EPS)
    else
      retryMs = resetMs
    end
  end
  if remaining < 0 then remaining = 0 end
  local o = 2 + (i - 1) * 4
  if here then
    out[o + 1] = 1
    out[o + 2] = remaining
    out[o + 3] = ceilSeconds(resetMs)
    out[o + 4] = 0
  else
    local retry = ceilSeconds(retryMs)
    if retry < 1 then retry = 1 end
    out[o + 1] = 0
    out[o + 2] = 0
    out[o + 3] = ceilSeconds(resetMs)
    out[o + 4] = retry
  end
  if allowed then
    if al == 't' then
      redis.call('HSET', KEYS[i], 'al', al, 'pm', P, 'tk', s.tk, 'ts', s.ts)
    else
      redis.call('HSET', KEYS[i], 'al', al, 'pm', P, 'w', s.w, 'c', s.c, 'pc', s.pc)
    end
    local ttl = ceil(expiresAt - now) + 1
    if ttl < 1 then ttl = 1 end
    redis.call('PEXPIRE', KEYS[i], ttl)
  end
end
return out
`;

const REDIS_NOW = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + floor(tonumber(t[2]) / 1000)`;
const ARGV_NOW = `local now = tonumber(ARGV[#ARGV])`;

/**
 * The script with its clock: `redis` (TIME; what the store runs) or `argv` (for differential
 * tests against the memory store with a fake clock: one more ARGV value after the checks' ones,
 * the time in ms). The store never sends a time.
 */
export function consumeScript(clock: 'redis' | 'argv'): string {
  return CONSUME_TEMPLATE.replace('--[[NOW]]', clock === 'redis' ? REDIS_NOW : ARGV_NOW);
}

/** The script the store runs (Redis clock). */
export const CONSUME_LUA = consumeScript('redis');

/** Algorithm codes in ARGV. */
export const ALGORITHM_CODE = Object.freeze({ 'token-bucket': 't', 'sliding-window': 's', 'fixed-window': 'f' } as const);

/** Values per check in ARGV. */
export const ARGS_PER_CHECK = 4;
/** Values before the first check in the reply (allowed, nowMs), and per check after them. */
export const REPLY_HEADER = 2;
export const REPLY_PER_CHECK = 4;
