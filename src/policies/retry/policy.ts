/**
 * Retry policy, compiled once per config version: what to retry (a status lookup table and two
 * flags), how long to wait (exponential backoff with full jitter, injectable random), and the
 * per-service retry budget. The retry loop itself (back to pickEndpoint, per-try timeout, body
 * replay) lives in the data plane; this file only answers its questions.
 */
import type { RetryCondition, RetryPolicyConfig } from '../../config/schema/resilience.js';

export const RETRY_DEFAULTS = Object.freeze({
  retryOn: Object.freeze(['connect-failure', 'reset', 'gateway-error'] as const satisfies readonly RetryCondition[]),
  initialDelayMs: 100,
  backoffMultiplier: 2,
  /** maxDelayMs defaults to this many times initialDelayMs. */
  maxDelayFactor: 10,
  budgetPercent: 20,
  retryBufferBytes: 65_536,
});

export class CompiledRetryPolicy {
  /** Total attempts, the first included. */
  readonly maxAttempts: number;
  /** Deadline for each attempt's response headers; 0 = none. */
  readonly perTryTimeoutMs: number;
  readonly retryNonIdempotent: boolean;
  readonly budgetPercent: number;
  readonly retryBufferBytes: number;
  readonly initialDelayMs: number;
  readonly backoffMultiplier: number;
  readonly maxDelayMs: number;
  readonly retriesConnectFailure: boolean;
  readonly retriesReset: boolean;
  /** statusTable[status] === 1 when that status is retried (index 0..599). */
  private readonly statusTable: Uint8Array;
  private readonly random: () => number;

  constructor(cfg: RetryPolicyConfig, random: () => number = Math.random) {
    this.maxAttempts = cfg.maxAttempts;
    this.perTryTimeoutMs = cfg.perTryTimeoutMs ?? 0;
    this.retryNonIdempotent = cfg.retryNonIdempotent ?? false;
    this.budgetPercent = cfg.budgetPercent ?? RETRY_DEFAULTS.budgetPercent;
    this.retryBufferBytes = cfg.retryBufferBytes ?? RETRY_DEFAULTS.retryBufferBytes;
    this.initialDelayMs = cfg.initialDelayMs ?? RETRY_DEFAULTS.initialDelayMs;
    this.backoffMultiplier = cfg.backoffMultiplier ?? RETRY_DEFAULTS.backoffMultiplier;
    this.maxDelayMs = cfg.maxDelayMs ?? this.initialDelayMs * RETRY_DEFAULTS.maxDelayFactor;
    this.random = random;

    const table = new Uint8Array(600);
    let connect = false;
    let reset = false;
    for (const c of cfg.retryOn ?? RETRY_DEFAULTS.retryOn) {
      if (typeof c === 'number') {
        if (c >= 0 && c < 600) table[c] = 1;
        continue;
      }
      switch (c) {
        case 'connect-failure':
          connect = true;
          break;
        case 'reset':
          reset = true;
          break;
        case '5xx':
          table.fill(1, 500, 600);
          break;
        case 'gateway-error':
          table[502] = table[503] = table[504] = 1;
          break;
        case 'retriable-4xx':
          table[409] = 1;
          break;
        default: {
          const unknown: never = c;
          throw new Error(`unknown retryOn condition ${String(unknown)}`);
        }
      }
    }
    this.statusTable = table;
    this.retriesConnectFailure = connect;
    this.retriesReset = reset;
  }

  /** Hot path, change with care. Is an upstream response with this status retried? */
  retriesStatus(status: number): boolean {
    return this.statusTable[status] === 1; // out of range / non-integer index reads undefined
  }

  /**
   * Hot path, change with care. Delay before retry `retryNumber` (1 = the first retry), full
   * jitter: uniform in [0, min(maxDelayMs, initialDelayMs * multiplier^(retryNumber-1))). Not
   * rounded.
   */
  backoffMs(retryNumber: number): number {
    const initial = this.initialDelayMs;
    if (initial <= 0) return 0;
    const n = retryNumber > 1 ? retryNumber - 1 : 0;
    let base = initial * Math.pow(this.backoffMultiplier, n);
    if (!(base < this.maxDelayMs)) base = this.maxDelayMs; // also catches Infinity
    return this.random() * base;
  }

  /**
   * Hot path. May a request with this method be retried at all? Idempotent methods always; others
   * only with an Idempotency-Key header or `retryNonIdempotent`.
   */
  mayRetryMethod(method: string, hasIdempotencyKey: boolean): boolean {
    return this.retryNonIdempotent || hasIdempotencyKey || CompiledRetryPolicy.methodIsIdempotent(method);
  }

  /** Hot path, change with care. RFC 9110 9.2.2 idempotent methods (method names are case-sensitive). */
  static methodIsIdempotent(method: string): boolean {
    switch (method) {
      case 'GET':
      case 'HEAD':
      case 'OPTIONS':
      case 'TRACE':
      case 'PUT':
      case 'DELETE':
        return true;
      default:
        return false;
    }
  }
}

/**
 * Retry budget, per service and per process (Envoy's retry budget): retries in flight may be at
 * most `percent` of the service's active requests, and at least one retry is always allowed
 * (Envoy's min_retry_concurrency = 1). Stateless: the caller owns the counters.
 */
/** Retries always allowed in flight per service, whatever the percentage (as Envoy's default). */
export const MIN_RETRY_CONCURRENCY = 3;

export class RetryBudget {
  readonly percent: number;

  constructor(percent: number) {
    this.percent = percent;
  }

  /** Hot path, change with care. May a retry start now? */
  allows(activeRequests: number, activeRetries: number): boolean {
    // active * percent / 100 (not active * (percent / 100)): 100 * 0.29 is 28.999...
    // At least MIN_RETRY_CONCURRENCY retries may run at once (Envoy's min_retry_concurrency), so
    // a burst of failures on a quiet service is still retried; the percentage caps storms.
    const limit = Math.floor((activeRequests * this.percent) / 100);
    return activeRetries < (limit > MIN_RETRY_CONCURRENCY ? limit : MIN_RETRY_CONCURRENCY);
  }
}
