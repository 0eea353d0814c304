/**
 * The control side of a gateway: owns the validated config and its version, runs the data plane
 * (in process or in workers), the admin listener, the active health checks (once per gateway,
 * verdicts pushed to every data plane), hot reload (file watch + SIGHUP) and graceful shutdown.
 * The CLI and the TypeScript API both drive this one class. It never sends data-plane traffic.
 */
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AdminServer, type AdminSource } from '../admin/server.js';
import { mergeServiceStatus } from '../admin/services.js';
import { loadConfigFile, loadConfigText, validateConfig } from '../config/load.js';
import type { GatewayConfig } from '../config/schema/index.js';
import { createLogger, type Logger } from '../observability/logger.js';
import { controlMetrics, processRegistry, renderMetrics } from '../observability/metrics.js';
import { reopenAccessLogs } from '../observability/access-log.js'; // [access-log]
import type { RouteTableRow } from '../routing/types.js';
import { HealthChecker } from '../upstream/health/active.js';
import { UpstreamRuntime } from '../upstream/runtime.js';
import { ClusterRunner } from '../workers/cluster-runner.js';
import { InProcessRunner, type Runner } from './runner.js';
import { compileSnapshot, DEFAULTS, type Snapshot } from './snapshot.js';

export interface RuntimeOptions {
  /** The file the config came from: watched for changes and re-read on SIGHUP. */
  configFile?: string;
  /** The text of configFile the config was loaded from: the watch compares the file with it, so a change made before the watch starts is not missed. */
  configText?: string;
  logger?: Logger;
  /** Default worker count when the config says nothing (the CLI: auto; the API: 1). */
  defaultWorkers?: number | 'auto';
}

export type RuntimeState = 'new' | 'starting' | 'running' | 'draining' | 'stopped';

/** How long `/services` waits for each worker's answer. */
const SERVICE_STATUS_TIMEOUT_MS = 1000;
/** [metrics] How long `/metrics` waits for each worker's answer. */
const METRICS_TIMEOUT_MS = 2000;

export class GatewayRuntime implements AdminSource {
  config: GatewayConfig;
  version = 1;
  state: RuntimeState = 'new';
  port = 0;
  adminPort = 0;
  readonly logger: Logger;
  private snapshot: Snapshot;
  private readonly controlUpstreams = new UpstreamRuntime();
  /** Active health checks of every service that has them; verdicts go to the runner. */
  readonly health: HealthChecker;
  private runner: Runner | null = null;
  private admin: AdminServer | null = null;
  private watcher: FSWatcher | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private lastFileText: string | null = null;
  private reloadChain: Promise<unknown> = Promise.resolve();
  private shutdownPromise: Promise<void> | null = null;
  private readonly options: RuntimeOptions;
  readonly reloads = { succeeded: 0, failed: 0 };
  /** [metrics] `metrics.enabled` as it was at start (a change needs a restart). */
  private metricsEnabled = true;
  /** [access-log] SIGUSR2 (log rotation): reopen access-log files here and in every worker. */
  private readonly onReopenSignal = (): void => {
    reopenAccessLogs();
    if (this.runner instanceof ClusterRunner) this.runner.signalWorkers('SIGUSR2');
    this.logger.info({ event: 'access_log_reopen' }, 'SIGUSR2: reopening access log files');
  };

  constructor(config: GatewayConfig, options: RuntimeOptions = {}) {
    this.options = options;
    this.logger = options.logger ?? createLogger(config.logLevel ?? 'info');
    this.config = config;
    this.health = new HealthChecker(this.logger, (update) => this.runner?.setEndpointHealth(update));
    // Compile once here as well: the admin table and a last check before any worker sees it.
    this.snapshot = compileSnapshot(config, this.version, this.controlUpstreams);
  }

  get started(): boolean {
    return this.state === 'running' || this.state === 'draining';
  }

  get ready(): boolean {
    return this.state === 'running' && this.runner !== null && this.runner.liveWorkers >= 1;
  }

  routeTable(): readonly RouteTableRow[] {
    return this.snapshot.router.table();
  }

  status(): Record<string, unknown> {
    const runner = this.runner;
    return {
      state: this.state,
      version: this.version,
      pid: process.pid,
      workers: {
        expected: runner?.expectedWorkers ?? 0,
        live: runner?.liveWorkers ?? 0,
        restarts: runner instanceof ClusterRunner ? runner.restarts : 0,
        processes: runner?.workerStatus() ?? [],
      },
      reloads: { ...this.reloads },
      listen: { port: this.port },
      admin: { port: this.adminPort },
    };
  }

