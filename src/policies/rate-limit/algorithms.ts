/**
 * Rate-limit algorithms: pure math over one counter's state with an injected clock.
 *
 * Every algorithm has the same shape (`RateAlgorithm`): `init` a fresh counter, `advance` it to
 * `now` (refill / roll windows; this never changes a decision), ask whether one more request
 * `allows`, `take` one request, then read `remaining`, `resetMs` and `retryMs`. A store runs, for
 * the checks of one request: init-or-load + advance + allows for every check, then take for every
 * check only when all allowed (all-or-nothing), then the results. The Redis Lua scripts mirror
 * the formulas below line by line; keep both in step when changing one.
 *
 * Units and conventions shared by all three (and by the Lua scripts):
 * - `now` is Unix epoch time in ms (`Date.now()`, or Redis `TIME` in ms). The window algorithms
 *   align windows to the epoch, so a 86400 s window is one UTC day.
 * - L = limit (requests per period), P = periodMs, B = burst (token bucket capacity). L and B may
 *   be fractional (a store's `limitDivisor`); they are >= 1.
 * - EPS = 1e-9 absorbs float rounding in comparisons and floors (a bucket at 0.9999999999 tokens
 *   holds one token).
 * - Seconds reported to clients are `ceilSeconds(ms) = ceil(ms / 1000 - EPS)`.
 * - Clock steps backwards (now earlier than the state's time) are absorbed: nothing refills and
 *   no window rolls until the clock passes the state's time again.
 */
import type { Decision, LimitResult, RateLimitAlgorithm } from './types.js';

/** Float tolerance for comparisons and floors (see the header). */
export const EPS = 1e-9;

/** ms -> whole seconds, rounded up (with EPS so 1000.0000000001 ms is still 1 s). */
export function ceilSeconds(ms: number): number {
  const s = Math.ceil(ms / 1000 - EPS);
  return s > 0 ? s : 0;
}

/**
 * One counter's state. A union of the fields the three algorithms use, so a store keeps one
 * object shape for every key:
 * - token-bucket: `tokens`, `lastMs`
 * - sliding-window: `window` (index of the current window), `count` (current), `prevCount`
 * - fixed-window: `window`, `count`
 * `algorithm` and `periodMs` record what the state was built for: a store re-inits a counter
 * whose limit changed algorithm or period (config reload).
 * `expiresAt` is the time from which the counter equals a fresh one (bucket full, windows
 * empty): deleting it then changes no decision.
 */
export class CounterState {
  algorithm: RateLimitAlgorithm | null = null;
  periodMs = 0;
  tokens = 0;
  lastMs = 0;
  window = 0;
  count = 0;
  prevCount = 0;
  expiresAt = 0;
}

/** The common shape of the algorithms (see the file header for the protocol). */
export interface RateAlgorithm {
  readonly name: RateLimitAlgorithm;
  /** Make `s` a fresh counter (a key never seen) at `now`. */
  init(s: CounterState, limit: number, periodMs: number, burst: number, now: number): void;
  /** Bring `s` forward to `now`. Changes no decision; idempotent. */
  advance(s: CounterState, limit: number, periodMs: number, burst: number, now: number): void;
  /** Whether one more request fits (after advance). */
  allows(s: CounterState, limit: number, periodMs: number, burst: number, now: number): boolean;
  /** Count one request (after allows said yes); updates `expiresAt`. */
  take(s: CounterState, limit: number, periodMs: number, burst: number, now: number): void;
  /** Requests that would still be allowed now (integer >= 0). */
  remaining(s: CounterState, limit: number, periodMs: number, burst: number, now: number): number;
  /** ms until the limit is whole again: bucket full (token bucket), current window end (windows). */
  resetMs(s: CounterState, limit: number, periodMs: number, burst: number, now: number): number;
  /** ms until one request would be allowed; 0 when one is allowed now. */
  retryMs(s: CounterState, limit: number, periodMs: number, burst: number, now: number): number;
}

