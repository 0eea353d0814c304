/**
 * The data plane of one process: listeners, client connections, upstream pools and the current
 * config snapshot. A new config is compiled off to the side and swapped in with one assignment.
 */
import net from 'node:net';
import type { GatewayConfig } from '../config/schema/index.js';
import { ServerConnection, type ConnectionHost } from '../dataplane/http1/server-connection.js';
import type { Logger } from '../observability/logger.js';
import { PoolRegistry } from '../upstream/pool.js';
import { compileSnapshot, DEFAULTS, type Snapshot } from './snapshot.js';

export class DataPlane implements ConnectionHost {
  snapshot: Snapshot;
  draining = false;
  readonly logger: Logger;
  readonly pools = new PoolRegistry();
  private readonly connections = new Set<ServerConnection>();
  private server: net.Server | null = null;
  private drained: (() => void) | null = null;

  constructor(config: GatewayConfig, version: number, logger: Logger) {
    this.logger = logger;
    this.snapshot = compileSnapshot(config, version, this.pools);
  }

  /** Compiles `config` and swaps it in; throws (and keeps the old snapshot) when it cannot compile. */
  apply(config: GatewayConfig, version: number): Snapshot {
    const next = compileSnapshot(config, version, this.pools);
    this.snapshot = next;
    return next;
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
    if (this.draining) {
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
   * Graceful stop: no new connections; idle keep-alive connections close now, busy ones after
   * their response (sent with `Connection: close`); whatever is left after `timeoutMs` is cut.
   */
  async drain(timeoutMs: number = DEFAULTS.drainTimeoutSeconds * 1000): Promise<void> {
    this.draining = true;
    const server = this.server;
    const closed = server === null ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of this.connections) conn.closeWhenIdle();
    if (this.connections.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    for (const conn of this.connections) conn.socket.destroy();
    await closed;
    this.pools.close();
  }
}
