export const FAULT_METRICS = Object.freeze({
    delays: Object.freeze({
        name: 'meshgate_fault_delays_injected_total',
        help: 'Requests delayed by fault injection.',
        type: 'counter',
        labels: Object.freeze(['route']),
    }),
    aborts: Object.freeze({
        name: 'meshgate_fault_aborts_injected_total',
        help: 'Requests answered with an injected error status by fault injection.',
        type: 'counter',
        labels: Object.freeze(['route', 'status']),
    }),
});
//# sourceMappingURL=metrics.js.map