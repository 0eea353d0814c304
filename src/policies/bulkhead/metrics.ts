/**
 * The bulkhead's metrics, declared in one place (ARCHITECTURE point 13). Plain data: the
 * observability layer creates them and compile binds `service` once per bulkhead.
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
  queueWait: Object.freeze({
    name: 'meshgate_bulkhead_queue_wait_seconds',
    help: 'Time queued requests waited for a bulkhead slot (granted or not).',
    type: 'histogram',
    labels: Object.freeze(['service'] as const),
    buckets: Object.freeze([0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]),
  }),
} as const satisfies Record<string, MetricDecl>);

export const BULKHEAD_REJECT_REASONS = Object.freeze(['queue_full', 'queue_timeout'] as const);
