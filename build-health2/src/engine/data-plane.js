/**
 * The data plane of one process: listeners, client connections, upstream pools and the current
 * config snapshot. A new config is compiled off to the side and swapped in with one assignment.
 * It also owns the process's outlier sweeper (ejections expire) and applies the active health
 * verdicts the control process sends (health checks run there, once per gateway).
 */
import net from 'node:net';
import { ServerConnection } from '../dataplane/http1/server-connection.js';
import { OutlierSweeper } from '../upstream/health/outlier.js';
import { UpstreamRuntime } from '../upstream/runtime.js';
import { compileSnapshot, DEFAULTS } from './snapshot.js';
export class DataPlane {
    snapshot;
    /** Shutting down: responses carry `Connection: close` (read by every connection). */
    draining = false;
    /** New connections are taken (false once the drain delay is over). */
    accepting = true;
    drainPromise = null;
    logger;
    upstreams = new UpstreamRuntime();
    /** Returns expired outlier ejections of the serving version's services (one unref'd timer). */
    outlierSweeper = new OutlierSweeper();
    connections = new Set();
    server = null;
    drained = null;
    constructor(config, version, logger) {
        this.logger = logger;
        this.upstreams.logger = logger;
        this.snapshot = compileSnapshot(config, version, this.upstreams);
        this.outlierSweeper.setDetectors(detectorsOf(this.snapshot));
        this.outlierSweeper.start();
    }
    /** Compiles `config` and swaps it in; throws (and keeps the old snapshot) when it cannot compile. */
    apply(config, version) {
        const next = compileSnapshot(config, version, this.upstreams);
        this.snapshot = next;
        this.outlierSweeper.setDetectors(detectorsOf(next));
        return next;
    }
    /**
     * Applies an active health verdict from the control process. An endpoint the serving version
     * does not have is ignored (its state starts healthy if it comes back, and so does its check).
     */
    setEndpointHealth(service, address, healthy) {
        const svc = this.snapshot.services.get(service);
        if (svc === undefined)
            return;
        for (const e of svc.endpoints)
            if (e.address === address)
                e.state.healthy = healthy;
    }
    /** Applies a full set of verdicts (a new data plane, from the control process's checker). */
    applyHealth(updates) {
        for (const u of updates)
            this.setEndpointHealth(u.service, u.address, u.healthy);
    }
    /** This process's view of every service of the serving version (admin `/services`). */
    serviceStatus() {
        const snap = this.snapshot;
        const services = [];
        for (const svc of snap.services.values())
            services.push(describeService(svc));
        return { pid: process.pid, version: snap.version, services };
    }
    listen(host, port) {
        const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
        this.server = server;
        return new Promise((resolve, reject) => {
            server.once('error', reject);
            server.listen({ host, port, backlog: 4096 }, () => {
                server.off('error', reject);
                server.on('error', (err) => this.logger.error({ err }, 'listener error'));
                resolve(server.address());
            });
        });
    }
    get connectionCount() {
        return this.connections.size;
    }
    accept(socket) {
        if (!this.accepting) {
            socket.destroy();
            return;
        }
        const snap = this.snapshot;
        this.connections.add(new ServerConnection(socket, this, 'http', snap.maxHeaderBytes, snap.keepAliveTimeoutMs));
    }
    connectionClosed(conn) {
        this.connections.delete(conn);
        if (this.connections.size === 0 && this.drained !== null)
            this.drained();
    }
    /**
     * Graceful stop, in two steps:
     * 1. for `delayMs` (drainDelaySeconds) keep accepting and serving, so load balancers that have
     *    not yet seen /readyz turn 503 lose nothing; every response now says `Connection: close`,
     *    so keep-alive clients move to new connections (elsewhere, once the balancer has caught up);
     * 2. then stop accepting; idle keep-alive connections close now, busy ones after their
     *    response; whatever is left after `timeoutMs` (drainTimeoutSeconds) is cut.
     * Calling it again returns the same promise.
     */
    drain(delayMs = 0, timeoutMs = DEFAULTS.drainTimeoutSeconds * 1000) {
        this.drainPromise ??= this.runDrain(delayMs, timeoutMs);
        return this.drainPromise;
    }
    async runDrain(delayMs, timeoutMs) {
        this.draining = true;
        if (delayMs > 0)
            await new Promise((resolve) => setTimeout(resolve, delayMs));
        this.accepting = false;
        const server = this.server;
        const closed = server === null || !server.listening ? Promise.resolve() : new Promise((resolve) => server.close(() => resolve()));
        for (const conn of this.connections)
            conn.closeWhenIdle();
        if (this.connections.size > 0) {
            await new Promise((resolve) => {
                const timer = setTimeout(resolve, timeoutMs);
                this.drained = () => {
                    clearTimeout(timer);
                    resolve();
                };
            });
        }
        this.drained = null;
        for (const conn of this.connections)
            conn.socket.destroy();
        await closed;
        this.outlierSweeper.stop();
        this.upstreams.close();
    }
}
function detectorsOf(snapshot) {
    return [...snapshot.services.values()].map((s) => s.outlier);
}
/** One service as this process sees it. Extend here for more per-service runtime state. */
function describeService(svc) {
    return {
        name: svc.name,
        endpoints: svc.endpoints.map((e) => ({
            address: e.address,
            weight: e.weight,
            healthy: e.state.healthy,
            ejected: e.state.ejected,
            ejectedUntil: e.state.ejected ? e.state.ejectedUntil : null,
            ejectionCount: e.state.ejectionCount,
            consecutiveFailures: e.state.consecutiveFailures,
            outstanding: e.state.outstanding,
            pool: { open: e.pool.open, idle: e.pool.idleCount },
        })),
        // The circuit-breaker wiring fills this: one JSON-able entry per breaker of the service
        // (state, failures, open until...); the admin merges them across workers with their pid.
        circuitBreakers: [],
    };
}
//# sourceMappingURL=data-plane.js.map