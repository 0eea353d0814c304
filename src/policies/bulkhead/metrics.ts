/**
 * The bulkhead's metrics, declared in one place (ARCHITECTURE point 13). Plain data: the
 * observability layer creates them; the gauges are read at scrape time, rejections counted from
 * the request's error code (MG_BULKHEAD_FULL, MG_BULKHEAD_TIMEOUT) when it is done.
 */
export type { MetricDecl } from '../../observability/metric-decl.js';
import type { MetricDecl } from '../../observability/metric-decl.js';

export const BULKHEAD_METRICS = Object.freeze({
  active: Object.freeze({
    name: 'meshgate_bulkhead_active_requests',
    help: 'Requests holding a bulkhead slot of the service (this process).',
    type: 'gauge',
    labels: Object.freeze(['service'] as const),
  }),
  pending: Object.freeze({
    name: 'meshgate_bulkhead_pending_requests',
    help: 'Requests queued for a bulkhead slot of the service (this process).',
    type: 'gauge',
    labels: Object.freeze(['service'] as const),
  }),
  rejected: Object.freeze({
    name: 'meshgate_bulkhead_rejected_total',
    help: 'Requests answered 503 by the bulkhead: reason queue_full (no slot, queue full) or queue_timeout (waited queueTimeoutMs).',
    type: 'counter',
    labels: Object.freeze(['service', 'reason'] as const),
  }),
} as const satisfies Record<string, MetricDecl>);

