/**
 * Bulkhead: caps the requests in flight to one service (per process) and queues a bounded number
 * of the overflow for at most `queueTimeoutMs`, so one slow service cannot take the capacity of
 * another. Overflow beyond the queue is refused at once (the caller answers 503).
 *
 * Slots are handed over, not released and re-taken: `release()` with a waiter queued gives the
 * slot straight to the oldest waiter (FIFO), and `tryAcquire()` refuses while anyone is queued,
 * so a newcomer cannot jump the queue.
 *
 * Timers are injectable (`setTimer` / `clearTimer`) for tests with a fake clock. One timer per
 * queued request, started with `setTimer(fn, ms, waiter)` on a callback bound once: no closure
 * per request.
 */
import type { ServiceConfig } from '../../config/schema/service.js';
/** A queued request. `settled` becomes true once it was granted a slot, timed out or cancelled. */
export interface BulkheadWaiter {
    readonly settled: boolean;
}
export interface BulkheadSettings {
    readonly maxConcurrent: number;
    readonly maxPending: number;
    readonly queueTimeoutMs: number;
}
export declare const BULKHEAD_DEFAULTS: Readonly<{
    maxPendingRequests: 0;
    queueTimeoutMs: 1000;
}>;
/** Service config -> bulkhead settings, or null when the service has no `maxConcurrentRequests` (unlimited). */
export declare function bulkheadSettings(cfg: ServiceConfig): BulkheadSettings | null;
export declare class Bulkhead {
    readonly maxConcurrent: number;
    readonly maxPending: number;
    readonly queueTimeoutMs: number;
    private readonly setTimer;
    private readonly clearTimer;
    private _active;
    private _pending;
    private head;
    private tail;
    private readonly timeoutBound;
    constructor(maxConcurrent: number, maxPending: number, queueTimeoutMs: number, setTimer?: typeof setTimeout, clearTimer?: typeof clearTimeout);
    /** Requests holding a slot. */
    get active(): number;
    /** Requests queued for a slot. */
    get pending(): number;
    /** Hot path, change with care. Takes a slot if one is free and nobody is queued. */
    tryAcquire(): boolean;
    /**
     * Queues for a slot (call after tryAcquire() said no). Returns null when the queue is full: the
     * caller answers 503 at once and `onResult` is never called. Otherwise `onResult(true)` is
     * called when a slot is handed over (the caller then holds it and must `release()` it), or
     * `onResult(false)` after `queueTimeoutMs`. If a slot is free and nobody is queued, it is
     * granted at once: `onResult(true)` runs before enqueue returns.
     */
    enqueue(onResult: (granted: boolean) => void): BulkheadWaiter | null;
    /**
     * The queued request went away: it leaves the queue and its onResult is never called. A no-op
     * for a waiter already settled (one that was granted holds a slot: release() it instead).
     */
    cancel(waiter: BulkheadWaiter): void;
    /** Hot path, change with care. Frees a slot, handing it to the oldest waiter if any. Extra releases are ignored. */
    release(): void;
    private timeout;
    /** Removes a queued waiter, marks it settled and stops its timer. */
    private unlink;
}
