import type { GatewayConfig, MeshConfig, RouteConfig, ServiceConfig } from '../config/schema/index.js';
import { GatewayRuntime } from '../engine/gateway-runtime.js';
import type { Logger } from '../observability/logger.js';
/** Top-level config keys, with the mesh keys (`meshType`, `mtlsMode`, ...) also accepted flat. */
export type ApiGatewayOptions = Omit<GatewayConfig, 'routes' | 'services'> & MeshConfig & {
    routes?: RouteConfig[];
    services?: Record<string, ServiceConfig>;
    /** Use this logger instead of a new pino logger on stdout. */
    logger?: Logger;
};
export declare class ApiGateway {
    private base;
    private routes;
    private services;
    private runtime;
    private readonly logger;
    private readonly configFile;
    constructor(options?: ApiGatewayOptions, internal?: {
        configFile?: string;
    });
    /** A gateway from a YAML/JSON file, hot-reloaded when the file changes or on SIGHUP. */
    static fromConfigFile(file: string, options?: {
        logger?: Logger;
    }): Promise<ApiGateway>;
    /** Stages a route. Before `listen()` it is part of the first config; after, call `reload()`. */
    addRoute(route: RouteConfig): this;
    /** Stages a named upstream service (`endpoints: ['host:port', ...]`). */
    addService(name: string, service: ServiceConfig): this;
    /** The full config these calls add up to (validated by `listen`/`reload`). */
    toConfig(): GatewayConfig;
    /**
     * Validates the config and starts serving. `port` overrides `listen.port` (0 picks a free
     * one). Resolves with the bound port. The API runs one worker unless `workers` says more.
     */
    listen(port?: number, host?: string): Promise<number>;
    /**
     * Applies a new config: `config` when given, else the routes and services staged since
     * (or the config file, for a file-based gateway). Resolves with the new version number.
     * When the new config is invalid, the old version keeps serving, the error is thrown (a
     * ConfigError naming each key path) and the refused staged changes are dropped, so the next
     * addRoute/addService + reload starts from what serves.
     */
    reload(config?: GatewayConfig): Promise<number>;
    private adopt;
    /**
     * Graceful shutdown: readiness turns 503, in-flight requests finish (drainDelaySeconds,
     * drainTimeoutSeconds), then every listener closes. Calling it again waits for the same shutdown.
     */
    close(): Promise<void>;
    /** The data-plane port (after listen). */
    get port(): number;
    /** The admin port (after listen), or 0 when the admin listener is off. */
    get adminPort(): number;
    /** The current config version (1 after listen, +1 per successful reload). */
    get version(): number;
    /** @internal the engine behind this gateway (CLI signal handling). */
    get runtimeOrNull(): GatewayRuntime | null;
    private requireRuntime;
}
