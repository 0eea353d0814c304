/**
 * In-process rate-limit store: a Map from counter key to counter state, decided synchronously.
 *
 * - All-or-nothing: every check is advanced and asked first; only when all allow is one request
 *   taken from each. A request denied by one limit consumes none of the others.
 * - Tightest: `pickTightest` (algorithms.ts), the same rule every store uses.
 * - Expiry: a counter's `expiresAt` is the time from which it equals a fresh one (bucket full,
 *   windows empty), so deleting it then changes no decision. An unref'd timer sweeps the Map
 *   incrementally (`sweepBatch` entries per tick, resuming where the last tick stopped), at the
 *   latest `now` passed to consume (so the sweep uses the caller's clock, fake or real).
 * - Bound: at most `maxKeys` counters. Inserting past it evicts one with a bounded CLOCK
 *   (second chance) scan from the oldest insertion: an expired or untouched-since-last-scan
 *   counter goes; a touched one is marked and moved to the back; after 32 steps the oldest goes
 *   regardless. An evicted live counter restarts fresh (that key briefly gets a full budget), so
 *   size maxKeys for the expected live keys; `evictions` counts it.
 * - `limitDivisor`: limits and bursts are divided by it (min 1), for the Redis store's
 *   `onStoreError: local` fallback (each of N instances admits limit/N).
 */
import { ALGORITHMS, CounterState, EMPTY_DECISION, RateLimitDecision, pickTightest, resultOf, type RateAlgorithm } from './algorithms.js';
import type { Decision, LimitCheck, LimitResult, RateLimitStore } from './types.js';

export interface MemoryStoreOptions {
  /** Most counters kept; inserting beyond evicts (see the file header). Default 100000. */
  readonly maxKeys?: number;
  /** Sweep timer period in ms; 0 disables the timer (call `sweep` yourself). Default 1000. */
  readonly sweepIntervalMs?: number;
  /** Counters examined per sweep tick. Default 10000. */
  readonly sweepBatch?: number;
  /** Divide every limit and burst by this (results floored at 1). Default 1. */
  readonly limitDivisor?: number;
}

export const MEMORY_STORE_DEFAULTS = Object.freeze({ maxKeys: 100_000, sweepIntervalMs: 1000, sweepBatch: 10_000, limitDivisor: 1 });

/** Scan steps of one eviction before the oldest goes regardless. */
const EVICT_SCAN = 32;

class Entry extends CounterState {
  /** Consumed since the eviction scan last passed it (CLOCK reference bit). */
  touched = true;
  constructor(readonly key: string) {
    super();
  }
}

export class MemoryStore implements RateLimitStore {
  readonly maxKeys: number;
  readonly limitDivisor: number;
  /** Live counters evicted to stay within maxKeys (not expiry). */
  evictions = 0;
  private readonly map = new Map<string, Entry>();
  private readonly sweepBatch: number;
  private timer: ReturnType<typeof setInterval> | null = null;
  private cursor: IterableIterator<Entry> | null = null;
  private lastNow = 0;
  /** Entries of the request being decided (reused: consume is synchronous). */
  private scratch: Entry[] = [];

  constructor(opts: MemoryStoreOptions = {}) {
    this.maxKeys = Math.max(1, opts.maxKeys ?? MEMORY_STORE_DEFAULTS.maxKeys);
    this.sweepBatch = Math.max(1, opts.sweepBatch ?? MEMORY_STORE_DEFAULTS.sweepBatch);
    const div = opts.limitDivisor ?? MEMORY_STORE_DEFAULTS.limitDivisor;
    if (!(div >= 1) || !Number.isFinite(div)) throw new RangeError(`MemoryStore: limitDivisor must be a finite number >= 1, got ${div}`);
    this.limitDivisor = div;
    const every = opts.sweepIntervalMs ?? MEMORY_STORE_DEFAULTS.sweepIntervalMs;
    if (every > 0) {
      this.timer = setInterval(this.onSweepTimer, every);
      this.timer.unref();
    }
  }

