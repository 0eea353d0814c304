/**
 * Access-log micro-benchmark: synthetic finished requests through AccessLog: format only,
 * requestDone into a no-op sink, and requestDone into the real chunked destination on /dev/null
 * (in batches, so the asynchronous writes run as they would in a server). Each case runs several
 * rounds; the best round is printed, in CPU time of the whole process (the writer threads
 * included) per request, which a busy machine disturbs less than wall time.
 * Run after a build: `node <build>/bench/micro/access-log.js [requests-per-round] [rounds]`.
 */
import { setImmediate as turn } from 'node:timers/promises';
import { AccessLog, resolveAccessLog } from '../../src/observability/access-log.js';
import { RequestContext } from '../../src/dataplane/context.js';
import type { Snapshot } from '../../src/engine/snapshot.js';

const N = Number(process.argv[2] ?? 300_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const BATCH = 256;
const route = { name: 'users', service: { name: 'users-svc' } } as unknown as RequestContext['route'];
const endpoint = { address: '127.0.0.1:8080' } as unknown as RequestContext['endpoint'];
const headers = [
  'Host', 'api.example.com', 'User-Agent', 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0', 'Accept', '*/*',
  'Accept-Encoding', 'gzip', 'Connection', 'keep-alive', 'X-Forwarded-For', '203.0.113.9',
];

/** Contexts as the data plane leaves them (distinct ids and paths), reused round-robin. */
function contexts(n: number): RequestContext[] {
  const out: RequestContext[] = [];
  for (let i = 0; i < n; i++) {
    const ctx = new RequestContext(
      `0b7e1b0c-6d3a-4d0e-9c5f-${String(100000000000 + i)}`, false, {} as Snapshot, 'GET', `/api/v1/users/${i}?page=2`, headers, 1, true,
      'api.example.com', false, -1, false, false, '10.0.0.9',
    );
    ctx.route = route;
    ctx.endpoint = endpoint;
    ctx.status = 200;
    ctx.attempts = 1;
    ctx.responseBytes = 512;
    ctx.upstreamSentHr = ctx.startedHr + 0.1 + i / 7919;
    ctx.upstreamHeadHr = ctx.upstreamSentHr + 0.8 + i / 1543;
    ctx.doneHr = ctx.upstreamHeadHr + 0.05;
    out.push(ctx);
  }
  return out;
}

const cpuNs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

async function run(name: string, fn: (ctx: RequestContext) => void, pool: RequestContext[]): Promise<void> {
  let best = Infinity;
  for (let r = 0; r <= ROUNDS; r++) {
    const t0 = cpuNs();
    for (let i = 0; i < N; ) {
      const end = Math.min(N, i + BATCH);
      for (; i < end; i++) fn(pool[i % pool.length]!);
      await turn(); // let the destination's writes complete
    }
    const ns = (cpuNs() - t0) / N;
    if (r > 0 && ns < best) best = ns; // round 0 warms up
  }
  console.log(`${name.padEnd(52)} ${best.toFixed(0).padStart(6)} ns/request`);
}

const pool = contexts(1024);
let bytes = 0;
const sink = { write: (line: string) => (bytes += line.length) };
const defaults = new AccessLog(resolveAccessLog({ enabled: true }), sink);
const now = performance.now();
await run('format (default fields)', (ctx) => void defaults.format(ctx, now), pool);
await run('requestDone -> no-op sink (default fields)', (ctx) => defaults.requestDone(ctx), pool);
const few = new AccessLog(resolveAccessLog({ enabled: true, fields: ['time', 'status', 'durationMs'] }), sink);
await run('requestDone -> no-op sink (time, status, durationMs)', (ctx) => few.requestDone(ctx), pool);
const file = new AccessLog(resolveAccessLog({ enabled: true, output: '/dev/null' }));
await run('requestDone -> /dev/null, chunked writes (default fields)', (ctx) => file.requestDone(ctx), pool);
await file.close();
console.log(`(${bytes} bytes to the no-op sink)`);
