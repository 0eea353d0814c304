import type { GatewayConfig } from '../config/schema/index.js';
import type { Logger } from '../observability/logger.js';
import { DataPlane } from './data-plane.js';

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
}

export class InProcessRunner implements Runner {
  plane: DataPlane | null = null;
  readonly expectedWorkers = 1;
  private readonly logger: Logger;
  private version = 0;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  get liveWorkers(): number {
    return this.plane === null || this.plane.draining ? 0 : 1;
  }

  workerStatus(): WorkerStatus[] {
    const state = this.plane === null ? 'starting' : this.plane.draining ? 'draining' : 'listening';
    return [{ pid: process.pid, state, version: this.version }];
  }

  async start(config: GatewayConfig, version: number, host: string, port: number): Promise<number> {
    const plane = new DataPlane(config, version, this.logger);
    const address = await plane.listen(host, port);
    this.plane = plane;
    this.version = version;
    return address.port;
  }

  async apply(config: GatewayConfig, version: number): Promise<void> {
    this.plane?.apply(config, version);
    this.version = version;
  }

  async drain(delayMs: number, timeoutMs: number): Promise<void> {
    await this.plane?.drain(delayMs, timeoutMs);
  }
}
