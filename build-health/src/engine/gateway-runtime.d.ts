import { type AdminSource } from '../admin/server.js';
import type { GatewayConfig } from '../config/schema/index.js';
import { type Logger } from '../observability/logger.js';
import type { RouteTableRow } from '../routing/types.js';
import { HealthChecker } from '../upstream/health/active.js';
export interface RuntimeOptions {
    /** The file the config came from: watched for changes and re-read on SIGHUP. */
    configFile?: string;
    logger?: Logger;
    /** Default worker count when the config says nothing (the CLI: auto; the API: 1). */
    defaultWorkers?: number | 'auto';
}
export type RuntimeState = 'new' | 'starting' | 'running' | 'draining' | 'stopped';
export declare class GatewayRuntime implements AdminSource {
    config: GatewayConfig;
    version: number;
    state: RuntimeState;
    port: number;
    adminPort: number;
    readonly logger: Logger;
    private snapshot;
    private readonly controlUpstreams;
    /** Active health checks of every service that has them; verdicts go to the runner. */
    readonly health: HealthChecker;
    private runner;
    private admin;
    private watcher;
    private debounce;
    private lastFileText;
    private reloadChain;
    private shutdownPromise;
    private readonly options;
    readonly reloads: {
        succeeded: number;
        failed: number;
    };
    constructor(config: GatewayConfig, options?: RuntimeOptions);
    get started(): boolean;
    get ready(): boolean;
    routeTable(): readonly RouteTableRow[];
    status(): Record<string, unknown>;
    /** Admin `/services`: the control process's services and checks, merged with every data plane's view. */
    services(): Promise<Record<string, unknown>>;
    workerCount(): number;
    start(portOverride?: number, hostOverride?: string): Promise<number>;
    /**
     * Validates, compiles and swaps in a new config everywhere. On any error the old config keeps
     * serving and the error is thrown (and logged). Reloads run one at a time.
     */
    reload(next?: GatewayConfig, reason?: string): Promise<number>;
    private doReload;
    private warnOnRestartOnlyChanges;
    /** Re-reads the config file (SIGHUP, file change); unchanged content is ignored. */
    reloadFromFile(reason: string): Promise<void>;
    private watchFile;
    /**
     * Graceful shutdown: readiness turns 503 at once; after drainDelaySeconds the listeners stop
     * accepting; in-flight requests finish (up to drainTimeoutSeconds); then everything closes.
     */
    shutdown(): Promise<void>;
    private runShutdown;
}