/* ------------------------------------------------------------------------------------------ *
 * Token bucket (lazily refilled; Envoy local_ratelimit, Stripe, AWS API Gateway).
 *
 *   rate        = L / P                                 tokens per ms
 *   init:       tokens = B; lastMs = now
 *   advance:    if now > lastMs: tokens = tokens + (now - lastMs) * L / P; lastMs = now
 *               tokens = min(B, tokens)
 *   allows:     tokens + EPS >= 1
 *   take:       tokens = tokens - 1
 *               expiresAt = now + (B - tokens) * P / L                (time the bucket is full)
 *   remaining:  max(0, floor(tokens + EPS))
 *   resetMs:    max(0, (B - tokens) * P / L)                           (time to full)
 *   retryMs:    allows ? 0 : (1 - tokens) * P / L                      (time to one token)
 *
 * Products are taken before the division ((now - lastMs) * L / P, not elapsed * rate) so integer
 * configs stay exact where they can.
 * ------------------------------------------------------------------------------------------ */
export const tokenBucket: RateAlgorithm = Object.freeze({
  name: 'token-bucket' as const,
  init(s: CounterState, _limit: number, periodMs: number, burst: number, now: number): void {
    s.algorithm = 'token-bucket';
    s.periodMs = periodMs;
    s.tokens = burst;
    s.lastMs = now;
    s.window = 0;
    s.count = 0;
    s.prevCount = 0;
    s.expiresAt = now;
  },
  advance(s: CounterState, limit: number, periodMs: number, burst: number, now: number): void {
    if (now > s.lastMs) {
      s.tokens += ((now - s.lastMs) * limit) / periodMs;
      s.lastMs = now;
    }
    if (s.tokens > burst) s.tokens = burst;
  },
  allows(s: CounterState): boolean {
    return s.tokens + EPS >= 1;
  },
  take(s: CounterState, limit: number, periodMs: number, burst: number, now: number): void {
    s.tokens -= 1;
    s.expiresAt = now + ((burst - s.tokens) * periodMs) / limit;
  },
  remaining(s: CounterState): number {
    const r = Math.floor(s.tokens + EPS);
    return r > 0 ? r : 0;
  },
  resetMs(s: CounterState, limit: number, periodMs: number, burst: number): number {
    const ms = ((burst - s.tokens) * periodMs) / limit;
    return ms > 0 ? ms : 0;
  },
  retryMs(s: CounterState, limit: number, periodMs: number): number {
    if (s.tokens + EPS >= 1) return 0;
    return ((1 - s.tokens) * periodMs) / limit;
  },
});

/* ------------------------------------------------------------------------------------------ *
 * Sliding window: the two-window weighted counter.
 *
 * Why this one and not a log of timestamps: O(1) memory per key (two counters and a window
 * index; a log costs one entry per request, L entries per key, and an O(log L) trim), one small
 * Redis hash per key, and no boundary burst (a fixed window admits 2L in a moment around its
 * boundary; this one admits at most L per window of steady traffic). It is what Cloudflare
 * ("How we built rate limiting capable of scaling to millions of domains", 2017) and Kong's
 * rate-limiting-advanced (`window_type: sliding`, its default) use. (NGINX's limit_req is a
 * leaky bucket, i.e. our token bucket with burst = the `burst=` queue, not this.)
 *
 * It assumes the previous window's requests were spread evenly over it:
 *
 *   window    = floor(now / P)                          windows aligned to the epoch
 *   init:     window = floor(now / P); count = 0; prevCount = 0
 *   advance:  w = floor(now / P)
 *             if w == window + 1: prevCount = count; count = 0; window = w
 *             if w >  window + 1: prevCount = 0;     count = 0; window = w
 *             (w <= window: nothing; w < window is a clock step back)
 *   elapsed   = max(0, now - window * P)                ms into the current window
 *   weight    = (P - elapsed) / P                       share of the previous window still inside
 *   estimate  = prevCount * weight + count
 *   allows:   estimate + 1 <= L + EPS
 *   take:     count = count + 1; expiresAt = (window + 2) * P      (both windows empty then)
 *   remaining: max(0, floor(L - estimate + EPS))
 *   resetMs:  (window + 1) * P - now                    end of the current window
 *   retryMs:  0 when allows; else the first moment estimate + 1 <= L:
 *             if count + 1 <= L + EPS (and so prevCount > 0): within this window, when the
 *                previous window's weight has decayed enough:
 *                retry = (P - elapsed) - (L - 1 - count) * P / prevCount
 *             else (the current window alone is full): in the next window, where the estimate
 *                is count * (P - t) / P:
 *                retry = (P - elapsed) + max(0, P - (L - 1) * P / count)
 *
 * Error bound. The exact count over (now - P, now] is count + (the previous window's requests
 * that fall in its last P - elapsed ms); the estimate replaces that part with
 * prevCount * weight. So |estimate - exact| <= prevCount * max(weight, 1 - weight) <= prevCount
 * <= L. Adversarial traffic (a window's worth bunched at the end of the previous window) can get
 * up to ~2L through in one true sliding window, but never as a burst: admissions come back at
 * L/P as the previous window decays. Traffic bunched at the start of every window is the
 * opposite case: the estimate over-counts and admits less than an exact log would.
 * Measured against an exact sliding log on the same arrivals (algorithms.test.ts, 400 windows):
 *   Poisson at 1.5x L (L=100):  mean |error| 1.0% of L, max 31%; admitted 1.001x the log's;
 *                               at most 109 (1.09 L) in any true window
 *   Poisson at 0.9x L (L=100):  mean 3.0% of L, max 16%; admitted 1.007x; at most 1.15 L
 *   Poisson at 3x L (L=10):     admitted 0.94x the log's
 *   on/off, all arrivals in the first 300 ms of each window (worst case): admitted 0.68x
 * Cloudflare reported 0.003% of requests wrongly allowed or limited on their real traffic
 * (mostly far below the limits, where the approximation does not matter).
 * ------------------------------------------------------------------------------------------ */
