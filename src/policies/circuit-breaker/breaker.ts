/**
 * Circuit breaker: closed -> open on failures -> half-open probes -> closed.
 *
 * A pure state machine over an injected clock: every method takes `now` (ms, from one
 * monotonic-enough source per process, e.g. `Date.now()` or `performance.now()`), so tests drive
 * it with a fake clock and the data plane passes the time it already read for the request.
 *
 * Semantics (the keys, Envoy/Resilience4j vocabulary):
 * - closed: every request is admitted. `failureThreshold` consecutive failures open it (a success
 *   resets the count). With `failureRateThreshold` set, it also opens when, within the sliding
 *   window (1 s buckets over `windowMs`), failures * 100 / total >= failureRateThreshold and
 *   total >= minimumRequests. The rate is checked after every recorded verdict, success or failure
 *   (as Resilience4j does): a success that brings the window up to `minimumRequests` while the
 *   rate is already above the threshold opens it.
 * - open: every request is rejected until `openMs` has passed since it opened; the first
 *   `tryAcquire` after that moves it to half-open (and is the first probe).
 * - half-open: at most `halfOpenRequests` probes are admitted; when all of them succeeded it
 *   closes, and any probe failure reopens it with a fresh `openMs`. A cancelled probe (the client
 *   went away) frees its slot and counts nothing.
 *
 * Verdicts that cannot belong to the current state are ignored: in open (nothing was admitted),
 * and in half-open when no probe is in flight. A caller that wants exact attribution reads
 * `epoch` right after a successful `tryAcquire` and passes it back to `onSuccess` / `onFailure` /
 * `onCancel`; a verdict from an older epoch (the breaker changed state since the request was
 * admitted) is then ignored, so a slow request admitted while closed cannot close a half-open
 * breaker.
 */
import type { CircuitBreakerConfig } from '../../config/schema/resilience.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSettings {
  failureThreshold: number;
  openMs: number;
  halfOpenRequests: number;
  /** Percentage (0 < x <= 100) that opens the breaker in failure-rate mode; null = mode off. */
  failureRateThreshold: number | null;
  windowMs: number;
  minimumRequests: number;
}

export const BREAKER_DEFAULTS = Object.freeze({
  failureThreshold: 5,
  timeoutSeconds: 30,
  halfOpenRequests: 1,
  windowSeconds: 10,
  minimumRequests: 20,
});

/** Config (seconds, optional keys) -> settings (ms, every key). Runs once per config version. */
export function breakerSettings(cfg: CircuitBreakerConfig): BreakerSettings {
  return Object.freeze({
    failureThreshold: cfg.failureThreshold ?? BREAKER_DEFAULTS.failureThreshold,
    openMs: Math.round((cfg.timeoutSeconds ?? BREAKER_DEFAULTS.timeoutSeconds) * 1000),
    halfOpenRequests: cfg.halfOpenRequests ?? BREAKER_DEFAULTS.halfOpenRequests,
    failureRateThreshold: cfg.failureRateThreshold ?? null,
    windowMs: Math.round((cfg.windowSeconds ?? BREAKER_DEFAULTS.windowSeconds) * 1000),
    minimumRequests: cfg.minimumRequests ?? BREAKER_DEFAULTS.minimumRequests,
  });
}

/** Field-by-field equality: the registry keeps a breaker across reloads only when this holds. */
export function sameBreakerSettings(a: BreakerSettings, b: BreakerSettings): boolean {
  return (
    a.failureThreshold === b.failureThreshold &&
    a.openMs === b.openMs &&
    a.halfOpenRequests === b.halfOpenRequests &&
    a.failureRateThreshold === b.failureRateThreshold &&
    a.windowMs === b.windowMs &&
    a.minimumRequests === b.minimumRequests
  );
}

export type TransitionListener = (breaker: CircuitBreaker, from: BreakerState, to: BreakerState, now: number) => void;

const BUCKET_MS = 1000;

