import type { GatewayConfig } from '../config/schema/index.js';
import type { PlaneStatusReport } from '../admin/services.js';
import type { HealthSource, Runner, WorkerStatus } from '../engine/runner.js';
import type { Logger } from '../observability/logger.js';
import type { HealthUpdate } from '../upstream/health/active.js';
export declare class ClusterRunner implements Runner {
    readonly expectedWorkers: number;
    /** Workers started to replace ones that died. */
    restarts: number;
    private readonly logger;
    private readonly logLevel;
    private readonly workers;
    private readonly restartTimers;
    private config;
    private version;
    private host;
    private port;
    private started;
    private stopping;
    private quickCrashes;
    private readonly healthSource;
    /** Status requests waiting for a worker's answer, by id. */
    private readonly pendingStatus;
    private nextStatusId;
    constructor(workers: number, logger: Logger, logLevel: string, healthSource?: HealthSource);
    get liveWorkers(): number;
    workerStatus(): WorkerStatus[];
    start(config: GatewayConfig, version: number, host: string, port: number): Promise<number>;
    /** Forks one worker; resolves with its port once it listens, rejects if it fails or dies first. */
    private fork;
    /** Starts a replacement for a worker that died; waits longer while workers keep dying young. */
    private replace;
    apply(config: GatewayConfig, version: number): Promise<void>;
    setEndpointHealth(update: HealthUpdate): void;
    serviceStatus(timeoutMs: number): Promise<PlaneStatusReport>;
    drain(delayMs: number, timeoutMs: number): Promise<void>;
}
