/**
 * The admin `/services` view: every service of the current config with its endpoints, merged
 * from the control process (active health checks) and every data-plane process (outlier
 * ejections, requests in flight, pools, circuit breakers), each of which keeps its own.
 */
import type { ServiceConfig } from '../config/schema/index.js';
import { type EndpointHealthStatus } from '../upstream/health/active.js';
/** One endpoint as one data-plane process sees it. */
export interface PlaneEndpointStatus {
    readonly address: string;
    readonly weight: number;
    /** The active health verdict as this process applies it. */
    readonly healthy: boolean;
    readonly ejected: boolean;
    /** Epoch ms when the ejection ends, or null when not ejected. */
    readonly ejectedUntil: number | null;
    readonly ejectionCount: number;
    readonly consecutiveFailures: number;
    readonly outstanding: number;
    /** The endpoint address's connection pool (shared by services that use the same address). */
    readonly pool: {
        readonly open: number;
        readonly idle: number;
    };
}
export interface PlaneServiceStatus {
    readonly name: string;
    readonly endpoints: readonly PlaneEndpointStatus[];
    /** Filled by the circuit-breaker wiring: one entry per breaker of the service in this process. */
    readonly circuitBreakers: readonly unknown[];
}
/** What one data-plane process answers to a status request. */
export interface PlaneStatus {
    readonly pid: number;
    readonly version: number;
    readonly services: readonly PlaneServiceStatus[];
}
/** Every data plane's answer, and who did not answer in time. */
export interface PlaneStatusReport {
    readonly expected: number;
    readonly planes: readonly PlaneStatus[];
    /** pids of processes that did not answer in time. */
    readonly missing: readonly number[];
}
/** The services the control process knows (its compiled snapshot). */
export interface ServiceInfo {
    readonly name: string;
    readonly config: ServiceConfig;
    readonly endpoints: ReadonlyArray<{
        readonly address: string;
        readonly weight: number;
    }>;
}
/** The `/services` body. */
export declare function mergeServiceStatus(version: number, services: Iterable<ServiceInfo>, health: (service: string, address: string) => EndpointHealthStatus | null, report: PlaneStatusReport): Record<string, unknown>;
