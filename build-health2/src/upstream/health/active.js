/**
 * Active health checks. One HealthChecker per gateway, in the control process (not one per
 * worker: N workers would multiply the probe traffic); its verdicts are pushed to every data
 * plane (in process: written into the plane's EndpointState; with workers: IPC messages).
 *
 * Per service with `healthCheck`, per endpoint:
 * - an HTTP GET of `path` (Host: `host` or the endpoint address) that passes when the status is
 *   in `expectedStatuses` and the response head arrives within `timeoutMs`; or, for `type: tcp`,
 *   a TCP connect within `timeoutMs`. Each HTTP check opens its own connection and says
 *   `Connection: close` (node:http, agent: false; never the data-plane pools): a check then
 *   proves what a new data-plane connection needs (the endpoint accepts connections and
 *   answers), a half-dead keep-alive socket cannot mask a closed listener, and the cost, one
 *   connection per interval per endpoint, is nothing next to real traffic.
 * - `healthyThreshold` passes in a row make an unhealthy endpoint healthy again,
 *   `unhealthyThreshold` failures in a row make a healthy one unhealthy.
 * - Endpoints start healthy, so a fresh gateway serves at once (Envoy starts them unhealthy until
 *   the first check passes); the first check runs at once (spread over a short random window so
 *   endpoints are not probed in the same tick), then checks follow every `intervalMs`, each gap
 *   shortened by a random 0-15 % so checks of many endpoints drift apart rather than run in
 *   lockstep; a gap is counted from the start of the previous check, and checks never overlap.
 *
 * On config change (`update`): checkers of removed services/endpoints stop (an endpoint that
 * stays but is no longer checked is reported healthy again), new ones start, unchanged ones keep
 * their verdict and schedule; one whose check settings changed keeps its verdict and is checked
 * again at once with the new settings.
 */
