/**
 * Metrics observer micro-benchmark: synthetic finished requests through PlaneMetrics.requestDone
 * (a route with a retry policy, an endpoint, status 200). Prints the best round's CPU time per request.
 * Run after a build: `node <build>/bench/micro/metrics.js [requests-per-round] [rounds]`.
 */
import { RequestContext } from '../../src/dataplane/context.js';
import { compileSnapshot } from '../../src/engine/snapshot.js';
import { PlaneMetrics } from '../../src/observability/metrics.js';
import { UpstreamRuntime } from '../../src/upstream/runtime.js';

const N = Number(process.argv[2] ?? 2_000_000);
const ROUNDS = Number(process.argv[3] ?? 5);
const upstreams = new UpstreamRuntime();
const snapshot = compileSnapshot(
  {
    services: { users: { endpoints: ['127.0.0.1:1', '127.0.0.1:2'] } },
    routes: [{ name: 'api', path: '/api', backendService: 'users', retryPolicy: { maxAttempts: 2 } }, { name: 'b', path: '/b', backendService: 'users' }],
  },
  1,
  upstreams,
);
const metrics = new PlaneMetrics({ snapshot, connectionCount: 0, upstreams });
const pool: RequestContext[] = [];
for (let i = 0; i < 1024; i++) {
  const ctx = new RequestContext(`id-${i}`, false, snapshot, 'GET', '/api/x', [], 1, true, 'h', false, -1, false, false, '10.0.0.1');
  ctx.route = snapshot.routes[i % 2]!;
  ctx.endpoint = snapshot.services.get('users')!.endpoints[i % 2]!;
  ctx.status = i % 50 === 0 ? 503 : 200;
  ctx.attempts = 1;
  ctx.responseBytes = 512;
  ctx.upstreamSentHr = ctx.startedHr + 0.1;
  ctx.upstreamHeadHr = ctx.startedHr + 0.2 + (i % 7);
  pool.push(ctx);
}
let best = Infinity;
for (let r = 0; r <= ROUNDS; r++) {
  const u0 = process.cpuUsage();
  for (let i = 0; i < N; i++) metrics.requestDone(pool[i & 1023]!);
  const u = process.cpuUsage(u0);
  const ns = ((u.user + u.system) * 1000) / N;
  if (r > 0 && ns < best) best = ns;
}
console.log(`PlaneMetrics.requestDone ${best.toFixed(0)} ns/request`);
