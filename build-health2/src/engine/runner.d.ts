import type { PlaneStatusReport } from '../admin/services.js';
import type { GatewayConfig } from '../config/schema/index.js';
import type { Logger } from '../observability/logger.js';
import type { HealthUpdate } from '../upstream/health/active.js';
import { DataPlane } from './data-plane.js';
/** The control process's current health verdicts: what a new data plane starts from. */
export type HealthSource = () => HealthUpdate[];
/** One data-plane process as /status shows it. */
export interface WorkerStatus {
    readonly pid: number;
    /** forked (not yet configured), starting, listening. */
    readonly state: string;
    /** The config version it runs. */
    readonly version: number;
}
/** Where the data plane runs: in this process, or in a pool of worker processes. */
export interface Runner {
    /** Starts the data plane with its first config and listens; resolves with the bound port. */
    start(config: GatewayConfig, version: number, host: string, port: number): Promise<number>;
    /** Swaps a new (already validated and compiled) config in everywhere. */
    apply(config: GatewayConfig, version: number): Promise<void>;
    /**
     * Graceful stop of every listener and connection: for `delayMs` keep accepting and serving
     * (responses say `Connection: close`), then stop accepting, close idle connections and give
     * in-flight requests up to `timeoutMs` before cutting them.
     */
    drain(delayMs: number, timeoutMs: number): Promise<void>;
    /** Processes serving traffic now (1 in process). */
    readonly liveWorkers: number;
    readonly expectedWorkers: number;
    workerStatus(): WorkerStatus[];
    /** Pushes an active health verdict to every data plane (the checks run in the control process). */
    setEndpointHealth(update: HealthUpdate): void;
    /** Every data plane's view of its services (admin `/services`); a process silent past `timeoutMs` is listed as missing. */
    serviceStatus(timeoutMs: number): Promise<PlaneStatusReport>;
}
export declare class InProcessRunner implements Runner {
    plane: DataPlane | null;
    readonly expectedWorkers = 1;
    private readonly logger;
    private readonly healthSource;
    /** The plane being started (not listening yet): it already takes health verdicts. */
    private starting;
    private version;
    constructor(logger: Logger, healthSource?: HealthSource);
    get liveWorkers(): number;
    workerStatus(): WorkerStatus[];
    start(config: GatewayConfig, version: number, host: string, port: number): Promise<number>;
    apply(config: GatewayConfig, version: number): Promise<void>;
    drain(delayMs: number, timeoutMs: number): Promise<void>;
    setEndpointHealth(update: HealthUpdate): void;
    serviceStatus(): Promise<PlaneStatusReport>;
}
