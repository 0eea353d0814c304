const SCOPE = Object.freeze(['route', 'service', 'endpoint']);
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
        labels: Object.freeze([...SCOPE, 'from', 'to']),
    }),
    rejected: Object.freeze({
        name: 'meshgate_circuit_breaker_rejected_total',
        help: 'Requests answered 503 by an open (or saturated half-open) breaker without reaching the upstream.',
        type: 'counter',
        labels: SCOPE,
    }),
});
/** Gauge value of each state for `meshgate_circuit_breaker_state`. */
export const BREAKER_STATE_VALUE = Object.freeze({ closed: 0, open: 1, 'half-open': 2 });
//# sourceMappingURL=metrics.js.map