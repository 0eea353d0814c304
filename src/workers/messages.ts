import type { PlaneStatus } from '../admin/services.js';
import type { GatewayConfig } from '../config/schema/index.js';
import type { HealthUpdate } from '../upstream/health/active.js';
import type { RateLimitAlgorithm } from '../policies/rate-limit/types.js';

// --- rate limiting across workers (src/policies/rate-limit/cluster-store.ts) ---
/** A LimitSpec on the wire: [name, algorithm, limit, periodMs, burst]. */
export type WireSpec = [name: string, algorithm: RateLimitAlgorithm, limit: number, periodMs: number, burst: number];
/**
 * Worker -> primary: every rate-limit decision a worker asked for in one event-loop turn.
 * `s`: the distinct specs of this batch (each once); `c`: flat [specIndex, key, specIndex, key...]
 * over all checks of all requests; `n`: the number of checks of each request, in order. An empty
 * batch is a probe (is the primary answering again?).
 */
export interface RateLimitBatch {
  type: 'rl';
  id: number;
  s: WireSpec[];
  c: Array<number | string>;
  n: number[];
}
/**
 * Primary -> worker: the decisions of batch `id`, flat, per request in order:
 * allowed (1/0), tightest, then per check: allowed (1/0), remaining, resetSeconds, retryAfterSeconds.
 */
export interface RateLimitAnswer {
  type: 'rl';
  id: number;
  d: number[];
}

/** Messages from the primary to a worker. */
export type ToWorker =
  /** `health`: every active health verdict the primary holds, applied right after the config. */
  | { type: 'start'; config: GatewayConfig; version: number; host: string; port: number; logLevel: string; health: HealthUpdate[] }
  | { type: 'apply'; config: GatewayConfig; version: number }
  | { type: 'drain'; delayMs: number; timeoutMs: number }
  /** An active health check verdict changed (the checks run in the primary only). */
  | { type: 'health'; service: string; address: string; healthy: boolean }
  /** Admin `/services`: answer with a `service-status` carrying the same id. */
  | { type: 'service-status'; id: number }
  /** [metrics] Admin `/metrics`: answer with a `metrics` message carrying the same id. */
  | { type: 'metrics'; id: number }
  | RateLimitAnswer;

/** Messages from a worker to the primary. */
export type FromWorker =
  /** The worker's message handler is in place: IPC messages sent before this would be lost. */
  | { type: 'ready' }
  | { type: 'listening'; port: number }
  | { type: 'start-failed'; error: string }
  | { type: 'applied'; version: number }
  | { type: 'apply-failed'; version: number; error: string }
  | { type: 'drained' }
  /** `status` is null when the worker has no data plane (yet). */
  | { type: 'service-status'; id: number; status: PlaneStatus | null }
  /** [metrics] The worker's metrics (prom-client `getMetricsAsJSON()` shape): its data plane's and its process's. */
  | { type: 'metrics'; id: number; metrics: object[] }
  | RateLimitBatch;