/**
 * Sliding failure-rate window: a ring of per-second counters plus running sums, allocated once.
 * It covers the current second and the `size - 1` seconds before it.
 */
class RateWindow {
  private readonly failures: Uint32Array;
  private readonly totals: Uint32Array;
  private readonly size: number;
  /** The second (floor(now / 1000)) of the newest bucket. */
  private head = -Infinity;
  failureSum = 0;
  totalSum = 0;

  constructor(windowMs: number) {
    this.size = Math.max(1, Math.ceil(windowMs / BUCKET_MS));
    this.failures = new Uint32Array(this.size);
    this.totals = new Uint32Array(this.size);
  }

  /** Hot path, change with care: no allocation, at most `size` iterations. */
  record(now: number, failed: boolean): void {
    const sec = Math.floor(now / BUCKET_MS);
    if (sec > this.head) {
      if (sec - this.head >= this.size) {
        this.failures.fill(0);
        this.totals.fill(0);
        this.failureSum = 0;
        this.totalSum = 0;
      } else {
        for (let s = this.head + 1; s <= sec; s++) {
          const i = this.index(s);
          this.failureSum -= this.failures[i];
          this.totalSum -= this.totals[i];
          this.failures[i] = 0;
          this.totals[i] = 0;
        }
      }
      this.head = sec;
    }
    // A clock that went backwards counts into the newest bucket.
    const i = this.index(this.head);
    this.totals[i]++;
    this.totalSum++;
    if (failed) {
      this.failures[i]++;
      this.failureSum++;
    }
  }

  reset(): void {
    this.failures.fill(0);
    this.totals.fill(0);
    this.failureSum = 0;
    this.totalSum = 0;
  }

  private index(sec: number): number {
    const i = sec % this.size;
    return i < 0 ? i + this.size : i;
  }
}

export class CircuitBreaker {
  readonly name: string;
  readonly settings: BreakerSettings;
  private listener: TransitionListener | null;
  private _state: BreakerState = 'closed';
  /** Increments on every transition; see the file comment. */
  private _epoch = 0;
  private _consecutiveFailures = 0;
  /** While open: when it may go half-open. */
  private _openUntil = 0;
  /** While half-open: probes admitted and not cancelled, and probes that succeeded. */
  private probesAdmitted = 0;
  private probesSucceeded = 0;
  private readonly window: RateWindow | null;
  private readonly rateThreshold: number;

  constructor(name: string, settings: BreakerSettings, onTransition: TransitionListener | null) {
    this.name = name;
    this.settings = settings;
    this.listener = onTransition;
    this.window = settings.failureRateThreshold === null ? null : new RateWindow(settings.windowMs);
    this.rateThreshold = settings.failureRateThreshold ?? 0;
  }

  get state(): BreakerState {
    return this._state;
  }

  /** Changes on every state transition. Read it right after a successful tryAcquire. */
  get epoch(): number {
    return this._epoch;
  }

  get consecutiveFailures(): number {
    return this._consecutiveFailures;
  }

  /** While open: the time (same clock as `now`) from which a request may probe; else 0. */
  get openUntil(): number {
    return this._state === 'open' ? this._openUntil : 0;
  }

  /** Failure-rate window (admin API): failures and total in the window; 0 when the mode is off. */
  get windowFailures(): number {
    return this.window === null ? 0 : this.window.failureSum;
  }
  get windowTotal(): number {
    return this.window === null ? 0 : this.window.totalSum;
  }

  /** Probes in flight while half-open (admitted, no verdict yet). */
  get probesInFlight(): number {
    return this._state === 'half-open' ? this.probesAdmitted - this.probesSucceeded : 0;
  }

  setListener(onTransition: TransitionListener | null): void {
    this.listener = onTransition;
  }

  /** Hot path, change with care. May this request go upstream? */
  tryAcquire(now: number): boolean {
    if (this._state === 'closed') return true;
    if (this._state === 'open') {
      if (now < this._openUntil) return false;
      this.transition('half-open', now);
    }
    if (this.probesAdmitted >= this.settings.halfOpenRequests) return false;
    this.probesAdmitted++;
    return true;
  }

