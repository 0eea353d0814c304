/**
 * The data plane of one process: listeners, client connections, upstream pools and the current
 * config snapshot. A new config is compiled off to the side and swapped in with one assignment.
 * It also owns the process's outlier sweeper (ejections expire) and applies the active health
 * verdicts the control process sends (health checks run there, once per gateway).
 */
import net from 'node:net';
import type { GatewayConfig } from '../config/schema/index.js';
import { ServerConnection, type ConnectionHost } from '../dataplane/http1/server-connection.js';
import type { PlaneStatus } from '../admin/services.js';
import type { Logger } from '../observability/logger.js';
import type { HealthUpdate } from '../upstream/health/active.js';
import { OutlierSweeper } from '../upstream/health/outlier.js';
import { UpstreamRuntime } from '../upstream/runtime.js';
import { type Snapshot } from './snapshot.js';
export declare class DataPlane implements ConnectionHost {
    snapshot: Snapshot;
    /** Shutting down: responses carry `Connection: close` (read by every connection). */
    draining: boolean;
    /** New connections are taken (false once the drain delay is over). */
    private accepting;
    private drainPromise;
    readonly logger: Logger;
    readonly upstreams: UpstreamRuntime;
    /** Returns expired outlier ejections of the serving version's services (one unref'd timer). */
    readonly outlierSweeper: OutlierSweeper;
    private readonly connections;
    private server;
    private drained;
    constructor(config: GatewayConfig, version: number, logger: Logger);
    /** Compiles `config` and swaps it in; throws (and keeps the old snapshot) when it cannot compile. */
    apply(config: GatewayConfig, version: number): Snapshot;
    /**
     * Applies an active health verdict from the control process. An endpoint the serving version
     * does not have is ignored (its state starts healthy if it comes back, and so does its check).
     */
    setEndpointHealth(service: string, address: string, healthy: boolean): void;
    /** Applies a full set of verdicts (a new data plane, from the control process's checker). */
    applyHealth(updates: readonly HealthUpdate[]): void;
    /** This process's view of every service of the serving version (admin `/services`). */
    serviceStatus(): PlaneStatus;
    listen(host: string, port: number): Promise<net.AddressInfo>;
    get connectionCount(): number;
    private accept;
    connectionClosed(conn: ServerConnection): void;
    /**
     * Graceful stop, in two steps:
     * 1. for `delayMs` (drainDelaySeconds) keep accepting and serving, so load balancers that have
     *    not yet seen /readyz turn 503 lose nothing; every response now says `Connection: close`,
     *    so keep-alive clients move to new connections (elsewhere, once the balancer has caught up);
     * 2. then stop accepting; idle keep-alive connections close now, busy ones after their
     *    response; whatever is left after `timeoutMs` (drainTimeoutSeconds) is cut.
     * Calling it again returns the same promise.
     */
    drain(delayMs?: number, timeoutMs?: number): Promise<void>;
    private runDrain;
}
