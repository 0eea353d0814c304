/**
 * Keep-alive connection pools, one per endpoint address, shared across config versions so a
 * reload keeps warm connections. Idle connections are a LIFO stack (the warmest is reused first)
 * swept by one timer for the whole registry, not one timer per connection.
 */
import { UpstreamConnection, type ConnectionOwner } from '../dataplane/http1/upstream-connection.js';

export interface PoolOptions {
  connectTimeoutMs: number;
  streamIdleTimeoutMs: number;
  keepAliveTimeoutMs: number;
  maxIdleConnections: number;
}

export class EndpointPool implements ConnectionOwner {
  readonly host: string;
  readonly port: number;
  options: PoolOptions;
  /** Idle connections, oldest first. */
  private readonly idle: UpstreamConnection[] = [];
  /** Connections open now, busy or idle. */
  open = 0;
  /** Connections created over the pool's life (a test reads it to see reuse). */
  created = 0;
  /** Requests that went out on a reused connection. */
  reused = 0;
  closing = false;

  constructor(host: string, port: number, options: PoolOptions) {
    this.host = host;
    this.port = port;
    this.options = options;
  }

  // Hot path, change with care.
  acquire(): UpstreamConnection {
    while (this.idle.length > 0) {
      const conn = this.idle.pop()!;
      if (conn.readyForReuse) {
        this.reused++;
        return conn;
      }
    }
    return this.connect();
  }

  /** A new connection, bypassing the idle stack (a retry after a stale keep-alive failure). */
  connect(): UpstreamConnection {
    this.open++;
    this.created++;
    return new UpstreamConnection({ host: this.host, port: this.port, connectTimeoutMs: this.options.connectTimeoutMs, idleTimeoutMs: this.options.streamIdleTimeoutMs }, this);
  }

  /** A request finished cleanly on `conn`: keep it for the next one, or close it. */
  release(conn: UpstreamConnection, reusable: boolean, now: number): void {
    if (!reusable || this.closing || !conn.readyForReuse || this.idle.length >= this.options.maxIdleConnections || this.options.keepAliveTimeoutMs === 0) {
      conn.destroy();
      return;
    }
    conn.idleSince = now;
    this.idle.push(conn);
  }

  onConnectionClosed(conn: UpstreamConnection): void {
    this.open--;
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }

  /** Closes connections idle longer than the keep-alive timeout. */
  sweep(now: number): void {
    const limit = now - this.options.keepAliveTimeoutMs;
    while (this.idle.length > 0 && this.idle[0]!.idleSince <= limit) this.idle.shift()!.destroy();
  }

  get idleCount(): number {
    return this.idle.length;
  }

  close(): void {
    this.closing = true;
    for (const conn of this.idle.splice(0)) conn.destroy();
  }
}

/** All pools of one process, keyed by `host:port`. */
export class PoolRegistry {
  private readonly pools = new Map<string, EndpointPool>();
  private timer: NodeJS.Timeout | null = null;

  get(host: string, port: number, options: PoolOptions): EndpointPool {
    const key = `${host}:${port}`;
    let pool = this.pools.get(key);
    if (pool === undefined) {
      pool = new EndpointPool(host, port, options);
      this.pools.set(key, pool);
      if (this.timer === null) {
        this.timer = setInterval(() => this.sweep(), 500);
        this.timer.unref();
      }
    } else {
      pool.options = options;
    }
    return pool;
  }

  /** Pools no longer referenced by the current config are closed once idle. */
  retain(keys: ReadonlySet<string>): void {
    for (const [key, pool] of this.pools) {
      if (!keys.has(key) && pool.open === pool.idleCount) {
        pool.close();
        this.pools.delete(key);
      }
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const pool of this.pools.values()) pool.sweep(now);
  }

  stats(): Array<{ address: string; open: number; idle: number; created: number; reused: number }> {
    return [...this.pools.entries()].map(([address, p]) => ({ address, open: p.open, idle: p.idleCount, created: p.created, reused: p.reused }));
  }

  close(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
    for (const pool of this.pools.values()) pool.close();
    this.pools.clear();
  }
}
