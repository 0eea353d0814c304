export const BREAKER_DEFAULTS = Object.freeze({
    failureThreshold: 5,
    timeoutSeconds: 30,
    halfOpenRequests: 1,
    windowSeconds: 10,
    minimumRequests: 20,
});
/** Config (seconds, optional keys) -> settings (ms, every key). Runs once per config version. */
export function breakerSettings(cfg) {
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
export function sameBreakerSettings(a, b) {
    return (a.failureThreshold === b.failureThreshold &&
        a.openMs === b.openMs &&
        a.halfOpenRequests === b.halfOpenRequests &&
        a.failureRateThreshold === b.failureRateThreshold &&
        a.windowMs === b.windowMs &&
        a.minimumRequests === b.minimumRequests);
}
const BUCKET_MS = 1000;
/**
 * Sliding failure-rate window: a ring of per-second counters plus running sums, allocated once.
 * It covers the current second and the `size - 1` seconds before it.
 */
class RateWindow {
    failures;
    totals;
    size;
    /** The second (floor(now / 1000)) of the newest bucket. */
    head = -Infinity;
    failureSum = 0;
    totalSum = 0;
    constructor(windowMs) {
        this.size = Math.max(1, Math.ceil(windowMs / BUCKET_MS));
        this.failures = new Uint32Array(this.size);
        this.totals = new Uint32Array(this.size);
    }
    /** Hot path, change with care: no allocation, at most `size` iterations. */
    record(now, failed) {
        const sec = Math.floor(now / BUCKET_MS);
        if (sec > this.head) {
            if (sec - this.head >= this.size) {
                this.failures.fill(0);
                this.totals.fill(0);
                this.failureSum = 0;
                this.totalSum = 0;
            }
            else {
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
    reset() {
        this.failures.fill(0);
        this.totals.fill(0);
        this.failureSum = 0;
        this.totalSum = 0;
    }
    index(sec) {
        const i = sec % this.size;
        return i < 0 ? i + this.size : i;
    }
}
export class CircuitBreaker {
    name;
    settings;
    listener;
    _state = 'closed';
    /** Increments on every transition; see the file comment. */
    _epoch = 0;
    _consecutiveFailures = 0;
    /** While open: when it may go half-open. */
    _openUntil = 0;
    /** While half-open: probes admitted and not cancelled, and probes that succeeded. */
    probesAdmitted = 0;
    probesSucceeded = 0;
    window;
    rateThreshold;
    constructor(name, settings, onTransition) {
        this.name = name;
        this.settings = settings;
        this.listener = onTransition;
        this.window = settings.failureRateThreshold === null ? null : new RateWindow(settings.windowMs);
        this.rateThreshold = settings.failureRateThreshold ?? 0;
    }
    get state() {
        return this._state;
    }
    /** Changes on every state transition. Read it right after a successful tryAcquire. */
    get epoch() {
        return this._epoch;
    }
    get consecutiveFailures() {
        return this._consecutiveFailures;
    }
    /** While open: the time (same clock as `now`) from which a request may probe; else 0. */
    get openUntil() {
        return this._state === 'open' ? this._openUntil : 0;
    }
    /** Failure-rate window (admin API): failures and total in the window; 0 when the mode is off. */
    get windowFailures() {
        return this.window === null ? 0 : this.window.failureSum;
    }
    get windowTotal() {
        return this.window === null ? 0 : this.window.totalSum;
    }
    /** Probes in flight while half-open (admitted, no verdict yet). */
    get probesInFlight() {
        return this._state === 'half-open' ? this.probesAdmitted - this.probesSucceeded : 0;
    }
    setListener(onTransition) {
        this.listener = onTransition;
    }
    /** Hot path, change with care. May this request go upstream? */
    tryAcquire(now) {
        if (this._state === 'closed')
            return true;
        if (this._state === 'open') {
            if (now < this._openUntil)
                return false;
            this.transition('half-open', now);
        }
        if (this.probesAdmitted >= this.settings.halfOpenRequests)
            return false;
        this.probesAdmitted++;
        return true;
    }
    /** Hot path, change with care. A request admitted by tryAcquire succeeded. */
    onSuccess(now, epoch) {
        if (epoch !== undefined && epoch !== this._epoch)
            return;
        if (this._state === 'closed') {
            this._consecutiveFailures = 0;
            if (this.window !== null) {
                this.window.record(now, false);
                if (this.rateTripped())
                    this.open(now);
            }
            return;
        }
        if (this._state === 'half-open') {
            if (this.probesAdmitted <= this.probesSucceeded)
                return; // no probe in flight: stale
            this.probesSucceeded++;
            if (this.probesSucceeded >= this.settings.halfOpenRequests)
                this.close(now);
        }
        // open: nothing was admitted, the verdict is stale.
    }
    /** Hot path, change with care. A request admitted by tryAcquire failed (the caller decides what counts). */
    onFailure(now, epoch) {
        if (epoch !== undefined && epoch !== this._epoch)
            return;
        if (this._state === 'closed') {
            this._consecutiveFailures++;
            if (this._consecutiveFailures >= this.settings.failureThreshold) {
                this.open(now);
                return;
            }
            if (this.window !== null) {
                this.window.record(now, true);
                if (this.rateTripped())
                    this.open(now);
            }
            return;
        }
        if (this._state === 'half-open') {
            if (this.probesAdmitted <= this.probesSucceeded)
                return; // no probe in flight: stale
            this.open(now);
        }
    }
    /** A request admitted by tryAcquire ended without a verdict: frees a half-open probe slot, counts nothing. */
    onCancel(_now, epoch) {
        if (epoch !== undefined && epoch !== this._epoch)
            return;
        if (this._state === 'half-open' && this.probesAdmitted > this.probesSucceeded)
            this.probesAdmitted--;
    }
    /** While open: ms until a probe may go through (>= 0, for Retry-After); else 0. */
    retryAfterMs(now) {
        if (this._state !== 'open')
            return 0;
        const left = this._openUntil - now;
        return left > 0 ? left : 0;
    }
    rateTripped() {
        const w = this.window;
        return w.totalSum >= this.settings.minimumRequests && w.failureSum * 100 >= this.rateThreshold * w.totalSum;
    }
    open(now) {
        this._openUntil = now + this.settings.openMs;
        this.transition('open', now);
    }
    close(now) {
        this.transition('closed', now);
    }
    transition(to, now) {
        const from = this._state;
        this._state = to;
        this._epoch++;
        this._consecutiveFailures = 0;
        this.probesAdmitted = 0;
        this.probesSucceeded = 0;
        if (this.window !== null)
            this.window.reset();
        if (this.listener !== null)
            this.listener(this, from, to, now);
    }
}
/**
 * The breakers of this process, keyed by scope (`service:orders`,
 * `route:3|service:orders|endpoint:127.0.0.1:9001`...). A breaker survives a config reload when
 * its key is still used and its settings are unchanged; a settings change gives a fresh, closed one.
 */
export class BreakerRegistry {
    breakers = new Map();
    /** Once per key per config version (not per request). Also updates the listener of a kept breaker. */
    get(key, settings, onTransition) {
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
    retain(keys) {
        for (const key of this.breakers.keys())
            if (!keys.has(key))
                this.breakers.delete(key);
    }
    all() {
        return this.breakers.values();
    }
    get size() {
        return this.breakers.size;
    }
}
//# sourceMappingURL=breaker.js.map