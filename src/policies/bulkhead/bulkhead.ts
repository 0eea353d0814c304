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

/** setTimeout's limit; longer (or non-finite) queue timeouts mean "no timer". */
const MAX_TIMER_MS = 2_147_483_647;

class Waiter implements BulkheadWaiter {
  settled = false;
  prev: Waiter | null = null;
  next: Waiter | null = null;
  timer: ReturnType<typeof setTimeout> | null = null;
  constructor(
    readonly owner: Bulkhead,
    readonly onResult: (granted: boolean) => void,
  ) {}
}

export interface BulkheadSettings {
  readonly maxConcurrent: number;
  readonly maxPending: number;
  readonly queueTimeoutMs: number;
}

export const BULKHEAD_DEFAULTS = Object.freeze({ maxPendingRequests: 0, queueTimeoutMs: 1000 });

/** Service config -> bulkhead settings, or null when the service has no `maxConcurrentRequests` (unlimited). */
export function bulkheadSettings(cfg: ServiceConfig): BulkheadSettings | null {
  if (cfg.maxConcurrentRequests === undefined) return null;
  return Object.freeze({
    maxConcurrent: cfg.maxConcurrentRequests,
    maxPending: cfg.maxPendingRequests ?? BULKHEAD_DEFAULTS.maxPendingRequests,
    queueTimeoutMs: cfg.queueTimeoutMs ?? BULKHEAD_DEFAULTS.queueTimeoutMs,
  });
}

export class Bulkhead {
  readonly maxConcurrent: number;
  readonly maxPending: number;
  readonly queueTimeoutMs: number;
  private readonly setTimer: typeof setTimeout;
  private readonly clearTimer: typeof clearTimeout;
  private _active = 0;
  private _pending = 0;
  private head: Waiter | null = null;
  private tail: Waiter | null = null;
  private readonly timeoutBound: (w: Waiter) => void;

  constructor(
    maxConcurrent: number,
    maxPending: number,
    queueTimeoutMs: number,
    setTimer: typeof setTimeout = setTimeout,
    clearTimer: typeof clearTimeout = clearTimeout,
  ) {
    this.maxConcurrent = maxConcurrent;
    this.maxPending = maxPending;
    this.queueTimeoutMs = queueTimeoutMs;
    this.setTimer = setTimer;
    this.clearTimer = clearTimer;
    this.timeoutBound = (w: Waiter) => this.timeout(w);
  }

  /** Requests holding a slot. */
  get active(): number {
    return this._active;
  }

  /** Requests queued for a slot. */
  get pending(): number {
    return this._pending;
  }

  /** Hot path, change with care. Takes a slot if one is free and nobody is queued. */
  tryAcquire(): boolean {
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
  enqueue(onResult: (granted: boolean) => void): BulkheadWaiter | null {
    const w = new Waiter(this, onResult);
    if (this.tryAcquire()) {
      w.settled = true;
      onResult(true);
      return w;
    }
    if (this._pending >= this.maxPending) return null;
    if (this.tail === null) {
      this.head = w;
    } else {
      this.tail.next = w;
      w.prev = this.tail;
    }
    this.tail = w;
    this._pending++;
    const ms = this.queueTimeoutMs;
    if (ms > 0 && ms <= MAX_TIMER_MS) w.timer = this.setTimer(this.timeoutBound, ms, w);
    return w;
  }

  /**
   * The queued request went away: it leaves the queue and its onResult is never called. A no-op
   * for a waiter already settled (one that was granted holds a slot: release() it instead).
   */
  cancel(waiter: BulkheadWaiter): void {
    if (!(waiter instanceof Waiter) || waiter.owner !== this || waiter.settled) return;
    this.unlink(waiter);
  }

  /** Hot path, change with care. Frees a slot, handing it to the oldest waiter if any. Extra releases are ignored. */
  release(): void {
    if (this._active === 0) return;
    const w = this.head;
    if (w === null) {
      this._active--;
      return;
    }
    // The slot passes to the waiter: active stays the same.
    this.unlink(w);
    w.onResult(true);
  }

  private timeout(w: Waiter): void {
    if (w.settled) return;
    w.timer = null;
    this.unlink(w);
    w.onResult(false);
  }

  /** Removes a queued waiter, marks it settled and stops its timer. */
  private unlink(w: Waiter): void {
    w.settled = true;
    if (w.timer !== null) {
      this.clearTimer(w.timer);
      w.timer = null;
    }
    if (w.prev === null) this.head = w.next;
    else w.prev.next = w.next;
    if (w.next === null) this.tail = w.prev;
    else w.next.prev = w.prev;
    w.prev = null;
    w.next = null;
    this._pending--;
  }
}
