/**
 * The rate-limit contract shared by the compiler, the stores (memory, cluster, Redis) and the
 * data plane. A request is checked against every limit that applies to it at once; the check
 * is all-or-nothing (a request denied by one limit consumes none of the others), and the
 * tightest limit answers (its numbers go into the RateLimit headers).
 */
export type RateLimitAlgorithm = 'token-bucket' | 'sliding-window' | 'fixed-window';

/** One limit's numbers, resolved (after a tier lookup). Frozen; built once per config version. */
export interface LimitSpec {
  /** Name in headers, logs and metrics. */
  readonly name: string;
  readonly algorithm: RateLimitAlgorithm;
  /** Requests per period. */
  readonly limit: number;
  readonly periodMs: number;
  /** token-bucket capacity (= limit unless configured); unused by the window algorithms. */
  readonly burst: number;
}

/** One request against one limit: the spec and the counter key (`<limit name>|<key values>`). */
export interface LimitCheck {
  readonly spec: LimitSpec;
  readonly key: string;
}

export interface LimitResult {
  readonly allowed: boolean;
  /** Requests left after this one (0 when denied). */
  readonly remaining: number;
  /** Seconds until the limit is whole again (window end; bucket full), rounded up. */
  readonly resetSeconds: number;
  /** When denied: seconds until a request would be allowed, rounded up (>= 1). 0 when allowed. */
  readonly retryAfterSeconds: number;
}

export interface Decision {
  readonly allowed: boolean;
  /** One result per check, in the order of the checks. */
  readonly results: readonly LimitResult[];
  /** Index of the tightest check: the denying one with the longest retry, or the one with the least remaining. */
  readonly tightest: number;
}

/**
 * Where counters live. `consume` decides for all checks of one request in one step (for Redis:
 * one round trip). A sync store returns the Decision; an async one a Promise (never rejects:
 * store failures are handled inside, per `onStoreError`).
 */
export interface RateLimitStore {
  consume(checks: readonly LimitCheck[], now: number): Decision | Promise<Decision>;
  close(): Promise<void>;
}
