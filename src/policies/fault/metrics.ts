/**
 * Fault injection's metrics, declared in one place (ARCHITECTURE point 13). Plain data: the
 * observability layer creates them; compile binds the delay counter once per route, aborts are
 * counted from the request's error code (MG_FAULT_INJECTED) and status when it is done.
 */
export type { MetricDecl } from '../../observability/metric-decl.js';
import type { MetricDecl } from '../../observability/metric-decl.js';

export const FAULT_METRICS = Object.freeze({
  delays: Object.freeze({
    name: 'meshgate_fault_delays_injected_total',
    help: 'Requests delayed by fault injection.',
    type: 'counter',
    labels: Object.freeze(['route'] as const),
  }),
  aborts: Object.freeze({
    name: 'meshgate_fault_aborts_injected_total',
    help: 'Requests answered with an injected error status by fault injection.',
    type: 'counter',
    labels: Object.freeze(['route', 'status'] as const),
  }),
} as const satisfies Record<string, MetricDecl>);
