/**
 * The admin `/services` view: every service of the current config with its endpoints, merged
 * from the control process (active health checks) and every data-plane process (outlier
 * ejections, requests in flight, pools, circuit breakers), each of which keeps its own.
 */
import type { LoadBalancerConfig, ServiceConfig } from '../config/schema/index.js';
import { HEALTH_CHECK_DEFAULTS, type EndpointHealthStatus } from '../upstream/health/active.js';
import { OUTLIER_DEFAULTS } from '../upstream/health/outlier.js';

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
  readonly pool: { readonly open: number; readonly idle: number };
}

/** One circuit breaker of a service in one process. */
export interface PlaneBreakerStatus {
  readonly name: string;
  readonly state: string;
  readonly consecutiveFailures: number;
  /** ISO time the breaker lets a probe through, while open; else null. */
  readonly openUntil: string | null;
  readonly windowFailures: number;
  readonly windowTotal: number;
}

export interface PlaneServiceStatus {
  readonly name: string;
  readonly endpoints: readonly PlaneEndpointStatus[];
  /** One entry per breaker the serving version uses for the service, in this process. */
  readonly circuitBreakers: readonly PlaneBreakerStatus[];
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
  readonly endpoints: ReadonlyArray<{ readonly address: string; readonly weight: number }>;
}

/** The `/services` body. */
export function mergeServiceStatus(
  version: number,
  services: Iterable<ServiceInfo>,
  health: (service: string, address: string) => EndpointHealthStatus | null,
  report: PlaneStatusReport,
): Record<string, unknown> {
  const byService = new Map<string, Array<{ pid: number; status: PlaneServiceStatus }>>();
  for (const plane of report.planes) {
    for (const s of plane.services) {
      let list = byService.get(s.name);
      if (list === undefined) byService.set(s.name, (list = []));
      list.push({ pid: plane.pid, status: s });
    }
  }
  const out: Record<string, unknown>[] = [];
  for (const svc of services) {
    const planes = byService.get(svc.name) ?? [];
    const endpoints = svc.endpoints.map((e) => {
      const check = health(svc.name, e.address);
      const workers: Record<string, unknown>[] = [];
      let ejected = false;
      let ejectedUntil = 0;
      let ejectionCount = 0;
      let outstanding = 0;
      let open = 0;
      let idle = 0;
      for (const p of planes) {
        const pe = p.status.endpoints.find((x) => x.address === e.address);
        if (pe === undefined) continue;
        if (pe.ejected) {
          ejected = true;
          ejectedUntil = Math.max(ejectedUntil, pe.ejectedUntil ?? 0);
        }
        ejectionCount = Math.max(ejectionCount, pe.ejectionCount);
        outstanding += pe.outstanding;
        open += pe.pool.open;
        idle += pe.pool.idle;
        workers.push({
          pid: p.pid, healthy: pe.healthy, ejected: pe.ejected, ejectedUntil: iso(pe.ejectedUntil), ejectionCount: pe.ejectionCount,
          consecutiveFailures: pe.consecutiveFailures, outstanding: pe.outstanding, pool: pe.pool,
        });
      }
      const healthy = check?.healthy ?? true;
      return {
        address: e.address,
        weight: e.weight,
        available: healthy && !ejected,
        healthy,
        health: check,
        ejected,
        ejectedUntil: ejected ? iso(ejectedUntil) : null,
        ejectionCount,
        outstanding,
        pool: { open, idle },
        workers,
      };
    });
    const circuitBreakers: Array<PlaneBreakerStatus & { pid: number }> = [];
    for (const p of planes) {
      for (const cb of p.status.circuitBreakers) circuitBreakers.push({ pid: p.pid, ...cb });
    }
    out.push({
      name: svc.name,
      loadBalancer: lbName(svc.config.loadBalancer),
      healthCheck: svc.config.healthCheck === undefined ? null : { ...HEALTH_CHECK_DEFAULTS, ...svc.config.healthCheck },
      outlierDetection: svc.config.outlierDetection === undefined ? null : { ...OUTLIER_DEFAULTS, ...svc.config.outlierDetection },
      endpoints,
      circuitBreakers,
    });
  }
  return {
    version,
    processes: { expected: report.expected, answered: report.planes.map((p) => p.pid), missing: report.missing },
    services: out,
  };
}

function lbName(lb: LoadBalancerConfig | undefined): unknown {
  if (lb === undefined) return 'round-robin';
  return lb;
}

function iso(ms: number | null): string | null {
  return ms === null || ms === 0 ? null : new Date(ms).toISOString();
}
