import type { GatewayConfig } from '../config/schema/index.js';
import type { Logger } from '../observability/logger.js';
import { DataPlane } from './data-plane.js';

/** Where the data plane runs: in this process, or in a pool of worker processes. */
export interface Runner {
  /** Starts the data plane with its first config and listens; resolves with the bound port. */
  start(config: GatewayConfig, version: number, host: string, port: number): Promise<number>;
  /** Swaps a new (already validated and compiled) config in everywhere. */
  apply(config: GatewayConfig, version: number): Promise<void>;
  /** Graceful stop of every listener and connection. */
  drain(timeoutMs: number): Promise<void>;
  /** Processes serving traffic now (1 in process). */
  readonly liveWorkers: number;
  readonly expectedWorkers: number;
}

export class InProcessRunner implements Runner {
  plane: DataPlane | null = null;
  readonly expectedWorkers = 1;
  private readonly logger: Logger;

  constructor(logger: Logger) {
    this.logger = logger;
  }

  get liveWorkers(): number {
    return this.plane === null || this.plane.draining ? 0 : 1;
  }

  async start(config: GatewayConfig, version: number, host: string, port: number): Promise<number> {
    this.plane = new DataPlane(config, version, this.logger);
    const address = await this.plane.listen(host, port);
    return address.port;
  }

  async apply(config: GatewayConfig, version: number): Promise<void> {
    this.plane?.apply(config, version);
  }

  async drain(timeoutMs: number): Promise<void> {
    await this.plane?.drain(timeoutMs);
  }
}