  /** The in-process data plane's current snapshot (workers: 1), or null (not started, or workers). */
  dataPlaneSnapshot(): Snapshot | null {
    return this.runner instanceof InProcessRunner ? (this.runner.plane?.snapshot ?? null) : null;
  }

  /** Admin `/services`: the control process's services and checks, merged with every data plane's view. */
  async services(): Promise<Record<string, unknown>> {
    const snapshot = this.snapshot;
    const report = this.runner === null ? { expected: 0, planes: [], missing: [] } : await this.runner.serviceStatus(SERVICE_STATUS_TIMEOUT_MS);
    const services = [...snapshot.services.values()].map((s) => ({ name: s.name, config: s.config, endpoints: s.endpoints }));
    return mergeServiceStatus(snapshot.version, services, (service, address) => this.health.status(service, address), report);
  }

  /**
   * [metrics] Admin `/metrics`: this process's metrics (config, reloads, process) and every data
   * plane's (in process, or each worker's over IPC), aggregated into one exposition for the node;
   * null with `metrics.enabled: false` (the admin answers 404).
   */
  async metrics(openMetrics: boolean): Promise<{ contentType: string; body: string } | null> {
    if (!this.metricsEnabled) return null;
    const runner = this.runner;
    const parts: object[][] = [await processRegistry().getMetricsAsJSON(), controlMetrics(this.version, this.reloads)];
    if (runner instanceof InProcessRunner) {
      const plane = runner.plane?.metrics ?? null;
      if (plane !== null) parts.push(plane.collect());
    } else if (runner instanceof ClusterRunner) {
      parts.push(...(await runner.metrics(METRICS_TIMEOUT_MS)));
    }
    return renderMetrics(parts, openMetrics);
  }

  workerCount(): number {
    const w = this.config.workers ?? this.options.defaultWorkers ?? 'auto';
    return w === 'auto' ? os.availableParallelism() : w;
  }

  async start(portOverride?: number, hostOverride?: string): Promise<number> {
    if (this.state !== 'new') throw new Error('gateway already started');
    this.state = 'starting';
    const cfg = this.config;
    // [metrics] read at start; default process metrics: event loop lag is sampled from now on.
    this.metricsEnabled = cfg.metrics?.enabled !== false;
    if (this.metricsEnabled) processRegistry();
    if (cfg.admin !== false) {
      const admin = new AdminServer(this);
      try {
        this.adminPort = (await admin.listen(cfg.admin?.host ?? DEFAULTS.adminHost, cfg.admin?.port ?? DEFAULTS.adminPort)).port;
      } catch (err) {
        this.state = 'stopped';
        throw new Error(`admin listener: ${(err as Error).message}`, { cause: err });
      }
      this.admin = admin;
    }
    const workers = this.workerCount();
    const logLevel = cfg.logLevel ?? 'info';
    const healthSource = () => this.health.entries();
    this.runner = workers > 1 ? new ClusterRunner(workers, this.logger, logLevel, healthSource) : new InProcessRunner(this.logger, healthSource);
    const host = hostOverride ?? cfg.listen?.host ?? DEFAULTS.listenHost;
    // Checks start with the data plane: endpoints start healthy, and a plane (or worker) that
    // starts meanwhile takes the verdicts known by then, later ones as they come.
    this.health.update(cfg);
    try {
      this.port = await this.runner.start(cfg, this.version, host, portOverride ?? cfg.listen?.port ?? DEFAULTS.listenPort);
    } catch (err) {
      this.health.stop();
      await this.admin?.close();
      this.state = 'stopped';
      throw err;
    }
    this.state = 'running';
    if (cfg.accessLog?.enabled === true) process.on('SIGUSR2', this.onReopenSignal); // [access-log]
    if (this.options.configFile !== undefined) this.watchFile(this.options.configFile);
    this.logger.info({ event: 'started', port: this.port, adminPort: this.adminPort, workers, version: this.version }, `meshgate listening on ${host}:${this.port}`);
    return this.port;
  }

  /**
   * Validates, compiles and swaps in a new config everywhere. On any error the old config keeps
   * serving and the error is thrown (and logged). Reloads run one at a time.
   */
  reload(next?: GatewayConfig, reason = 'api'): Promise<number> {
    const run = this.reloadChain.then(() => this.doReload(next, reason));
    this.reloadChain = run.catch(() => undefined);
    return run;
  }