  /** Counters held now. */
  get size(): number {
    return this.map.size;
  }

  // Hot path, change with care: one Map lookup per check, no closures, one result object per
  // check plus the results array and the Decision.
  consume(checks: readonly LimitCheck[], now: number): Decision {
    const n = checks.length;
    if (n === 0) return EMPTY_DECISION;
    if (now > this.lastNow) this.lastNow = now;
    const div = this.limitDivisor;
    const entries = this.scratch;
    let allowed = true;
    for (let i = 0; i < n; i++) {
      const c = checks[i]!;
      const spec = c.spec;
      const alg = ALGORITHMS[spec.algorithm];
      const limit = div === 1 ? spec.limit : Math.max(1, spec.limit / div);
      const burst = div === 1 ? spec.burst : Math.max(1, spec.burst / div);
      let e = this.map.get(c.key);
      if (e === undefined) {
        e = this.insert(c.key, now);
        alg.init(e, limit, spec.periodMs, burst, now);
      } else if (e.algorithm !== spec.algorithm || e.periodMs !== spec.periodMs) {
        alg.init(e, limit, spec.periodMs, burst, now);
      } else {
        alg.advance(e, limit, spec.periodMs, burst, now);
      }
      e.touched = true;
      entries[i] = e;
      if (allowed && !alg.allows(e, limit, spec.periodMs, burst, now)) allowed = false;
    }
    const results: LimitResult[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const spec = checks[i]!.spec;
      const alg: RateAlgorithm = ALGORITHMS[spec.algorithm];
      const limit = div === 1 ? spec.limit : Math.max(1, spec.limit / div);
      const burst = div === 1 ? spec.burst : Math.max(1, spec.burst / div);
      const e = entries[i]!;
      let here: boolean;
      if (allowed) {
        alg.take(e, limit, spec.periodMs, burst, now);
        here = true;
      } else {
        here = alg.allows(e, limit, spec.periodMs, burst, now);
      }
      results[i] = resultOf(alg, e, limit, spec.periodMs, burst, now, here);
    }
    return new RateLimitDecision(allowed, results, pickTightest(results, allowed));
  }

  /**
   * Deletes counters expired at `now` (default: the latest `now` seen by consume). With the
   * default budget it makes one full pass; with a budget it examines that many counters,
   * resuming where the previous budgeted call stopped. Returns how many it deleted.
   */
  sweep(now: number = this.lastNow, budget = Infinity): number {
    if (budget === Infinity) this.cursor = null;
    const it = this.cursor ?? this.map.values();
    let removed = 0;
    for (let i = 0; i < budget; i++) {
      const r = it.next();
      if (r.done === true) {
        this.cursor = null;
        return removed;
      }
      const e = r.value;
      if (e.expiresAt <= now) {
        this.map.delete(e.key);
        removed++;
      }
    }
    this.cursor = it;
    return removed;
  }

  close(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.cursor = null;
    this.map.clear();
    return Promise.resolve();
  }

  private readonly onSweepTimer = (): void => {
    this.sweep(this.lastNow, this.sweepBatch);
  };

  private insert(key: string, now: number): Entry {
    if (this.map.size >= this.maxKeys) this.evictOne(now);
    const e = new Entry(key);
    this.map.set(key, e);
    return e;
  }

  /** Bounded CLOCK scan from the oldest insertion (see the file header). */
  private evictOne(now: number): void {
    for (let step = 0; step < EVICT_SCAN; step++) {
      const e = this.map.values().next().value;
      if (e === undefined) return;
      if (e.expiresAt <= now) {
        this.map.delete(e.key);
        return;
      }
      if (!e.touched) {
        this.map.delete(e.key);
        this.evictions++;
        return;
      }
      e.touched = false;
      this.map.delete(e.key);
      this.map.set(e.key, e);
    }
    const oldest = this.map.values().next().value;
    if (oldest !== undefined) {
      this.map.delete(oldest.key);
      this.evictions++;
    }
  }
}
