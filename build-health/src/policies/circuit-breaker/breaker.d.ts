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
export declare const BREAKER_DEFAULTS: Readonly<{
    failureThreshold: 5;
    timeoutSeconds: 30;
    halfOpenRequests: 1;
    windowSeconds: 10;
    minimumRequests: 20;
}>;
/** Config (seconds, optional keys) -> settings (ms, every key). Runs once per config version. */
export declare function breakerSettings(cfg: CircuitBreakerConfig): BreakerSettings;
/** Field-by-field equality: the registry keeps a breaker across reloads only when this holds. */
export declare function sameBreakerSettings(a: BreakerSettings, b: BreakerSettings): boolean;
export type TransitionListener = (breaker: CircuitBreaker, from: BreakerState, to: BreakerState, now: number) => void;
export declare class CircuitBreaker {
    readonly name: string;
    readonly settings: BreakerSettings;
    private listener;
    private _state;
    /** Increments on every transition; see the file comment. */
    private _epoch;
    private _consecutiveFailures;
    /** While open: when it may go half-open. */
    private _openUntil;
    /** While half-open: probes admitted and not cancelled, and probes that succeeded. */
    private probesAdmitted;
    private probesSucceeded;
    private readonly window;
    private readonly rateThreshold;
    constructor(name: string, settings: BreakerSettings, onTransition: TransitionListener | null);
    get state(): BreakerState;
    /** Changes on every state transition. Read it right after a successful tryAcquire. */
    get epoch(): number;
    get consecutiveFailures(): number;
    /** While open: the time (same clock as `now`) from which a request may probe; else 0. */
    get openUntil(): number;
    /** Failure-rate window (admin API): failures and total in the window; 0 when the mode is off. */
    get windowFailures(): number;
    get windowTotal(): number;
    /** Probes in flight while half-open (admitted, no verdict yet). */
    get probesInFlight(): number;
    setListener(onTransition: TransitionListener | null): void;
    /** Hot path, change with care. May this request go upstream? */
    tryAcquire(now: number): boolean;
    /** Hot path, change with care. A request admitted by tryAcquire succeeded. */
    onSuccess(now: number, epoch?: number): void;
    /** Hot path, change with care. A request admitted by tryAcquire failed (the caller decides what counts). */
    onFailure(now: number, epoch?: number): void;
    /** A request admitted by tryAcquire ended without a verdict: frees a half-open probe slot, counts nothing. */
    onCancel(_now: number, epoch?: number): void;
    /** While open: ms until a probe may go through (>= 0, for Retry-After); else 0. */
    retryAfterMs(now: number): number;
    private rateTripped;
    private open;
    private close;
    private transition;
}
/**
 * The breakers of this process, keyed by scope (`service:orders`,
 * `route:3|service:orders|endpoint:127.0.0.1:9001`...). A breaker survives a config reload when
 * its key is still used and its settings are unchanged; a settings change gives a fresh, closed one.
 */
export declare class BreakerRegistry {
    private readonly breakers;
    /** Once per key per config version (not per request). Also updates the listener of a kept breaker. */
    get(key: string, settings: BreakerSettings, onTransition: TransitionListener | null): CircuitBreaker;
    /** Forgets the breakers whose keys the new config no longer uses. */
    retain(keys: ReadonlySet<string>): void;
    all(): IterableIterator<CircuitBreaker>;
    get size(): number;
}
