/**
 * The circuit breaker's metrics, declared in one place (ARCHITECTURE point 13). Plain data: the
 * observability layer creates them (prom-client) and compile binds the labels once per breaker,
 * so the hot path only calls `.inc()` / `.set()` on pre-bound children.
 *
 * Labels: `route` (route index or name, "" when the breaker is per service), `service`,
 * `endpoint` (`host:port`, "" unless scope is endpoint).
 */
export type { MetricDecl } from '../../observability/metric-decl.js';
import type { MetricDecl } from '../../observability/metric-decl.js';

const SCOPE = Object.freeze(['route', 'service', 'endpoint'] as const);

export const CIRCUIT_BREAKER_METRICS = Object.freeze({
  state: Object.freeze({
    name: 'meshgate_circuit_breaker_state',
    help: 'Circuit breaker state: 0 closed, 1 open, 2 half-open.',
    type: 'gauge',
    labels: SCOPE,
  }),
  transitions: Object.freeze({
    name: 'meshgate_circuit_breaker_transitions_total',
    help: 'Circuit breaker state transitions.',
    type: 'counter',
    labels: Object.freeze([...SCOPE, 'from', 'to'] as const),
  }),
  rejected: Object.freeze({
    name: 'meshgate_circuit_breaker_rejected_total',
    help: 'Requests answered 503 by an open (or saturated half-open) breaker without reaching the upstream.',
    type: 'counter',
    labels: SCOPE,
  }),
} as const satisfies Record<string, MetricDecl>);

/** Gauge value of each state for `meshgate_circuit_breaker_state`. */
export const BREAKER_STATE_VALUE = Object.freeze({ closed: 0, open: 1, 'half-open': 2 } as const);
