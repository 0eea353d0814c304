/**
 * Exact rate limits across worker processes (issue 4): with `workers: 2`, a global limit of 50/s
 * admits 50/s for the node, not 50 per worker. The real CLI, real sockets, real seconds: ~3x the
 * limit from several paced keep-alive clients that move to new connections every few requests
 * (so the kernel spreads them over both workers), then admitted (200) vs expected (the burst plus
 * 50 per second of the run). 4 s by default (4%); MESHGATE_LONG_TESTS=1 adds the bar:
 * 10 s within 2%. Then the primary (which holds the node's counters) is stopped for 1.5 s: the
 * workers must keep answering without waiting for it, fall back to local limits and come back.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import http from 'node:http';
import { after, before, describe, test } from 'node:test';
import { childPids, killCli } from '../helpers/cli.js';
import { startCli } from '../helpers/gateway.js';
import { request, sleep } from '../helpers/traffic.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { assertAdmitted } from '../helpers/traffic.js';

const LIMIT = 50;
const BURST = 50;
const LONG = process.env.MESHGATE_LONG_TESTS === '1';

let up: TestUpstream;
before(async () => {
  up = await startUpstream('rl-cluster');
});
after(async () => {
  await up.close();
});

interface Run {
  ok: number;
  limited: number;
  other: Record<string, number>;
  /** ms between the first request sent and the last one. */
  spanMs: number;
  /** Per worker pid: the most client connections it held at one sample. */
  connectionsByPid: Map<number, number>;
  /** The slowest request (ms). */
  maxLatencyMs: number;
}

/**
 * `clients` clients, each pacing `perClientRps` requests per second on a keep-alive connection
 * that it replaces every `reconnectEvery` requests, for `durationMs`.
 */
async function paced(port: number, opts: { clients: number; perClientRps: number; durationMs: number; reconnectEvery: number; workerPids: number[] }): Promise<Run> {
  const run: Run = { ok: 0, limited: 0, other: {}, spanMs: 0, connectionsByPid: new Map(), maxLatencyMs: 0 };
  const interval = 1000 / opts.perClientRps;
  const t0 = Date.now();
  let first = Infinity;
  let last = 0;
  let running = true;
  const client = async (c: number): Promise<void> => {
    let agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    // Spread the clients' send times over one interval.
    const offset = (interval * c) / opts.clients;
    for (let i = 0; ; i++) {
      const due = t0 + offset + i * interval;
      if (due - t0 >= opts.durationMs) break;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait);
      if (i > 0 && i % opts.reconnectEvery === 0) {
        agent.destroy();
        agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      }
      const sent = Date.now();
      first = Math.min(first, sent);
      last = Math.max(last, sent);
      try {
        const r = await request(port, { path: '/api/x', agent, timeoutMs: 5000 });
        run.maxLatencyMs = Math.max(run.maxLatencyMs, Date.now() - sent);
        if (r.status === 200) run.ok++;
        else if (r.status === 429) run.limited++;
        else run.other[r.status] = (run.other[r.status] ?? 0) + 1;
      } catch (err) {
        const k = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
        run.other[k] = (run.other[k] ?? 0) + 1;
      }
    }
    agent.destroy();
  };
  const sampler = (async () => {
    while (running) {
      await sleep(250);
      for (const [pid, n] of clientConnectionsByPid(opts.workerPids, port)) run.connectionsByPid.set(pid, Math.max(n, run.connectionsByPid.get(pid) ?? 0));
    }
  })();
  await Promise.all(Array.from({ length: opts.clients }, (_, c) => client(c)));
  running = false;
  await sampler;
  run.spanMs = last - first;
  return run;
}

/**
 * Linux only (empty elsewhere): established connections on the gateway's listening port held by
 * each worker process (its socket fds matched against /proc/net/tcp by inode).
 */
function clientConnectionsByPid(pids: readonly number[], port: number): Map<number, number> {
  const out = new Map<number, number>();
  let table: string;
  try {
    table = readFileSync('/proc/net/tcp', 'utf8') + readFileSync('/proc/net/tcp6', 'utf8');
  } catch {
    return out;
  }
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const inodes = new Set<string>();
  for (const line of table.split('\n')) {
    const f = line.trim().split(/\s+/);
    // local address, state 01 = ESTABLISHED, inode in column 10
    if (f.length > 9 && f[1]!.endsWith(portHex) && f[3] === '01') inodes.add(f[9]!);
  }
  for (const pid of pids) {
    let n = 0;
    try {
      for (const fd of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
          if (m !== null && inodes.has(m[1]!)) n++;
        } catch {
          // closed meanwhile
        }
      }
    } catch {
      continue;
    }
    out.set(pid, n);
  }
  return out;
}

