/**
 * The data plane of one process: listeners, client connections, upstream pools and the current
 * config snapshot. A new config is compiled off to the side and swapped in with one assignment.
 * It also owns the process's outlier sweeper (ejections expire) and applies the active health
 * verdicts the control process sends (health checks run there, once per gateway).
 */
import net from 'node:net';
import type { GatewayConfig } from '../config/schema/index.js';
import { ServerConnection, type ConnectionHost } from '../dataplane/http1/server-connection.js';
import type { PlaneServiceStatus, PlaneStatus } from '../admin/services.js';
import type { Logger } from '../observability/logger.js';
import type { HealthUpdate } from '../upstream/health/active.js';
import { OutlierSweeper } from '../upstream/health/outlier.js';
import { UpstreamRuntime } from '../upstream/runtime.js';
import type { CircuitBreaker } from '../policies/circuit-breaker/breaker.js';
import { combineObservers, type RequestObserver } from '../observability/observer.js';
import { PlaneMetrics } from '../observability/metrics.js'; // [metrics]
import { createAccessLog, type AccessLog } from '../observability/access-log.js'; // access-log (issue 5)
import { createTracing, type Tracing } from '../observability/tracing/tracer.js'; // [tracing]
import type { UpstreamService } from '../upstream/service.js';
import { compileSnapshot, DEFAULTS, type Snapshot } from './snapshot.js';

export class DataPlane implements ConnectionHost {
  snapshot: Snapshot;
  /** Shutting down: responses carry `Connection: close` (read by every connection). */
  draining = false;
  /** New connections are taken (false once the drain delay is over). */
  private accepting = true;
  private drainPromise: Promise<void> | null = null;
  readonly logger: Logger;
  /** Metrics and access logs (set by the observability layer), or null. */
  observer: RequestObserver | null = null;
  /** [metrics] This plane's Prometheus metrics (admin `/metrics` reads them), or null with `metrics.enabled: false`. */
  readonly metrics: PlaneMetrics | null;
  /** [access-log] This process's access log (config `accessLog`, read at start), or null. */
  readonly accessLog: AccessLog | null;
  /** [tracing] This process's tracing (config `tracing`, read at start), or null. */
  readonly tracing: Tracing | null;
  readonly upstreams = new UpstreamRuntime();
  /** Returns expired outlier ejections of the serving version's services (one unref'd timer). */
  readonly outlierSweeper = new OutlierSweeper();
  private readonly connections = new Set<ServerConnection>();
  private server: net.Server | null = null;
  private drained: (() => void) | null = null;

  constructor(config: GatewayConfig, version: number, logger: Logger) {
    this.logger = logger;
    this.upstreams.logger = logger;
    this.upstreams.rateLimits.logger = logger;
    this.snapshot = compileSnapshot(config, version, this.upstreams);
    this.accessLog = createAccessLog(config.accessLog, logger); // [access-log] null when off (default); observed below with metrics
    // [tracing] null when off; its requestDone ends the spans. The access log then shows its trace ids.
    this.tracing = createTracing(config.tracing, logger);
    if (this.tracing !== null && this.accessLog !== null) this.accessLog.traceFromContext = true;
    // [metrics] begin: this plane's Prometheus metrics, observed together with the access log;
    // when off they are not in the observer list at all (no per-request work).
    this.metrics = config.metrics?.enabled === false ? null : new PlaneMetrics(this);
    this.observer = combineObservers([this.metrics, this.accessLog, this.tracing]);
    // [metrics] end
    this.outlierSweeper.setDetectors(detectorsOf(this.snapshot));
    this.outlierSweeper.start();
  }

  /** Compiles `config` and swaps it in; throws (and keeps the old snapshot) when it cannot compile. */
  apply(config: GatewayConfig, version: number): Snapshot {
    const next = compileSnapshot(config, version, this.upstreams);
    const old = this.snapshot;
    this.snapshot = next;
    this.metrics?.snapshotChanged(old); // [metrics]
    this.outlierSweeper.setDetectors(detectorsOf(next));
    return next;
  }