/** A fresh counter for either window algorithm: the current window, empty. */
function initWindow(s: CounterState, algorithm: 'sliding-window' | 'fixed-window', periodMs: number, now: number): void {
  s.algorithm = algorithm;
  s.periodMs = periodMs;
  s.tokens = 0;
  s.lastMs = 0;
  s.window = Math.floor(now / periodMs);
  s.count = 0;
  s.prevCount = 0;
  s.expiresAt = now;
}

export const slidingWindow: RateAlgorithm = Object.freeze({
  name: 'sliding-window' as const,
  init(s: CounterState, _limit: number, periodMs: number, _burst: number, now: number): void {
    initWindow(s, 'sliding-window', periodMs, now);
  },
  advance(s: CounterState, _limit: number, periodMs: number, _burst: number, now: number): void {
    const w = Math.floor(now / periodMs);
    if (w === s.window + 1) {
      s.prevCount = s.count;
      s.count = 0;
      s.window = w;
    } else if (w > s.window + 1) {
      s.prevCount = 0;
      s.count = 0;
      s.window = w;
    }
  },
  allows(s: CounterState, limit: number, periodMs: number, _burst: number, now: number): boolean {
    return slidingEstimate(s, periodMs, now) + 1 <= limit + EPS;
  },
  take(s: CounterState, _limit: number, periodMs: number): void {
    s.count += 1;
    s.expiresAt = (s.window + 2) * periodMs;
  },
  remaining(s: CounterState, limit: number, periodMs: number, _burst: number, now: number): number {
    const r = Math.floor(limit - slidingEstimate(s, periodMs, now) + EPS);
    return r > 0 ? r : 0;
  },
  resetMs(s: CounterState, _limit: number, periodMs: number, _burst: number, now: number): number {
    return (s.window + 1) * periodMs - now;
  },
  retryMs(s: CounterState, limit: number, periodMs: number, _burst: number, now: number): number {
    if (slidingEstimate(s, periodMs, now) + 1 <= limit + EPS) return 0;
    let elapsed = now - s.window * periodMs;
    if (elapsed < 0) elapsed = 0;
    if (s.count + 1 <= limit + EPS && s.prevCount > 0) {
      return periodMs - elapsed - ((limit - 1 - s.count) * periodMs) / s.prevCount;
    }
    const intoNext = periodMs - ((limit - 1) * periodMs) / s.count;
    return periodMs - elapsed + (intoNext > 0 ? intoNext : 0);
  },
});

/** prevCount * weight + count (see the sliding-window block). */
export function slidingEstimate(s: CounterState, periodMs: number, now: number): number {
  let elapsed = now - s.window * periodMs;
  if (elapsed < 0) elapsed = 0;
  return (s.prevCount * (periodMs - elapsed)) / periodMs + s.count;
}

/* ------------------------------------------------------------------------------------------ *
 * Fixed window: quotas for long periods.
 *
 * Windows are aligned to the Unix epoch, which is UTC midnight: periodSeconds 3600 = clock
 * hours, 86400 = UTC days. A "month" is a fixed number of seconds (30 days = 2592000), not a
 * calendar month: the schema has no calendar unit, and a 30 d window starts at an epoch-aligned
 * instant, not on the 1st. A 7 d window starts on Thursdays 00:00 UTC (1970-01-01 was one).
 *
 *   window    = floor(now / P)
 *   init:     window = floor(now / P); count = 0
 *   advance:  w = floor(now / P); if w > window: window = w; count = 0
 *   allows:   count + 1 <= L + EPS
 *   take:     count = count + 1; expiresAt = (window + 1) * P
 *   remaining: max(0, floor(L - count + EPS))
 *   resetMs:  (window + 1) * P - now
 *   retryMs:  allows ? 0 : resetMs
 * ------------------------------------------------------------------------------------------ */