  private async doReload(next: GatewayConfig | undefined, reason: string): Promise<number> {
    try {
      if (this.state === 'draining' || this.state === 'stopped') throw new Error('the gateway is shutting down');
      let config: GatewayConfig;
      if (next !== undefined) config = validateConfig(next, '(api)');
      else if (this.options.configFile !== undefined) config = await loadConfigFile(this.options.configFile);
      else config = this.config;
      const version = this.version + 1;
      const snapshot = compileSnapshot(config, version, this.controlUpstreams);
      if (this.runner !== null && this.started) {
        await this.runner.apply(config, version);
        // After every plane has the new version: checks of new endpoints report to planes that know them.
        this.health.update(config);
      }
      this.warnOnRestartOnlyChanges(config);
      this.config = config;
      this.snapshot = snapshot;
      this.version = version;
      this.reloads.succeeded++;
      this.logger.info({ event: 'config_reload', reason, version, routes: config.routes?.length ?? 0 }, 'config reloaded');
      return version;
    } catch (err) {
      this.reloads.failed++;
      this.logger.error({ event: 'config_reload_failed', reason, version: this.version, error: (err as Error).message }, 'config rejected; the previous version keeps serving');
      throw err;
    }
  }

  private warnOnRestartOnlyChanges(next: GatewayConfig): void {
    const cur = this.config;
    for (const key of ['listen', 'admin', 'workers', 'accessLog', 'tracing', 'metrics'] as const) { // [access-log] accessLog, [tracing] tracing, [metrics] metrics: restart-only
      if (JSON.stringify(cur[key]) !== JSON.stringify(next[key])) {
        this.logger.warn({ event: 'config_restart_required', key }, `"${key}" changed: it takes effect at the next restart`);
      }
    }
  }

  /** Re-reads the config file (SIGHUP, file change); unchanged content is ignored. */
  async reloadFromFile(reason: string): Promise<void> {
    const file = this.options.configFile;
    if (file === undefined) return;
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      this.logger.error({ event: 'config_reload_failed', error: (err as Error).message }, 'cannot read config file');
      return;
    }
    if (text === this.lastFileText && reason !== 'SIGHUP') return;
    this.lastFileText = text;
    let config: GatewayConfig;
    try {
      config = loadConfigText(text, file);
    } catch (err) {
      this.reloads.failed++;
      this.logger.error({ event: 'config_reload_failed', reason, error: (err as Error).message }, 'config rejected; the previous version keeps serving');
      return;
    }
    await this.reload(config, reason).catch(() => undefined); // reload logs its own failure
  }

  private watchFile(file: string): void {
    const name = path.basename(file);
    // Watch the directory: editors and ConfigMaps replace the file rather than write into it.
    this.watcher = watch(path.dirname(path.resolve(file)), (_event, changed) => {
      if (changed !== null && changed !== name && !String(changed).startsWith('..')) return;
      if (this.debounce !== null) clearTimeout(this.debounce);
      this.debounce = setTimeout(() => {
        this.debounce = null;
        void this.reloadFromFile('file change');
      }, 150);
    });
    this.watcher.on('error', (err) => this.logger.warn({ err }, 'config watch failed'));
    // The file may have changed since the config was loaded (the watch starts once the data
    // plane serves): compare it with the loaded text now (without that text, it is read again).
    this.lastFileText = this.options.configText ?? null;
    void this.reloadFromFile('file change');
  }

  /**
   * Graceful shutdown: readiness turns 503 at once; after drainDelaySeconds the listeners stop
   * accepting; in-flight requests finish (up to drainTimeoutSeconds); then everything closes.
   */
  shutdown(): Promise<void> {
    // A second call (a second signal, close() twice) waits for the same shutdown.
    this.shutdownPromise ??= this.runShutdown();
    return this.shutdownPromise;
  }

  private async runShutdown(): Promise<void> {
    const wasRunning = this.state === 'running';
    this.state = 'draining';
    this.health.stop();
    process.off('SIGUSR2', this.onReopenSignal); // [access-log]
    this.watcher?.close();
    this.watcher = null;
    if (this.debounce !== null) clearTimeout(this.debounce);
    const cfg = this.config;
    const delayMs = wasRunning ? (cfg.drainDelaySeconds ?? DEFAULTS.drainDelaySeconds) * 1000 : 0;
    const timeoutMs = (cfg.drainTimeoutSeconds ?? DEFAULTS.drainTimeoutSeconds) * 1000;
    this.logger.info({ event: 'draining', delayMs, timeoutMs }, 'shutting down');
    await this.runner?.drain(delayMs, timeoutMs);
    await this.admin?.close();
    this.controlUpstreams.close();
    this.state = 'stopped';
    this.logger.info({ event: 'stopped' }, 'meshgate stopped');
  }
}
