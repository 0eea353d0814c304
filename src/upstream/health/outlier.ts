/**
 * Passive outlier detection, Envoy's semantics, per data-plane process: endpoints that keep
 * failing real requests are ejected from the rotation for a while.
 *
 * - Every upstream attempt reports to its service's detector: `onSuccess` resets the endpoint's
 *   run of failures, `onFailure` (a 5xx, or a gateway failure: connect failure, reset, timeout)
 *   extends it. At `consecutiveFailures` in a row the endpoint is ejected, if allowed (below),
 *   and the run starts over either way (as Envoy: a refused ejection is tried again only after
 *   another full run of failures).
 * - An ejection lasts `baseEjectionMs x ejectionCount`, the count incremented first (1x, 2x,
 *   3x...), capped at `maxEjectionMs` (Envoy's max_ejection_time, 300 s by default, or the base
 *   time when that is longer).
 * - An ejection is allowed only when
 *   1. another endpoint of the service stays available (healthy and not ejected): detection alone
 *      never empties a service, whatever `maxEjectionPercent` says, and
 *   2. `maxEjectionPercent` > 0, and either nothing of the service is ejected yet (Envoy's "ejects
 *      at least one host regardless of the value": with 2-9 endpoints and the default 10 % one
 *      may go), or the ejected endpoints, this one included, stay within maxEjectionPercent of
 *      the service's endpoints. 0 turns ejection off.
 * - A sweep (one timer per data plane: OutlierSweeper) returns endpoints whose ejection expired:
 *   an ejection lasts until the first sweep after its end, so up to one interval longer (as
 *   Envoy). Every `intervalMs`, an endpoint that has been back in the rotation for at least one
 *   interval has its ejectionCount decremented (Envoy decrements the backoff multiplier after an
 *   interval without ejection), so an endpoint that recovered earns back short ejections.
 *
 * Detectors are built once per config version (UpstreamService); the state they act on
 * (EndpointState) outlives versions, so an ejection survives a reload.
 */
import type { OutlierDetectionConfig } from '../../config/schema/index.js';
import type { Logger } from '../../observability/logger.js';
import type { EndpointState } from '../endpoint-state.js';

export const OUTLIER_DEFAULTS = Object.freeze({
  consecutiveFailures: 5,
  intervalMs: 10_000,
  baseEjectionMs: 30_000,
  maxEjectionPercent: 10,
  /** Envoy's max_ejection_time default; not configurable yet (the base time wins when longer). */
  maxEjectionMs: 300_000,
});

/** Why an ejection did not happen (also logged). */
export type EjectionRefusal = 'last-available-endpoint' | 'max-ejection-percent' | 'disabled';

export class OutlierDetector {
  readonly service: string;
  readonly consecutiveFailures: number;
  readonly intervalMs: number;
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
  readonly maxEjectionPercent: number;
  /** The service's endpoint states (each once). */
  readonly states: readonly EndpointState[];
  /** Ejections made and refused by this detector (this config version). */
  ejections = 0;
  refusals = 0;
  private readonly logger: Logger | null;
  /** Ejections across config versions (a pre-bound metric child), or null. */
  private readonly ejectionCounter: { value: number } | null;
  /** When ejection counts last decayed; -1 before the first sweep. */
  private lastDecayAt = -1;

  constructor(service: string, cfg: OutlierDetectionConfig, states: readonly EndpointState[], logger: Logger | null, ejectionCounter: { value: number } | null = null) {
    this.service = service;
    this.consecutiveFailures = cfg.consecutiveFailures ?? OUTLIER_DEFAULTS.consecutiveFailures;
    this.intervalMs = cfg.intervalMs ?? OUTLIER_DEFAULTS.intervalMs;
    this.baseEjectionMs = cfg.baseEjectionMs ?? OUTLIER_DEFAULTS.baseEjectionMs;
    this.maxEjectionMs = Math.max(OUTLIER_DEFAULTS.maxEjectionMs, this.baseEjectionMs);
    this.maxEjectionPercent = cfg.maxEjectionPercent ?? OUTLIER_DEFAULTS.maxEjectionPercent;
    this.states = Object.freeze([...new Set(states)]);
    this.logger = logger;
    this.ejectionCounter = ejectionCounter;
  }

  // Hot path, change with care: called after every upstream attempt that got a non-5xx answer.
  onSuccess(state: EndpointState): void {
    state.consecutiveFailures = 0;
  }

  // Hot path, change with care: a 5xx answer or a gateway failure (connect failure, reset, timeout).
  onFailure(state: EndpointState, now: number): void {
    if (state.ejected) return; // late answers of requests sent before the ejection
    if (++state.consecutiveFailures < this.consecutiveFailures) return;
    state.consecutiveFailures = 0;
    this.eject(state, now);
  }