  /** Hot path, change with care. A request admitted by tryAcquire succeeded. */
  onSuccess(now: number, epoch?: number): void {
    if (epoch !== undefined && epoch !== this._epoch) return;
    if (this._state === 'closed') {
      this._consecutiveFailures = 0;
      if (this.window !== null) {
        this.window.record(now, false);
        if (this.rateTripped()) this.open(now);
      }
      return;
    }
    if (this._state === 'half-open') {
      if (this.probesAdmitted <= this.probesSucceeded) return; // no probe in flight: stale
      this.probesSucceeded++;
      if (this.probesSucceeded >= this.settings.halfOpenRequests) this.close(now);
    }
    // open: nothing was admitted, the verdict is stale.
  }

  /** Hot path, change with care. A request admitted by tryAcquire failed (the caller decides what counts). */
  onFailure(now: number, epoch?: number): void {
    if (epoch !== undefined && epoch !== this._epoch) return;
    if (this._state === 'closed') {
      this._consecutiveFailures++;
      if (this._consecutiveFailures >= this.settings.failureThreshold) {
        this.open(now);
        return;
      }
      if (this.window !== null) {
        this.window.record(now, true);
        if (this.rateTripped()) this.open(now);
      }
      return;
    }
    if (this._state === 'half-open') {
      if (this.probesAdmitted <= this.probesSucceeded) return; // no probe in flight: stale
      this.open(now);
    }
  }

  /** A request admitted by tryAcquire ended without a verdict: frees a half-open probe slot, counts nothing. */
  onCancel(_now: number, epoch?: number): void {
    if (epoch !== undefined && epoch !== this._epoch) return;
    if (this._state === 'half-open' && this.probesAdmitted > this.probesSucceeded) this.probesAdmitted--;
  }

  /** While open: ms until a probe may go through (>= 0, for Retry-After); else 0. */
  retryAfterMs(now: number): number {
    if (this._state !== 'open') return 0;
    const left = this._openUntil - now;
    return left > 0 ? left : 0;
  }

  private rateTripped(): boolean {
    const w = this.window!;
    return w.totalSum >= this.settings.minimumRequests && w.failureSum * 100 >= this.rateThreshold * w.totalSum;
  }

  private open(now: number): void {
    this._openUntil = now + this.settings.openMs;
    this.transition('open', now);
  }

  private close(now: number): void {
    this.transition('closed', now);
  }

  private transition(to: BreakerState, now: number): void {
    const from = this._state;
    this._state = to;
    this._epoch++;
    this._consecutiveFailures = 0;
    this.probesAdmitted = 0;
    this.probesSucceeded = 0;
    if (this.window !== null) this.window.reset();
    if (this.listener !== null) this.listener(this, from, to, now);
  }
}

/**
 * The breakers of this process, keyed by scope (`service:orders`,
 * `route:3|service:orders|endpoint:127.0.0.1:9001`...). A breaker survives a config reload when
 * its key is still used and its settings are unchanged; a settings change gives a fresh, closed one.
 */
export class BreakerRegistry {
  private readonly breakers = new Map<string, CircuitBreaker>();

  /** Once per key per config version (not per request). Also updates the listener of a kept breaker. */
  get(key: string, settings: BreakerSettings, onTransition: TransitionListener | null): CircuitBreaker {
    const existing = this.breakers.get(key);
    if (existing !== undefined && sameBreakerSettings(existing.settings, settings)) {
      existing.setListener(onTransition);
      return existing;
    }
    const fresh = new CircuitBreaker(key, settings, onTransition);
    this.breakers.set(key, fresh);
    return fresh;
  }

  /** Forgets the breakers whose keys the new config no longer uses. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.breakers.keys()) if (!keys.has(key)) this.breakers.delete(key);
  }

  all(): IterableIterator<CircuitBreaker> {
    return this.breakers.values();
  }

  get size(): number {
    return this.breakers.size;
  }
}