import http from 'node:http';
import net from 'node:net';
import { parseAddress } from '../endpoint.js';
export const HEALTH_CHECK_DEFAULTS = Object.freeze({
    type: 'http',
    path: '/',
    intervalMs: 5000,
    timeoutMs: 1000,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
    expectedStatuses: Object.freeze(['200-399']),
});
/** The first check of an endpoint starts within this window (spread, not lockstep). */
const FIRST_CHECK_SPREAD_MS = 250;
/** Each gap between checks is shortened by up to this share of the interval (jitter). */
const INTERVAL_JITTER = 0.15;
export function compileHealthCheck(cfg) {
    return Object.freeze({
        type: cfg.type ?? HEALTH_CHECK_DEFAULTS.type,
        path: cfg.path ?? HEALTH_CHECK_DEFAULTS.path,
        host: cfg.host ?? null,
        intervalMs: cfg.intervalMs ?? HEALTH_CHECK_DEFAULTS.intervalMs,
        timeoutMs: cfg.timeoutMs ?? HEALTH_CHECK_DEFAULTS.timeoutMs,
        healthyThreshold: cfg.healthyThreshold ?? HEALTH_CHECK_DEFAULTS.healthyThreshold,
        unhealthyThreshold: cfg.unhealthyThreshold ?? HEALTH_CHECK_DEFAULTS.unhealthyThreshold,
        passes: compileExpectedStatuses(cfg.expectedStatuses ?? HEALTH_CHECK_DEFAULTS.expectedStatuses),
        key: JSON.stringify(cfg),
    });
}
/** `[200, "300-399"]` -> a 600-entry table: 1 where the status passes. */
export function compileExpectedStatuses(list) {
    const table = new Uint8Array(600);
    for (const item of list) {
        let lo;
        let hi;
        if (typeof item === 'number') {
            lo = hi = item;
        }
        else {
            const m = /^(\d{3})-(\d{3})$/.exec(item);
            if (m === null)
                throw new Error(`healthCheck.expectedStatuses: "${item}" is not a status or a range like "200-399"`);
            lo = Number(m[1]);
            hi = Number(m[2]);
            if (lo > hi)
                throw new Error(`healthCheck.expectedStatuses: range "${item}" is empty`);
        }
        for (let s = Math.max(100, lo); s <= Math.min(599, hi); s++)
            table[s] = 1;
    }
    return table;
}
/** One check over the network: HTTP GET or TCP connect, per `check.type`. */
export const networkProbe = (target, check, done) => (check.type === 'tcp' ? tcpProbe(target, check, done) : httpProbe(target, check, done));
function httpProbe(target, check, done) {
    let settled = false;
    const finish = (ok, detail) => {
        if (settled)
            return;
        settled = true;
        done(ok, detail);
    };
    let req;
    try {
        req = http.request({
            host: target.host,
            port: target.port,
            method: 'GET',
            path: check.path,
            agent: false,
            headers: { host: check.host ?? target.address, 'user-agent': 'meshgate-health-check', accept: '*/*', connection: 'close' },
        });
    }
    catch (err) {
        // e.g. a path with characters a request line cannot carry: the check fails, the gateway stays up.
        const error = err;
        const t = setTimeout(() => finish(false, error.code ?? error.message), 0);
        return () => {
            settled = true;
            clearTimeout(t);
        };
    }
    // One deadline for connect + response head; it also bounds reading (and dropping) the body.
    const timer = setTimeout(() => {
        finish(false, `timeout after ${check.timeoutMs} ms`);
        req.destroy();
    }, check.timeoutMs);
    req.on('response', (res) => {
        const status = res.statusCode ?? 0;
        finish(status >= 100 && status < 600 && check.passes[status] === 1, `status ${status}`);
        res.on('error', () => { });
        res.resume(); // Connection: close: the server closes once the body is sent
    });
    req.on('error', (err) => finish(false, err.code ?? err.message));
    req.on('close', () => {
        clearTimeout(timer);
        finish(false, 'connection closed before a response');
    });
    req.end();
    return () => {
        settled = true;
        clearTimeout(timer);
        req.destroy();
    };
}
function tcpProbe(target, check, done) {
    let settled = false;
    let timer = null;
    const socket = net.connect({ host: target.host, port: target.port });
    const finish = (ok, detail) => {
        if (timer !== null)
            clearTimeout(timer);
        socket.destroy();
        if (settled)
            return;
        settled = true;
        done(ok, detail);
    };
    timer = setTimeout(() => finish(false, `timeout after ${check.timeoutMs} ms`), check.timeoutMs);
    socket.on('connect', () => finish(true, 'connected'));
    socket.on('error', (err) => finish(false, err.code ?? err.message));
    return () => {
        settled = true;
        if (timer !== null)
            clearTimeout(timer);
        socket.destroy();
    };
}
/** The checker of one endpoint of one service: its verdict and its schedule. */
export class EndpointChecker {
    service;
    address;
    host;
    port;
    check;
    healthy = true;
    passes = 0;
    failures = 0;
    checks = 0;
    lastAt = 0;
    lastOk = false;
    lastDetail = '';
    lastDurationMs = 0;
    timer = null;
    cancel = null;
    stopped = false;
    owner;
    constructor(owner, service, address, host, port, check) {
        this.owner = owner;
        this.service = service;
        this.address = address;
        this.host = host;
        this.port = port;
        this.check = check;
    }
    /** (Re)starts the schedule with a first check within the spread window. */
    start() {
        this.clear();
        this.stopped = false;
        this.arm(Math.random() * Math.min(this.check.intervalMs / 4, FIRST_CHECK_SPREAD_MS));
    }
    stop() {
        this.stopped = true;
        this.clear();
    }
    clear() {
        if (this.timer !== null)
            clearTimeout(this.timer);
        this.timer = null;
        if (this.cancel !== null)
            this.cancel();
        this.cancel = null;
    }
    arm(delayMs) {
        this.timer = setTimeout(() => this.run(), delayMs);
        this.timer.unref();
    }
    run() {
        this.timer = null;
        const check = this.check;
        const started = Date.now();
        const gap = check.intervalMs * (1 - INTERVAL_JITTER * Math.random());
        let finished = false;
        const cancel = this.owner.probe(this, check, (ok, detail) => {
            finished = true;
            this.cancel = null;
            if (this.stopped || check !== this.check)
                return;
            const now = Date.now();
            this.record(ok, detail, now, now - started);
            this.arm(Math.max(0, gap - (now - started)));
        });
        if (!finished)
            this.cancel = cancel;
    }
    record(ok, detail, now, durationMs) {
        this.checks++;
        this.lastAt = now;
        this.lastOk = ok;
        this.lastDetail = detail;
        this.lastDurationMs = durationMs;
        if (ok) {
            this.failures = 0;
            this.passes++;
            if (!this.healthy && this.passes >= this.check.healthyThreshold)
                this.owner.transition(this, true);
        }
        else {
            this.passes = 0;
            this.failures++;
            if (this.healthy && this.failures >= this.check.unhealthyThreshold)
                this.owner.transition(this, false);
        }
    }
    status() {
        return {
            healthy: this.healthy,
            type: this.check.type,
            consecutivePasses: this.passes,
            consecutiveFailures: this.failures,
            checks: this.checks,
            lastCheck: this.checks === 0 ? null : { at: new Date(this.lastAt).toISOString(), ok: this.lastOk, detail: this.lastDetail, durationMs: this.lastDurationMs },
        };
    }
}
/** Every active health check of one gateway. */
export class HealthChecker {
    probe;
    logger;
    onChange;
    /** Keyed `service|address`. */
    checkers = new Map();
    stopped = false;
    /** `onChange` gets every transition (healthy <-> unhealthy), after it is logged. */
    constructor(logger, onChange, options = {}) {
        this.logger = logger;
        this.onChange = onChange;
        this.probe = options.probe ?? networkProbe;
    }
    /** Aligns the checkers with a (validated) config: see the file comment. */
    update(config) {
        if (this.stopped)
            return;
        const wanted = new Map();
        for (const [service, svc] of Object.entries(config.services ?? {})) {
            if (svc.healthCheck === undefined)
                continue;
            const check = compileHealthCheck(svc.healthCheck);
            for (const e of svc.endpoints) {
                const address = typeof e === 'string' ? e : e.address;
                const parsed = parseAddress(address);
                if (parsed === null)
                    continue; // compileSnapshot refuses such a config first
                wanted.set(`${service}|${address}`, { service, address, host: parsed.host, port: parsed.port, check });
            }
        }
        for (const [key, checker] of this.checkers) {
            if (wanted.has(key))
                continue;
            checker.stop();
            this.checkers.delete(key);
            // No longer checked: whatever the last verdict, it is in the rotation again (an endpoint
            // that left the config is gone from the data planes and this is a no-op there).
            if (!checker.healthy)
                this.onChange({ service: checker.service, address: checker.address, healthy: true });
        }
        for (const [key, w] of wanted) {
            const existing = this.checkers.get(key);
            if (existing === undefined) {
                const checker = new EndpointChecker(this, w.service, w.address, w.host, w.port, w.check);
                this.checkers.set(key, checker);
                checker.start();
            }
            else if (existing.check.key !== w.check.key) {
                existing.check = w.check;
                existing.passes = 0;
                existing.failures = 0;
                existing.start();
            }
        }
    }
    /** Called by a checker when its verdict flips. */
    transition(checker, healthy) {
        checker.healthy = healthy;
        const fields = {
            event: 'endpoint_health', service: checker.service, address: checker.address, healthy,
            detail: checker.lastDetail, consecutive: healthy ? checker.passes : checker.failures,
        };
        if (healthy)
            this.logger.info(fields, `endpoint ${checker.address} of ${checker.service} is healthy`);
        else
            this.logger.warn(fields, `endpoint ${checker.address} of ${checker.service} is unhealthy (${checker.lastDetail})`);
        this.onChange({ service: checker.service, address: checker.address, healthy });
    }
    /** Every checked endpoint's verdict: the full state a new data plane starts from. */
    entries() {
        return [...this.checkers.values()].map((c) => ({ service: c.service, address: c.address, healthy: c.healthy }));
    }
    /** The check status of one endpoint, or null when it is not checked. */
    status(service, address) {
        return this.checkers.get(`${service}|${address}`)?.status() ?? null;
    }
    get size() {
        return this.checkers.size;
    }
    /** Stops every check (shutdown); `update` does nothing afterwards. */
    stop() {
        this.stopped = true;
        for (const c of this.checkers.values())
            c.stop();
        this.checkers.clear();
    }
}
//# sourceMappingURL=active.js.map