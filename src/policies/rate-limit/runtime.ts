/**
 * The rate-limit step of the request pipeline: a route's compiled limits bound to the process's
 * store. Sync with the in-process MemoryStore (workers: 1); a Promise with the node's store in
 * the supervisor (workers > 1) or Redis (a fleet).
 */
import type { RateLimitStoreConfig } from '../../config/schema/index.js';
import type { Logger } from '../../observability/logger.js';
import { rateLimitStoreForThisProcess } from './cluster-store.js';
import type { CompiledRateLimits } from './compile.js';
import { MemoryStore } from './memory-store.js';
import { RedisStore } from './redis-store.js';
import type { Decision, LimitCheck, RateLimitStore } from './types.js';

/** The process's rate-limit store, created on first use (the supervisor never uses it). */
export class RateLimitStoreHolder {
  private store: RateLimitStore | null = null;
  private key = '';
  private config: RateLimitStoreConfig | undefined = undefined;
  logger: Logger | null = null;

  /** The store settings of the current config version; a changed Redis target replaces the store. */
  configure(config: RateLimitStoreConfig | undefined): void {
    const key = JSON.stringify(config ?? {});
    if (key === this.key) return;
    this.key = key;
    this.config = config;
    const old = this.store;
    this.store = null;
    // In-flight decisions on the old store still settle; it closes once they have had time to.
    if (old !== null) setTimeout(() => void old.close().catch(() => undefined), 1000).unref();
  }

  // Hot path, change with care.
  get(): RateLimitStore {
    return this.store ?? (this.store = this.create());
  }

  private create(): RateLimitStore {
    const cfg = this.config;
    if (cfg?.type === 'redis') {
      if (this.logger === null) throw new Error('rate-limit store needs a logger');
      return new RedisStore(cfg, { logger: this.logger });
    }
    return rateLimitStoreForThisProcess(this.logger ?? undefined) ?? new MemoryStore();
  }

  async close(): Promise<void> {
    const store = this.store;
    this.store = null;
    if (store !== null) await store.close();
  }
}

/** Decisions of one limit on one route in this process: the hook metrics will export. */
export class LimitCounts {
  allowed = 0;
  limited = 0;
}

export class RouteRateLimiter {
  readonly compiled: CompiledRateLimits;
  /** By limit name: requests it admitted and requests it denied (as the tightest limit). */
  readonly counts = new Map<string, LimitCounts>();
  private readonly holder: RateLimitStoreHolder;

  constructor(compiled: CompiledRateLimits, holder: RateLimitStoreHolder) {
    this.compiled = compiled;
    this.holder = holder;
  }

  /**
   * Hot path: the decision for this request, or null when no limit applies to it (every key
   * missing). The checks array is the request's own (the store may hold it until it answers).
   */
  check(rawHeaders: readonly string[], clientAddress: string, out: LimitCheck[]): Decision | Promise<Decision> | null {
    if (this.compiled.checks(rawHeaders, clientAddress, out) === 0) return null;
    return this.holder.get().consume(out, Date.now());
  }

  /** Counts the decision: every limit of an admitted request, or the one that denied it. */
  record(checks: readonly LimitCheck[], decision: Decision): void {
    if (decision.allowed) {
      for (let i = 0; i < checks.length; i++) this.countsOf(checks[i]!.spec.name).allowed++;
    } else {
      this.countsOf(checks[decision.tightest]!.spec.name).limited++;
    }
  }

  private countsOf(name: string): LimitCounts {
    let c = this.counts.get(name);
    if (c === undefined) {
      c = new LimitCounts();
      this.counts.set(name, c);
    }
    return c;
  }

  /** Header lines for the response (RateLimit-Policy, RateLimit...; Retry-After when denied). */
  headers(checks: readonly LimitCheck[], decision: Decision): string {
    return this.compiled.headers(checks, decision);
  }
}
