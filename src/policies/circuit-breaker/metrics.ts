/**
 * The circuit breaker's metrics, declared in one place (ARCHITECTURE point 13). Plain data: the
 * observability layer creates the families; compile binds each breaker's transition children once,
 * and the state is read at scrape time. Requests an open breaker refused are
 * `meshgate_gateway_errors_total{code="MG_CIRCUIT_OPEN"}`.
 *
 * Labels: `route` (route name, "" when the breaker is the service's), `service`, `endpoint`
 * (`host:port`, "" unless scope is endpoint).
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
    help: 'Circuit breaker state transitions, by from and to state (closed, open, half-open).',
    type: 'counter',
    labels: Object.freeze([...SCOPE, 'from', 'to'] as const),
  }),
} as const satisfies Record<string, MetricDecl>);

/** Gauge value of each state for `meshgate_circuit_breaker_state`. */
export const BREAKER_STATE_VALUE = Object.freeze({ closed: 0, open: 1, 'half-open': 2 } as const);