  /**
   * Applies an active health verdict from the control process. An endpoint the serving version
   * does not have is ignored (its state starts healthy if it comes back, and so does its check).
   */
  setEndpointHealth(service: string, address: string, healthy: boolean): void {
    const svc = this.snapshot.services.get(service);
    if (svc === undefined) return;
    for (const e of svc.endpoints) if (e.address === address) e.state.healthy = healthy;
  }

  /** Applies a full set of verdicts (a new data plane, from the control process's checker). */
  applyHealth(updates: readonly HealthUpdate[]): void {
    for (const u of updates) this.setEndpointHealth(u.service, u.address, u.healthy);
  }

  /** This process's view of every service of the serving version (admin `/services`). */
  serviceStatus(): PlaneStatus {
    const snap = this.snapshot;
    const services: PlaneServiceStatus[] = [];
    for (const svc of snap.services.values()) services.push(describeService(svc, breakersOf(snap, svc)));
    return { pid: process.pid, version: snap.version, services };
  }

  listen(host: string, port: number): Promise<net.AddressInfo> {
    const server = net.createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host, port, backlog: 4096 }, () => {
        server.off('error', reject);
        server.on('error', (err) => this.logger.error({ err }, 'listener error'));
        resolve(server.address() as net.AddressInfo);
      });
    });
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  private accept(socket: net.Socket): void {
    if (!this.accepting) {
      socket.destroy();
      return;
    }
    const snap = this.snapshot;
    this.connections.add(new ServerConnection(socket, this, 'http', snap.maxHeaderBytes, snap.keepAliveTimeoutMs));
  }

  connectionClosed(conn: ServerConnection): void {
    this.connections.delete(conn);
    if (this.connections.size === 0 && this.drained !== null) this.drained();
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
  drain(delayMs = 0, timeoutMs: number = DEFAULTS.drainTimeoutSeconds * 1000): Promise<void> {
    this.drainPromise ??= this.runDrain(delayMs, timeoutMs);
    return this.drainPromise;
  }

  private async runDrain(delayMs: number, timeoutMs: number): Promise<void> {
    this.draining = true;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    this.accepting = false;
    const server = this.server;
    const closed = server === null || !server.listening ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of this.connections) conn.closeWhenIdle();
    if (this.connections.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.drained = null;
    for (const conn of this.connections) conn.socket.destroy();
    await closed;
    if (this.accessLog !== null) await this.accessLog.close(); // [access-log] flush the last lines
    if (this.tracing !== null) await this.tracing.close(); // [tracing] export the last spans (bounded)
    this.outlierSweeper.stop();
    this.upstreams.close();
  }
}

function detectorsOf(snapshot: Snapshot): Array<UpstreamService['outlier']> {
  return [...snapshot.services.values()].map((s) => s.outlier);
}

/** One service as this process sees it. Extend here for more per-service runtime state. */
/** The circuit breakers the serving version uses for a service (each once). */
function breakersOf(snap: Snapshot, svc: UpstreamService): CircuitBreaker[] {
  const found = new Set<CircuitBreaker>();
  for (const route of snap.routes) {
    if (route.service !== svc) continue;
    if (route.breaker !== null) found.add(route.breaker);
    if (route.endpointBreakers !== null) for (const b of route.endpointBreakers.values()) found.add(b);
  }
  return [...found];
}

function describeService(svc: UpstreamService, breakers: readonly CircuitBreaker[]): PlaneServiceStatus {
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
    // One entry per breaker; the admin merges them across workers with their pid.
    circuitBreakers: breakers.map((b) => ({
      name: b.name,
      state: b.state,
      consecutiveFailures: b.consecutiveFailures,
      openUntil: b.openUntil === 0 ? null : new Date(b.openUntil).toISOString(),
      windowFailures: b.windowFailures,
      windowTotal: b.windowTotal,
    })),
  };
}
