/**
 * Counters of events that happen inside policies and upstream state rather than at the end of a
 * request: circuit breaker transitions, injected fault delays, outlier ejections. One set per
 * process (held by UpstreamRuntime, which outlives config versions); compile binds each breaker,
 * route and service to its child once, so the event itself is one `value++`. Children are kept by
 * label values, so a reload rebinds to the same ones and counts never go backwards.
 */
import { CIRCUIT_BREAKER_METRICS } from '../policies/circuit-breaker/metrics.js';
import { FAULT_METRICS } from '../policies/fault/metrics.js';
import type { BreakerState } from '../policies/circuit-breaker/breaker.js';
import { CounterFamily, type CounterChild, type MetricJSON } from './metrics-kinds.js';

/** Declared here: ejections are upstream state, not a policy folder of their own. */
export const OUTLIER_METRICS = Object.freeze({
  ejections: Object.freeze({
    name: 'meshgate_outlier_ejections_total',
    help: 'Endpoints ejected by outlier detection (consecutive failures), by service.',
    type: 'counter',
    labels: Object.freeze(['service'] as const),
  }),
});

const STATES: readonly BreakerState[] = ['closed', 'open', 'half-open'];

/** The transition children of one breaker, by from and to state. */
export class BreakerTransitionCounters {
  private readonly byPair: ReadonlyMap<string, CounterChild>;

  constructor(family: CounterFamily, route: string, service: string, endpoint: string) {
    const byPair = new Map<string, CounterChild>();
    for (const from of STATES) for (const to of STATES) if (from !== to) byPair.set(`${from}>${to}`, family.child(route, service, endpoint, from, to));
    this.byPair = byPair;
  }

  record(from: BreakerState, to: BreakerState): void {
    const c = this.byPair.get(`${from}>${to}`);
    if (c !== undefined) c.value++;
  }
}

export class PolicyCounters {
  readonly breakerTransitions = CounterFamily.of(CIRCUIT_BREAKER_METRICS.transitions);
  readonly faultDelays = CounterFamily.of(FAULT_METRICS.delays);
  readonly outlierEjections = CounterFamily.of(OUTLIER_METRICS.ejections);

  /** Once per breaker per config version. `route` is '' for a service's breaker, `endpoint` '' unless scope is endpoint. */
  breaker(route: string, service: string, endpoint: string): BreakerTransitionCounters {
    return new BreakerTransitionCounters(this.breakerTransitions, route, service, endpoint);
  }

  collect(): MetricJSON[] {
    return [this.breakerTransitions.collect(), this.faultDelays.collect(), this.outlierEjections.collect()];
  }
}

