/**
 * Client-side helpers for lifecycle tests: one request over node:http (with or without a
 * keep-alive agent), and a set of clients sending requests back to back for a while, recording
 * every outcome so a test can count failures exactly.
 */
import http from 'node:http';
/** One HTTP/1.1 request to 127.0.0.1:port; resolves with status, headers and the whole body. */
export function request(port, opts = {}) {
    return new Promise((resolve, reject) => {
        const headers = { ...opts.headers };
        if (opts.body !== undefined)
            headers['content-length'] = String(Buffer.byteLength(opts.body));
        const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers, agent: opts.agent ?? false }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
            res.on('error', reject);
            res.on('aborted', () => reject(new Error('response aborted')));
        });
        req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error('client timeout')));
        req.on('error', reject);
        req.end(opts.body);
    });
}
/** GET that answers with the status, or 0 when the connection failed. */
export async function statusOf(port, path, agent = false) {
    try {
        return (await request(port, { path, agent, timeoutMs: 3000 })).status;
    }
    catch {
        return 0;
    }
}
/**
 * `clients` clients, each with its own keep-alive agent (one socket), sending requests back to
 * back until `durationMs` passes, `stop()` is called, or (with stopOnError) a request fails.
 */
export function startLoad(opts) {
    const t0 = Date.now();
    const outcomes = [];
    let stopped = false;
    const maxPerClient = opts.maxRequestsPerClient ?? 100_000;
    const agents = [];
    const client = async () => {
        const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
        agents.push(agent);
        for (let i = 0; i < maxPerClient && !stopped && Date.now() - t0 < opts.durationMs; i++) {
            const startedAt = Date.now() - t0;
            try {
                const r = await request(opts.port, { path: opts.path, agent, timeoutMs: 10_000 });
                outcomes.push({
                    startedAt, endedAt: Date.now() - t0, status: r.status, upstream: String(r.headers['x-upstream'] ?? ''),
                    connectionClose: String(r.headers.connection ?? '').toLowerCase() === 'close', error: null,
                });
            }
            catch (err) {
                outcomes.push({ startedAt, endedAt: Date.now() - t0, status: 0, upstream: '', connectionClose: false, error: err.code ?? err.message });
                if (opts.stopOnError)
                    return;
            }
        }
    };
    const done = Promise.all(Array.from({ length: opts.clients }, client)).then(() => {
        for (const a of agents)
            a.destroy();
    });
    return {
        outcomes, t0, done,
        stop: async () => {
            stopped = true;
            await done;
        },
    };
}
/** Counts outcomes by a key, for diagnostics: { '200': 812, 'ECONNRESET': 1 }. */
export function tally(outcomes) {
    const out = {};
    for (const o of outcomes) {
        const k = o.error ?? String(o.status);
        out[k] = (out[k] ?? 0) + 1;
    }
    return out;
}
/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes; returns the elapsed ms, or -1. */
export async function waitFor(check, timeoutMs, intervalMs = 25) {
    const start = Date.now();
    for (;;) {
        if (await check())
            return Date.now() - start;
        if (Date.now() - start > timeoutMs)
            return -1;
        await new Promise((r) => setTimeout(r, intervalMs));
    }
}
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** `promise`'s value, or `fallback` if it takes longer than `ms` (the timer does not keep the process alive). */
export async function within(promise, ms, fallback) {
    let timer;
    const timeout = new Promise((resolve) => {
        timer = setTimeout(() => resolve(fallback), ms);
    });
    try {
        return await Promise.race([promise, timeout]);
    }
    finally {
        clearTimeout(timer);
    }
}
//# sourceMappingURL=traffic.js.map