import { HEALTH_CHECK_DEFAULTS } from '../upstream/health/active.js';
import { OUTLIER_DEFAULTS } from '../upstream/health/outlier.js';
/** The `/services` body. */
export function mergeServiceStatus(version, services, health, report) {
    const byService = new Map();
    for (const plane of report.planes) {
        for (const s of plane.services) {
            let list = byService.get(s.name);
            if (list === undefined)
                byService.set(s.name, (list = []));
            list.push({ pid: plane.pid, status: s });
        }
    }
    const out = [];
    for (const svc of services) {
        const planes = byService.get(svc.name) ?? [];
        const endpoints = svc.endpoints.map((e) => {
            const check = health(svc.name, e.address);
            const workers = [];
            let ejected = false;
            let ejectedUntil = 0;
            let ejectionCount = 0;
            let outstanding = 0;
            let open = 0;
            let idle = 0;
            for (const p of planes) {
                const pe = p.status.endpoints.find((x) => x.address === e.address);
                if (pe === undefined)
                    continue;
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
        const circuitBreakers = [];
        for (const p of planes) {
            for (const cb of p.status.circuitBreakers)
                circuitBreakers.push(cb !== null && typeof cb === 'object' ? { pid: p.pid, ...cb } : { pid: p.pid, value: cb });
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
function lbName(lb) {
    if (lb === undefined)
        return 'round-robin';
    return lb;
}
function iso(ms) {
    return ms === null || ms === 0 ? null : new Date(ms).toISOString();
}
//# sourceMappingURL=services.js.map