async function measure(t: { diagnostic(msg: string): void; after(fn: () => Promise<void>): void }, durationMs: number, tolerance: number): Promise<void> {
  const cli = await startGateway(t);
  const workerPids = childPids(cli.child.pid!);
  assert.equal(workerPids.length, 2);
  const upstreamBefore = up.requests;

  // 3x the limit: 12 clients at 12.5 requests/s each.
  const run = await paced(cli.port, { clients: 12, perClientRps: (3 * LIMIT) / 12, durationMs, reconnectEvery: 5, workerPids });
  const admitted = run.ok;
  const expected = BURST + (LIMIT * run.spanMs) / 1000;
  const error = (admitted - expected) / expected;
  t.diagnostic(
    `${durationMs / 1000} s at 3x ${LIMIT}/s over 2 workers: admitted ${admitted}, expected ${expected.toFixed(1)} ` +
      `(burst ${BURST} + ${LIMIT}/s x ${(run.spanMs / 1000).toFixed(3)} s), error ${(error * 100).toFixed(2)}%, ` +
      `limited ${run.limited}, other ${JSON.stringify(run.other)}, client connections per worker (max seen) ${JSON.stringify([...run.connectionsByPid])}`,
  );
  const fallbacks = cli.output().split('\n').filter((l) => l.includes('rate_limit_store_'));
  if (fallbacks.length > 0) t.diagnostic(`store transitions:\n${fallbacks.join('\n')}`);
  assert.deepEqual(run.other, {}, 'every request is answered 200 or 429');
  assert.ok(run.limited > 0, 'the load is above the limit');
  assert.equal(up.requests - upstreamBefore, admitted, 'only admitted requests reach the upstream');
  // Both workers served (a per-worker limit would then admit about twice as much).
  if (run.connectionsByPid.size === 2) for (const [pid, n] of run.connectionsByPid) assert.ok(n > 0, `worker ${pid} got client connections`);
  if (tolerance >= 0.04) assertAdmitted(admitted, expected, tolerance);
  else assert.ok(Math.abs(error) <= tolerance, `admitted ${admitted} vs expected ${expected.toFixed(1)}: ${(error * 100).toFixed(2)}% (bar ${tolerance * 100}%)`);
}

const startGateway = async (t: { after(fn: () => Promise<void>): void }, logLevel = 'warn') => {
  const cli = await startCli({
    workers: 2,
    logLevel,
    routes: [{ name: 'api', path: '/api', backendService: up.address, rateLimits: [{ name: 'global', limit: LIMIT, periodSeconds: 1, key: 'global' }] }],
  });
  t.after(() => killCli(cli));
  return cli;
};

describe('rate limiting across workers', () => {
  test('workers: 2, global 50/s: the node admits 50/s in total (4 s at 3x, within 4%)', { timeout: 40_000 }, async (t) => {
    await measure(t, 4000, 0.04);
  });

  test('workers: 2, global 50/s: 10 s at 3x, within 2% (MESHGATE_LONG_TESTS=1)', { timeout: 60_000, skip: LONG ? false : 'set MESHGATE_LONG_TESTS=1' }, async (t) => {
    await measure(t, 10_000, 0.02);
  });

  test('the primary stops for 1.5 s (SIGSTOP): workers decide locally (limit / 2 each) without waiting for it, log the fallback and the recovery', { timeout: 40_000 }, async (t) => {
    const cli = await startGateway(t, 'info');
    const primary = cli.child.pid!;
    const stall = (async () => {
      await sleep(1500);
      process.kill(primary, 'SIGSTOP');
      await sleep(1500);
      process.kill(primary, 'SIGCONT');
    })();
    t.after(() => {
      try {
        process.kill(primary, 'SIGCONT');
      } catch {
        // gone
      }
    });
    const run = await paced(cli.port, { clients: 12, perClientRps: (3 * LIMIT) / 12, durationMs: 4000, reconnectEvery: 5, workerPids: childPids(primary) });
    await stall;
    const expected = BURST + (LIMIT * run.spanMs) / 1000;
    const events = cli.output().split('\n').filter((l) => l.includes('rate_limit_store_')).map((l) => JSON.parse(l) as { event: string; pid: number; reason?: string });
    t.diagnostic(`admitted ${run.ok} (exact would be ${expected.toFixed(1)}), limited ${run.limited}, slowest ${run.maxLatencyMs} ms, transitions ${JSON.stringify(events.map((e) => [e.pid, e.event, e.reason ?? '']))}`);
    assert.deepEqual(run.other, {}, 'every request is answered 200 or 429');
    assert.ok(run.maxLatencyMs < 1000, `no request waited for the stopped primary (slowest ${run.maxLatencyMs} ms)`);
    const fellBack = new Set(events.filter((e) => e.event === 'rate_limit_store_fallback').map((e) => e.pid));
    const recovered = new Set(events.filter((e) => e.event === 'rate_limit_store_recovered').map((e) => e.pid));
    assert.ok(fellBack.size >= 1, 'a worker fell back to local limits');
    assert.deepEqual([...recovered].sort(), [...fellBack].sort(), 'every worker that fell back came back');
    // An outage costs at most a local burst when it starts and the primary's unused burst when it ends.
    assert.ok(run.ok >= expected * 0.96 && run.ok <= expected + 2 * BURST, `admitted ${run.ok} vs ${expected.toFixed(1)}`);
  });
});
