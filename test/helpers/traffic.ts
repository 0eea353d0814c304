/**
 * Client-side helpers for lifecycle tests: one request over node:http (with or without a
 * keep-alive agent), and a set of clients sending requests back to back for a while, recording
 * every outcome so a test can count failures exactly.
 */
import http from 'node:http';

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface RequestOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** A keep-alive agent to reuse connections; `false` (default) opens a new connection. */
  agent?: http.Agent | false;
  /** Abort after this many ms (default 10 s). */
  timeoutMs?: number;
}

/** One HTTP/1.1 request to 127.0.0.1:port; resolves with status, headers and the whole body. */
export function request(port: number, opts: RequestOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.body !== undefined) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = http.request(
      { host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers, agent: opts.agent ?? false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
        res.on('aborted', () => reject(new Error('response aborted')));
      },
    );
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** GET that answers with the status, or 0 when the connection failed. */
export async function statusOf(port: number, path: string, agent: http.Agent | false = false): Promise<number> {
  try {
    return (await request(port, { path, agent, timeoutMs: 3000 })).status;
  } catch {
    return 0;
  }
}

export interface Outcome {
  /** ms since the load started when the request was sent. */
  startedAt: number;
  /** ms since the load started when it ended. */
  endedAt: number;
  status: number;
  /** The `x-upstream` response header (which test upstream answered). */
  upstream: string;
  connectionClose: boolean;
  /** Set when the request failed without a response. */
  error: string | null;
}

export interface LoadRun {
  readonly outcomes: Outcome[];
  /** ms timestamp (Date.now) when the load started. */
  readonly t0: number;
  /** Stops the clients after their current request; resolves when all have stopped. */
  stop(): Promise<void>;
  /** Resolves when the clients stopped by themselves (duration, or `stopOnError`). */
  done: Promise<void>;
}

export interface LoadOptions {
  port: number;
  path: string;
  clients: number;
  /** Hard bound on how long the clients run (ms). */
  durationMs: number;
  /** Hard bound on the number of requests per client. */
  maxRequestsPerClient?: number;
  /** A client stops after its first failed request (a connection refused after shutdown). */
  stopOnError?: boolean;
}

/**
 * `clients` clients, each with its own keep-alive agent (one socket), sending requests back to
 * back until `durationMs` passes, `stop()` is called, or (with stopOnError) a request fails.
 */
export function startLoad(opts: LoadOptions): LoadRun {
  const t0 = Date.now();
  const outcomes: Outcome[] = [];
  let stopped = false;
  const maxPerClient = opts.maxRequestsPerClient ?? 100_000;
  const agents: http.Agent[] = [];
  const client = async (): Promise<void> => {
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
      } catch (err) {
        outcomes.push({ startedAt, endedAt: Date.now() - t0, status: 0, upstream: '', connectionClose: false, error: (err as NodeJS.ErrnoException).code ?? (err as Error).message });
        if (opts.stopOnError) return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: opts.clients }, client)).then(() => {
    for (const a of agents) a.destroy();
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
export function tally(outcomes: readonly Outcome[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const o of outcomes) {
    const k = o.error ?? String(o.status);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes; returns the elapsed ms, or -1. */
export async function waitFor(check: () => boolean | Promise<boolean>, timeoutMs: number, intervalMs = 25): Promise<number> {
  const start = Date.now();
  for (;;) {
    if (await check()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) return -1;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** `promise`'s value, or `fallback` if it takes longer than `ms` (the timer does not keep the process alive). */
export async function within<T, F>(promise: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<F>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Rate-limit exactness in the shared test suite: admitting more than `expected` (+`over`) is the
 * bug a limiter must never have; admitting less is what a starved load generator causes on a
 * busy CI machine (it leaves gaps, and a bucket banks no more than its burst), so the lower bound
 * is loose. The tight two-sided figures come from isolated runs.
 */
export function assertAdmitted(admitted: number, expected: number, over: number, under = 0.15): void {
  const error = admitted / expected - 1;
  if (error > over || error < -under) {
    throw new Error(`admitted ${admitted} vs expected ${expected.toFixed(1)}: ${(error * 100).toFixed(2)}% (allowed +${over * 100}% / -${under * 100}%)`);
  }
}