export const fixedWindow: RateAlgorithm = Object.freeze({
  name: 'fixed-window' as const,
  init(s: CounterState, _limit: number, periodMs: number, _burst: number, now: number): void {
    initWindow(s, 'fixed-window', periodMs, now);
  },
  advance(s: CounterState, _limit: number, periodMs: number, _burst: number, now: number): void {
    const w = Math.floor(now / periodMs);
    if (w > s.window) {
      s.window = w;
      s.count = 0;
    }
  },
  allows(s: CounterState, limit: number): boolean {
    return s.count + 1 <= limit + EPS;
  },
  take(s: CounterState, _limit: number, periodMs: number): void {
    s.count += 1;
    s.expiresAt = (s.window + 1) * periodMs;
  },
  remaining(s: CounterState, limit: number): number {
    const r = Math.floor(limit - s.count + EPS);
    return r > 0 ? r : 0;
  },
  resetMs(s: CounterState, _limit: number, periodMs: number, _burst: number, now: number): number {
    return (s.window + 1) * periodMs - now;
  },
  retryMs(s: CounterState, limit: number, periodMs: number, _burst: number, now: number): number {
    if (s.count + 1 <= limit + EPS) return 0;
    return (s.window + 1) * periodMs - now;
  },
});

/** The algorithms by config name. */
export const ALGORITHMS: Readonly<Record<RateLimitAlgorithm, RateAlgorithm>> = Object.freeze({
  'token-bucket': tokenBucket,
  'sliding-window': slidingWindow,
  'fixed-window': fixedWindow,
});

/** A LimitResult with every field set in the constructor (one object shape). */
export class RateLimitResult implements LimitResult {
  constructor(
    readonly allowed: boolean,
    readonly remaining: number,
    readonly resetSeconds: number,
    readonly retryAfterSeconds: number,
  ) {}
}

/** A Decision with every field set in the constructor. */
export class RateLimitDecision implements Decision {
  constructor(
    readonly allowed: boolean,
    readonly results: readonly LimitResult[],
    readonly tightest: number,
  ) {}
}

/** The Decision for a request no limit applies to (`tightest` -1: no result to show). */
export const EMPTY_DECISION: Decision = Object.freeze(new RateLimitDecision(true, Object.freeze([]), -1));

/**
 * One check's result from its advanced state (after `take` when the request was admitted).
 * `allowedHere`: this limit allows (decides remaining = 0 and the retry when false).
 */
export function resultOf(
  alg: RateAlgorithm,
  s: CounterState,
  limit: number,
  periodMs: number,
  burst: number,
  now: number,
  allowedHere: boolean,
): RateLimitResult {
  const reset = ceilSeconds(alg.resetMs(s, limit, periodMs, burst, now));
  if (allowedHere) return new RateLimitResult(true, alg.remaining(s, limit, periodMs, burst, now), reset, 0);
  const retry = ceilSeconds(alg.retryMs(s, limit, periodMs, burst, now));
  return new RateLimitResult(false, 0, reset, retry > 1 ? retry : 1);
}

/**
 * Index of the tightest result (the one whose numbers go into the RateLimit headers), -1 for
 * none. Denied: the denying result with the longest retryAfterSeconds. Allowed: the least
 * remaining; on a tie the longer resetSeconds (the slower limit to recover); then the first
 * (global limits come first). Every store picks with this function.
 */
export function pickTightest(results: readonly LimitResult[], allowed: boolean): number {
  let best = -1;
  for (let i = 0; i < results.length; i++) {
    const r = results[i]!;
    if (!allowed) {
      if (r.allowed) continue;
      if (best < 0 || r.retryAfterSeconds > results[best]!.retryAfterSeconds) best = i;
    } else if (best < 0) {
      best = i;
    } else {
      const b = results[best]!;
      if (r.remaining < b.remaining || (r.remaining === b.remaining && r.resetSeconds > b.resetSeconds)) best = i;
    }
  }
  return best;
}
