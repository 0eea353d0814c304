/** setTimeout's limit; longer (or non-finite) queue timeouts mean "no timer". */
const MAX_TIMER_MS = 2_147_483_647;
class Waiter {
    owner;
    onResult;
    settled = false;
    prev = null;
    next = null;
    timer = null;
    constructor(owner, onResult) {
        this.owner = owner;
        this.onResult = onResult;
    }
}
export const BULKHEAD_DEFAULTS = Object.freeze({ maxPendingRequests: 0, queueTimeoutMs: 1000 });
/** Service config -> bulkhead settings, or null when the service has no `maxConcurrentRequests` (unlimited). */
export function bulkheadSettings(cfg) {
    if (cfg.maxConcurrentRequests === undefined)
        return null;
    return Object.freeze({
        maxConcurrent: cfg.maxConcurrentRequests,
        maxPending: cfg.maxPendingRequests ?? BULKHEAD_DEFAULTS.maxPendingRequests,
        queueTimeoutMs: cfg.queueTimeoutMs ?? BULKHEAD_DEFAULTS.queueTimeoutMs,
    });
}
export class Bulkhead {
    maxConcurrent;
    maxPending;
    queueTimeoutMs;
    setTimer;
    clearTimer;
    _active = 0;
    _pending = 0;
    head = null;
    tail = null;
    timeoutBound;
    constructor(maxConcurrent, maxPending, queueTimeoutMs, setTimer = setTimeout, clearTimer = clearTimeout) {
        this.maxConcurrent = maxConcurrent;
        this.maxPending = maxPending;
        this.queueTimeoutMs = queueTimeoutMs;
        this.setTimer = setTimer;
        this.clearTimer = clearTimer;
        this.timeoutBound = (w) => this.timeout(w);
    }
    /** Requests holding a slot. */
    get active() {
        return this._active;
    }
    /** Requests queued for a slot. */
    get pending() {
        return this._pending;
    }
    /** Hot path, change with care. Takes a slot if one is free and nobody is queued. */
    tryAcquire() {
        if (this._active < this.maxConcurrent && this._pending === 0) {
            this._active++;
            return true;
        }
        return false;
    }
    /**
     * Queues for a slot (call after tryAcquire() said no). Returns null when the queue is full: the
     * caller answers 503 at once and `onResult` is never called. Otherwise `onResult(true)` is
     * called when a slot is handed over (the caller then holds it and must `release()` it), or
     * `onResult(false)` after `queueTimeoutMs`. If a slot is free and nobody is queued, it is
     * granted at once: `onResult(true)` runs before enqueue returns.
     */
    enqueue(onResult) {
        const w = new Waiter(this, onResult);
        if (this.tryAcquire()) {
            w.settled = true;
            onResult(true);
            return w;
        }
        if (this._pending >= this.maxPending)
            return null;
        if (this.tail === null) {
            this.head = w;
        }
        else {
            this.tail.next = w;
            w.prev = this.tail;
        }
        this.tail = w;
        this._pending++;
        const ms = this.queueTimeoutMs;
        if (ms > 0 && ms <= MAX_TIMER_MS)
            w.timer = this.setTimer(this.timeoutBound, ms, w);
        return w;
    }
    /**
     * The queued request went away: it leaves the queue and its onResult is never called. A no-op
     * for a waiter already settled (one that was granted holds a slot: release() it instead).
     */
    cancel(waiter) {
        if (!(waiter instanceof Waiter) || waiter.owner !== this || waiter.settled)
            return;
        this.unlink(waiter);
    }
    /** Hot path, change with care. Frees a slot, handing it to the oldest waiter if any. Extra releases are ignored. */
    release() {
        if (this._active === 0)
            return;
        const w = this.head;
        if (w === null) {
            this._active--;
            return;
        }
        // The slot passes to the waiter: active stays the same.
        this.unlink(w);
        w.onResult(true);
    }
    timeout(w) {
        if (w.settled)
            return;
        w.timer = null;
        this.unlink(w);
        w.onResult(false);
    }
    /** Removes a queued waiter, marks it settled and stops its timer. */
    unlink(w) {
        w.settled = true;
        if (w.timer !== null) {
            this.clearTimer(w.timer);
            w.timer = null;
        }
        if (w.prev === null)
            this.head = w.next;
        else
            w.prev.next = w.next;
        if (w.next === null)
            this.tail = w.prev;
        else
            w.next.prev = w.prev;
        w.prev = null;
        w.next = null;
        this._pending--;
    }
}
//# sourceMappingURL=bulkhead.js.map