/**
 * The data plane of one process: listeners, client connections, upstream pools and the current
 * config snapshot. A new config is compiled off to the side and swapped in with one assignment.
 */
import net from 'node:net';
import type { GatewayConfig } from '../config/schema/index.js';
import { ServerConnection, type ConnectionHost } from '../dataplane/http1/server-connection.js';
import type { Logger } from '../observability/logger.js';
import { UpstreamRuntime } from '../upstream/runtime.js';
import { compileSnapshot, DEFAULTS, type Snapshot } from './snapshot.js';

export class DataPlane implements ConnectionHost {
  snapshot: Snapshot;
  /** Shutting down: responses carry `Connection: close` (read by every connection). */
  draining = false;
  /** New connections are taken (false once the drain delay is over). */
  private accepting = true;
  private drainPromise: Promise<void> | null = null;
  readonly logger: Logger;
  readonly upstreams = new UpstreamRuntime();
  private readonly connections = new Set<ServerConnection>();
  private server: net.Server | null = null;
  private drained: (() => void) | null = null;

  constructor(config: GatewayConfig, version: number, logger: Logger) {
    this.logger = logger;
    this.snapshot = compileSnapshot(config, version, this.upstreams);
  }

  /** Compiles `config` and swaps it in; throws (and keeps the old snapshot) when it cannot compile. */
  apply(config: GatewayConfig, version: number): Snapshot {
    const next = compileSnapshot(config, version, this.upstreams);
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
    if (!this.accepting) {
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
   * Graceful stop, in two steps:
   * 1. for `delayMs` (drainDelaySeconds) keep accepting and serving, so load balancers that have
   *    not yet seen /readyz turn 503 lose nothing; every response now says `Connection: close`,
   *    so keep-alive clients move to new connections (elsewhere, once the balancer has caught up);
   * 2. then stop accepting; idle keep-alive connections close now, busy ones after their
   *    response; whatever is left after `timeoutMs` (drainTimeoutSeconds) is cut.
   * Calling it again returns the same promise.
   */
  drain(delayMs = 0, timeoutMs: number = DEFAULTS.drainTimeoutSeconds * 1000): Promise<void> {
    this.drainPromise ??= this.runDrain(delayMs, timeoutMs);
    return this.drainPromise;
  }

  private async runDrain(delayMs: number, timeoutMs: number): Promise<void> {
    this.draining = true;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    this.accepting = false;
    const server = this.server;
    const closed = server === null || !server.listening ? Promise.resolve() : new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of this.connections) conn.closeWhenIdle();
    if (this.connections.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.drained = null;
    for (const conn of this.connections) conn.socket.destroy();
    await closed;
    this.upstreams.close();
  }
}
