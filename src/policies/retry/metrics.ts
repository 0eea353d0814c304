/**
 * The retry policy's metrics, declared in one place (ARCHITECTURE point 13). Plain data: the
 * observability layer creates them and binds `route` / `service` once per route; both are counted
 * from the finished request (its attempts and outcome). Attempts cut by the per-try timeout are
 * `meshgate_upstream_timeouts_total{kind="per_try"}`.
 */
export type { MetricDecl } from '../../observability/metric-decl.js';
import type { MetricDecl } from '../../observability/metric-decl.js';

export const RETRY_METRICS = Object.freeze({
  retries: Object.freeze({
    name: 'meshgate_retries_total',
    help: 'Upstream attempts beyond the first (retries), by route and service.',
    type: 'counter',
    labels: Object.freeze(['route', 'service'] as const),
  }),
  exhausted: Object.freeze({
    name: 'meshgate_retries_exhausted_total',
    help: 'Requests on routes with a retry policy that used every attempt (maxAttempts) and still failed (status >= 500 or a gateway error).',
    type: 'counter',
    labels: Object.freeze(['route', 'service'] as const),
  }),
} as const satisfies Record<string, MetricDecl>);
