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
export declare const OUTLIER_DEFAULTS: Readonly<{
    consecutiveFailures: 5;
    intervalMs: 10000;
    baseEjectionMs: 30000;
    maxEjectionPercent: 10;
    /** Envoy's max_ejection_time default; not configurable yet (the base time wins when longer). */
    maxEjectionMs: 300000;
}>;
/** Why an ejection did not happen (also logged). */
export type EjectionRefusal = 'last-available-endpoint' | 'max-ejection-percent' | 'disabled';
export declare class OutlierDetector {
    readonly service: string;
    readonly consecutiveFailures: number;
    readonly intervalMs: number;
    readonly baseEjectionMs: number;
    readonly maxEjectionMs: number;
    readonly maxEjectionPercent: number;
    /** The service's endpoint states (each once). */
    readonly states: readonly EndpointState[];
    /** Ejections made and refused by this detector (this config version). */
    ejections: number;
    refusals: number;
    private readonly logger;
    /** When ejection counts last decayed; -1 before the first sweep. */
    private lastDecayAt;
    constructor(service: string, cfg: OutlierDetectionConfig, states: readonly EndpointState[], logger: Logger | null);
    onSuccess(state: EndpointState): void;
    onFailure(state: EndpointState, now: number): void;
    /** Ejects `state` if the rules allow it; returns why not otherwise (null when ejected). */
    eject(state: EndpointState, now: number): EjectionRefusal | null;
    /** Returns expired ejections; once per interval, decays the ejection count of recovered endpoints. */
    sweep(now: number): void;
    /** How many of the service's endpoints are ejected now. */
    get ejectedCount(): number;
}
/** The detector of a service, or null when it has no `outlierDetection`. Once per config version. */
export declare function createOutlierDetector(service: string, cfg: OutlierDetectionConfig | undefined, states: readonly EndpointState[], logger: Logger | null): OutlierDetector | null;
/**
 * Sweeps every detector of the current config version on one unref'd timer per data plane,
 * ticking at the shortest `intervalMs` among them (each detector decays on its own interval).
 */
export declare class OutlierSweeper {
    private detectors;
    private timer;
    private tickMs;
    private running;
    private readonly now;
    constructor(now?: () => number);
    /** The detectors of the version now serving (call after each swap); nulls are skipped. */
    setDetectors(detectors: Iterable<OutlierDetector | null>): void;
    start(): void;
    stop(): void;
    /** One pass over every detector (the timer's work; tests call it directly). */
    sweep(now?: number): void;
    get intervalMs(): number;
    private schedule;
}