  /** Ejects `state` if the rules allow it; returns why not otherwise (null when ejected). */
  eject(state: EndpointState, now: number): EjectionRefusal | null {
    let ejected = 0;
    let othersAvailable = 0;
    for (const s of this.states) {
      if (s.ejected) ejected++;
      else if (s !== state && s.healthy) othersAvailable++;
    }
    let refusal: EjectionRefusal | null = null;
    if (this.maxEjectionPercent <= 0) refusal = 'disabled';
    else if (othersAvailable === 0) refusal = 'last-available-endpoint';
    else if (ejected > 0 && (ejected + 1) * 100 > this.maxEjectionPercent * this.states.length) refusal = 'max-ejection-percent';
    if (refusal !== null) {
      this.refusals++;
      this.logger?.warn(
        { event: 'outlier_ejection_refused', service: this.service, address: state.address, reason: refusal, ejected, endpoints: this.states.length },
        `outlier ${state.address} of ${this.service} not ejected: ${refusal}`,
      );
      return refusal;
    }
    // The multiplier stops growing once the ejection time reaches the cap (as Envoy).
    if (this.baseEjectionMs * state.ejectionCount < this.maxEjectionMs) state.ejectionCount++;
    const ejectionMs = Math.min(this.baseEjectionMs * state.ejectionCount, this.maxEjectionMs);
    state.ejected = true;
    state.ejectedUntil = now + ejectionMs;
    this.ejections++;
    if (this.ejectionCounter !== null) this.ejectionCounter.value++;
    this.logger?.warn(
      { event: 'outlier_ejection', service: this.service, address: state.address, ejectionMs, ejectionCount: state.ejectionCount, until: new Date(state.ejectedUntil).toISOString() },
      `endpoint ${state.address} of ${this.service} ejected for ${ejectionMs} ms`,
    );
    return null;
  }

  /** Returns expired ejections; once per interval, decays the ejection count of recovered endpoints. */
  sweep(now: number): void {
    // Timers may fire a millisecond early by Date.now(): a small tolerance.
    const decay = this.lastDecayAt >= 0 && now - this.lastDecayAt >= this.intervalMs - 2;
    if (decay || this.lastDecayAt < 0) this.lastDecayAt = now;
    for (const state of this.states) {
      if (state.ejected) {
        if (now >= state.ejectedUntil) {
          state.ejected = false;
          state.consecutiveFailures = 0;
          this.logger?.info(
            { event: 'outlier_return', service: this.service, address: state.address, ejectionCount: state.ejectionCount },
            `endpoint ${state.address} of ${this.service} back in the rotation`,
          );
        }
      } else if (decay && state.ejectionCount > 0 && now - state.ejectedUntil >= this.intervalMs - 2) {
        // `ejectedUntil` stays as the end of the last ejection: back for at least an interval.
        state.ejectionCount--;
      }
    }
  }

  /** How many of the service's endpoints are ejected now. */
  get ejectedCount(): number {
    let n = 0;
    for (const s of this.states) if (s.ejected) n++;
    return n;
  }
}

/** The detector of a service, or null when it has no `outlierDetection`. Once per config version. */
export function createOutlierDetector(
  service: string,
  cfg: OutlierDetectionConfig | undefined,
  states: readonly EndpointState[],
  logger: Logger | null,
  ejectionCounter: { value: number } | null = null,
): OutlierDetector | null {
  return cfg === undefined ? null : new OutlierDetector(service, cfg, states, logger, ejectionCounter);
}

/**
 * Sweeps every detector of the current config version on one unref'd timer per data plane,
 * ticking at the shortest `intervalMs` among them (each detector decays on its own interval).
 */
export class OutlierSweeper {
  private detectors: readonly OutlierDetector[] = [];
  private timer: NodeJS.Timeout | null = null;
  private tickMs = 0;
  private running = false;
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** The detectors of the version now serving (call after each swap); nulls are skipped. */
  setDetectors(detectors: Iterable<OutlierDetector | null>): void {
    const list: OutlierDetector[] = [];
    for (const d of detectors) if (d !== null) list.push(d);
    this.detectors = list;
    this.schedule();
  }

  start(): void {
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    this.schedule();
  }

  /** One pass over every detector (the timer's work; tests call it directly). */
  sweep(now: number = this.now()): void {
    for (const d of this.detectors) d.sweep(now);
  }

  get intervalMs(): number {
    return this.tickMs;
  }

  private schedule(): void {
    let tick = 0;
    if (this.running) for (const d of this.detectors) if (tick === 0 || d.intervalMs < tick) tick = d.intervalMs;
    if (tick === this.tickMs) return;
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    this.tickMs = tick;
    if (tick > 0) {
      this.timer = setInterval(() => this.sweep(), tick);
      this.timer.unref();
    }
  }
}
