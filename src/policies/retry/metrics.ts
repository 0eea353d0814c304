/**
 * The retry policy's metrics, declared in one place (ARCHITECTURE point 13). Plain data: the
 * observability layer creates them and compile binds `route` / `service` once per route.
 */
export type { MetricDecl } from '../../observability/metric-decl.js';
import type { MetricDecl } from '../../observability/metric-decl.js';

export const RETRY_METRICS = Object.freeze({
  retries: Object.freeze({
    name: 'meshgate_retries_total',
    help: 'Retries started, by what triggered them: connect-failure, reset, per-try-timeout or status (the status class, e.g. 5xx).',
    type: 'counter',
    labels: Object.freeze(['route', 'service', 'reason'] as const),
  }),
  exhausted: Object.freeze({
    name: 'meshgate_retries_exhausted_total',
    help: 'Requests that still failed after maxAttempts attempts.',
    type: 'counter',
    labels: Object.freeze(['route', 'service'] as const),
  }),
  budgetExhausted: Object.freeze({
    name: 'meshgate_retry_budget_exhausted_total',
    help: 'Retries not started because the service retry budget was spent.',
    type: 'counter',
    labels: Object.freeze(['service'] as const),
  }),
  skipped: Object.freeze({
    name: 'meshgate_retries_skipped_total',
    help: 'Retriable failures not retried: reason non_idempotent (method without Idempotency-Key) or body_too_large (over retryBufferBytes).',
    type: 'counter',
    labels: Object.freeze(['route', 'service', 'reason'] as const),
  }),
  attempts: Object.freeze({
    name: 'meshgate_request_attempts',
    help: 'Upstream attempts per request on routes with a retry policy (1 = no retry).',
    type: 'histogram',
    labels: Object.freeze(['route', 'service'] as const),
    buckets: Object.freeze([1, 2, 3, 4, 5, 8]),
  }),
} as const satisfies Record<string, MetricDecl>);
