/**
 * Keep-alive connection pools, one per endpoint address, shared across config versions so a
 * reload keeps warm connections. Idle connections are a LIFO stack (the warmest is reused first)
 * swept by one timer for the whole registry, not one timer per connection.
 */
import { UpstreamConnection } from '../dataplane/http1/upstream-connection.js';
export class EndpointPool {
    host;
    port;
    options;
    /** Idle connections, oldest first. */
    idle = [];
    /** Connections open now, busy or idle. */
    open = 0;
    /** Connections created over the pool's life (a test reads it to see reuse). */
    created = 0;
    /** Requests that went out on a reused connection. */
    reused = 0;
    closing = false;
    constructor(host, port, options) {
        this.host = host;
        this.port = port;
        this.options = options;
    }
    // Hot path, change with care.
    acquire() {
        while (this.idle.length > 0) {
            const conn = this.idle.pop();
            if (conn.readyForReuse) {
                this.reused++;
                return conn;
            }
        }
        return this.connect();
    }
    /** A new connection, bypassing the idle stack (a retry after a stale keep-alive failure). */
    connect() {
        this.open++;
        this.created++;
        return new UpstreamConnection({ host: this.host, port: this.port, connectTimeoutMs: this.options.connectTimeoutMs }, this);
    }
    /** A request finished cleanly on `conn`: keep it for the next one, or close it. */
    release(conn, reusable, now) {
        if (!reusable || this.closing || !conn.readyForReuse || this.idle.length >= this.options.maxIdleConnections || this.options.keepAliveTimeoutMs === 0) {
            conn.destroy();
            return;
        }
        conn.idleSince = now;
        this.idle.push(conn);
    }
    onConnectionClosed(conn) {
        this.open--;
        const i = this.idle.indexOf(conn);
        if (i >= 0)
            this.idle.splice(i, 1);
    }
    /** Closes connections idle longer than the keep-alive timeout. */
    sweep(now) {
        const limit = now - this.options.keepAliveTimeoutMs;
        while (this.idle.length > 0 && this.idle[0].idleSince <= limit)
            this.idle.shift().destroy();
    }
    get idleCount() {
        return this.idle.length;
    }
    close() {
        this.closing = true;
        for (const conn of this.idle.splice(0))
            conn.destroy();
    }
}
/** All pools of one process, keyed by `host:port`. */
export class PoolRegistry {
    pools = new Map();
    timer = null;
    get(host, port, options) {
        const key = `${host}:${port}`;
        let pool = this.pools.get(key);
        if (pool === undefined) {
            pool = new EndpointPool(host, port, options);
            this.pools.set(key, pool);
            if (this.timer === null) {
                this.timer = setInterval(() => this.sweep(), 500);
                this.timer.unref();
            }
        }
        else {
            pool.options = options;
        }
        return pool;
    }
    /** Pools no longer referenced by the current config are closed once idle. */
    retain(keys) {
        for (const [key, pool] of this.pools) {
            if (!keys.has(key) && pool.open === pool.idleCount) {
                pool.close();
                this.pools.delete(key);
            }
        }
    }
    sweep() {
        const now = Date.now();
        for (const pool of this.pools.values())
            pool.sweep(now);
    }
    stats() {
        return [...this.pools.entries()].map(([address, p]) => ({ address, open: p.open, idle: p.idleCount, created: p.created, reused: p.reused }));
    }
    close() {
        if (this.timer !== null)
            clearInterval(this.timer);
        this.timer = null;
        for (const pool of this.pools.values())
            pool.close();
        this.pools.clear();
    }
}
//# sourceMappingURL=pool.js.map