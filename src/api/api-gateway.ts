/**
 * The TypeScript API: build a gateway in code, the same engine the CLI runs.
 *
 *   const gateway = new ApiGateway({ meshType: 'istio', mtlsMode: 'STRICT' });
 *   gateway.addRoute({ path: '/api/v1/orders', method: 'POST', backendService: 'orders-service:8080' });
 *   await gateway.listen(8080);
 */
import { loadConfigFileText, validateConfig } from '../config/load.js';
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

const MESH_KEYS = ['meshType', 'mtlsMode', 'sidecarPort', 'controlPlaneEndpoint'] as const;

export class ApiGateway {
  private base: GatewayConfig;
  private routes: RouteConfig[];
  private services: Record<string, ServiceConfig>;
  private runtime: GatewayRuntime | null = null;
  private readonly logger: Logger | undefined;
  private readonly configFile: string | undefined;

  private readonly configText: string | undefined;

  constructor(options: ApiGatewayOptions = {}, internal?: { configFile?: string; configText?: string }) {
    const { logger, routes, services, ...rest } = options;
    const mesh: MeshConfig = { ...(rest.mesh ?? {}) };
    const base: Record<string, unknown> = { ...rest };
    for (const key of MESH_KEYS) {
      if (base[key] !== undefined) (mesh as Record<string, unknown>)[key] = base[key];
      delete base[key];
    }
    if (Object.keys(mesh).length > 0) base.mesh = mesh;
    this.base = base as GatewayConfig;
    this.routes = [...(routes ?? [])];
    this.services = { ...(services ?? {}) };
    this.logger = logger;
    this.configFile = internal?.configFile;
    this.configText = internal?.configText;
  }

  /** A gateway from a YAML/JSON file, hot-reloaded when the file changes or on SIGHUP. */
  static async fromConfigFile(file: string, options: { logger?: Logger } = {}): Promise<ApiGateway> {
    const { config, text } = await loadConfigFileText(file);
    return new ApiGateway({ ...config, logger: options.logger } as ApiGatewayOptions, { configFile: file, configText: text });
  }

  /** Stages a route. Before `listen()` it is part of the first config; after, call `reload()`. */
  addRoute(route: RouteConfig): this {
    this.routes.push(route);
    return this;
  }

  /** Stages a named upstream service (`endpoints: ['host:port', ...]`). */
  addService(name: string, service: ServiceConfig): this {
    this.services[name] = service;
    return this;
  }

  /** The full config these calls add up to (validated by `listen`/`reload`). */
  toConfig(): GatewayConfig {
    return { ...this.base, services: { ...this.services }, routes: [...this.routes] };
  }

  /**
   * Validates the config and starts serving. `port` overrides `listen.port` (0 picks a free
   * one). Resolves with the bound port. The API runs one worker unless `workers` says more.
   */
  async listen(port?: number, host?: string): Promise<number> {
    if (this.runtime !== null) throw new Error('ApiGateway.listen() was already called');
    const config = validateConfig(this.toConfig(), this.configFile ?? '(api)');
    const runtime = new GatewayRuntime(config, {
      configFile: this.configFile, configText: this.configText, logger: this.logger, defaultWorkers: this.configFile ? 'auto' : 1,
    });
    this.runtime = runtime;
    try {
      return await runtime.start(port, host);
    } catch (err) {
      // Nothing is left listening (e.g. EADDRINUSE): listen() may be called again.
      this.runtime = null;
      throw err;
    }
  }

  /**
   * Applies a new config: `config` when given, else the routes and services staged since
   * (or the config file, for a file-based gateway). Resolves with the new version number.
   * When the new config is invalid, the old version keeps serving, the error is thrown (a
   * ConfigError naming each key path) and the refused staged changes are dropped, so the next
   * addRoute/addService + reload starts from what serves.
   */
  async reload(config?: GatewayConfig): Promise<number> {
    const runtime = this.requireRuntime();
    if (config === undefined && this.configFile !== undefined) return runtime.reload();
    try {
      return await runtime.reload(config ?? this.toConfig());
    } finally {
      // The staging area now mirrors what serves: a full `config` becomes the base for later
      // addRoute/addService calls, and staged changes that were refused are dropped (there is
      // no way to take back a bad addRoute, so keeping it would fail every later reload).
      this.adopt(runtime.config);
    }
  }

  private adopt(config: GatewayConfig): void {
    const { routes, services, ...base } = config;
    this.base = base;
    this.routes = [...(routes ?? [])];
    this.services = { ...(services ?? {}) };
  }

  /**
   * Graceful shutdown: readiness turns 503, in-flight requests finish (drainDelaySeconds,
   * drainTimeoutSeconds), then every listener closes. Calling it again waits for the same shutdown.
   */
  async close(): Promise<void> {
    await this.runtime?.shutdown();
  }

  /** The data-plane port (after listen). */
  get port(): number {
    return this.requireRuntime().port;
  }

  /** The admin port (after listen), or 0 when the admin listener is off. */
  get adminPort(): number {
    return this.requireRuntime().adminPort;
  }

  /** The current config version (1 after listen, +1 per successful reload). */
  get version(): number {
    return this.requireRuntime().version;
  }

  /** @internal the engine behind this gateway (CLI signal handling). */
  get runtimeOrNull(): GatewayRuntime | null {
    return this.runtime;
  }

  private requireRuntime(): GatewayRuntime {
    if (this.runtime === null) throw new Error('call listen() first');
    return this.runtime;
  }
}
