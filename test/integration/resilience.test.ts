/**
 * Resilience over real sockets, against upstreams that misbehave on cue: retries (to another
 * endpoint, conditions, idempotency, body replay limits), per-try and overall timeouts, circuit
 * breakers, bulkheads, fault injection, consistent hashing, and a chaos run.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { startGateway } from '../helpers/gateway.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { problemOf } from '../helpers/http1.js';
import { request, sleep, startLoad, tally, type Outcome } from '../helpers/traffic.js';
import { freePort } from '../helpers/net.js';
import type { GatewayConfig } from '../../src/config/schema/index.js';

type Gateway = Awaited<ReturnType<typeof startGateway>>;

/** An upstream answering every request with `status` (and its name in the body). */
function fixed(name: string, status: number): Promise<TestUpstream> {
  return startUpstream(name, (req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(status, { 'content-type': 'text/plain', 'x-upstream': name });
      res.end(name);
    });
  });
}

/** An upstream that reads the request and never answers. */
function hanging(name: string): Promise<TestUpstream> {
  return startUpstream(name, (req) => req.resume());
}

/** Upstreams and gateways made by a test, closed after it. */
function scope() {
  const closers: Array<() => Promise<void>> = [];
  return {
    async up(u: Promise<TestUpstream>): Promise<TestUpstream> {
      const x = await u;
      closers.push(() => x.close());
      return x;
    },
    async gw(config: GatewayConfig): Promise<Gateway> {
      const g = await startGateway(config);
      closers.unshift(() => g.close());
      return g;
    },
    async close() {
      for (const c of closers.splice(0)) await c();
    },
  };
}

describe('retries', () => {
  const s = scope();
  after(() => s.close());

  test('a retryable 503 goes to the other endpoint; the response says how many attempts it took', async () => {
    const bad = await s.up(fixed('bad', 503));
    const good = await s.up(fixed('good', 200));
    const gw = await s.gw({
      services: { svc: { endpoints: [bad.address, good.address] } },
      routes: [{ path: '/', backendService: 'svc', retryPolicy: { maxAttempts: 2, initialDelayMs: 1, retryOn: ['gateway-error'] } }],
    });
    let attempts = 0;
    for (let i = 0; i < 10; i++) {
      const res = await request(gw.port, { path: `/r${i}` });
      assert.equal(res.status, 200);
      assert.equal(res.body, 'good');
      const n = Number(res.headers['x-meshgate-attempts']);
      assert.ok(n === 1 || n === 2, `attempts ${n}`);
      attempts += n;
    }
    assert.ok(bad.requests >= 3, `the failing endpoint was tried (${bad.requests})`);
    assert.equal(good.requests, 10, 'every request ended on the good endpoint');
    assert.equal(attempts, bad.requests + good.requests, 'the header counts every attempt; a retry never went back to the failing endpoint');
  });

  test('without a retryable condition the error reaches the client after one attempt', async () => {
    const bad = await s.up(fixed('bad500', 500));
    const gw = await s.gw({
      routes: [{ path: '/', backendService: bad.address, retryPolicy: { maxAttempts: 3, initialDelayMs: 1 } }],
    });
    const res = await request(gw.port, { path: '/x' });
    assert.equal(res.status, 500, 'a 500 is not in the default retryOn (connect-failure, reset, gateway-error)');
    assert.equal(res.headers['x-meshgate-attempts'], '1');
    assert.equal(bad.requests, 1);
  });

  test('5xx and specific statuses in retryOn; attempts stop at maxAttempts', async () => {
    const bad = await s.up(fixed('bad409', 409));
    const gw = await s.gw({
      routes: [{ path: '/', backendService: bad.address, retryPolicy: { maxAttempts: 3, initialDelayMs: 1, retryOn: ['retriable-4xx'] } }],
    });
    const res = await request(gw.port, { path: '/x' });
    assert.equal(res.status, 409);
    assert.equal(res.headers['x-meshgate-attempts'], '3');
    assert.equal(bad.requests, 3);
  });

  test('a connection refused is retried on another endpoint, even for a POST with a body', async () => {
    const closedPort = await freePort();
    const good = await s.up(startUpstream('good-post'));
    const gw = await s.gw({
      services: { svc: { endpoints: [`127.0.0.1:${closedPort}`, good.address] } },
      routes: [{ path: '/', backendService: 'svc', retryPolicy: { maxAttempts: 2, initialDelayMs: 1 } }],
    });
    for (let i = 0; i < 6; i++) {
      const res = await request(gw.port, { method: 'POST', path: '/orders', body: `order-${i}` });
      assert.equal(res.status, 200);
      const echo = JSON.parse(res.body) as { body: string; method: string };
      assert.equal(echo.method, 'POST');
      assert.equal(echo.body, `order-${i}`, 'the body was replayed intact');
    }
  });

  test('a POST is retried after a 503 only with an Idempotency-Key or retryNonIdempotent', async () => {
    const bad = await s.up(fixed('bad-post', 503));
    const gw = await s.gw({
      routes: [
        { path: '/strict', backendService: bad.address, retryPolicy: { maxAttempts: 2, initialDelayMs: 1 } },
        { path: '/lenient', backendService: bad.address, retryPolicy: { maxAttempts: 2, initialDelayMs: 1, retryNonIdempotent: true } },
      ],
    });
    const plain = await request(gw.port, { method: 'POST', path: '/strict', body: 'x' });
    assert.equal(plain.headers['x-meshgate-attempts'], '1');
    const keyed = await request(gw.port, { method: 'POST', path: '/strict', body: 'x', headers: { 'idempotency-key': 'k-1' } });
    assert.equal(keyed.headers['x-meshgate-attempts'], '2');
    const lenient = await request(gw.port, { method: 'POST', path: '/lenient', body: 'x' });
    assert.equal(lenient.headers['x-meshgate-attempts'], '2');
    const put = await request(gw.port, { method: 'PUT', path: '/strict', body: 'x' });
    assert.equal(put.headers['x-meshgate-attempts'], '2', 'PUT is idempotent');
  });

  test('a body larger than retryBufferBytes is not replayed, so not retried', async () => {
    const bad = await s.up(fixed('bad-big', 503));
    const gw = await s.gw({
      routes: [{ path: '/', backendService: bad.address, retryPolicy: { maxAttempts: 2, initialDelayMs: 1, retryBufferBytes: 1024 } }],
    });
    const small = await request(gw.port, { method: 'PUT', path: '/s', body: 'a'.repeat(1000) });
    assert.equal(small.headers['x-meshgate-attempts'], '2');
    const big = await request(gw.port, { method: 'PUT', path: '/b', body: 'a'.repeat(5000) });
    assert.equal(big.status, 503);
    assert.equal(big.headers['x-meshgate-attempts'], '1');
  });

  test('perTryTimeoutMs moves a hung attempt to another endpoint, and the hung upstream sees its connection go', async () => {
    const hung = await s.up(hanging('hung'));
    const good = await s.up(fixed('fast', 200));
    let hungClosed = 0;
    hung.server.on('connection', (socket: net.Socket) => socket.on('close', () => hungClosed++));
    const gw = await s.gw({
      services: { svc: { endpoints: [hung.address, good.address] } },
      routes: [{ path: '/', backendService: 'svc', timeoutSeconds: 5, retryPolicy: { maxAttempts: 2, initialDelayMs: 1, perTryTimeoutMs: 200 } }],
    });
    const started = Date.now();
    for (let i = 0; i < 4; i++) {
      const res = await request(gw.port, { path: `/t${i}` });
      assert.equal(res.status, 200);
      assert.equal(res.body, 'fast');
    }
    const took = Date.now() - started;
    assert.ok(took < 2500, `4 requests, each at most one 200 ms per-try timeout: ${took} ms`);
    assert.ok(hung.requests >= 1);
    await sleep(100);
    assert.ok(hungClosed >= 1, 'the timed-out attempt was aborted upstream');
  });

  test('streamIdleTimeoutMs cuts an upstream that stalls mid-body; before the head it is a 504', async () => {
    let upstreamClosed = 0;
    const stall = await s.up(
      startUpstream('stall', (req, res) => {
        req.resume();
        req.socket.on('close', () => upstreamClosed++);
        if (req.url === '/head-only') return; // never answers
        res.writeHead(200, { 'content-length': '1000' });
        res.write('x'.repeat(100)); // then silence
      }),
    );
    const gw = await s.gw({
      services: { svc: { endpoints: [stall.address], streamIdleTimeoutMs: 300 } },
      routes: [{ path: '/', backendService: 'svc', timeoutSeconds: 10 }],
    });
    const started = Date.now();
    const cut = await request(gw.port, { path: '/body' }).then(
      () => 'complete',
      (err: Error) => err.message,
    );
    assert.notEqual(cut, 'complete', 'a response that stalls mid-body is cut, not completed');
    assert.ok(Date.now() - started < 3000, `cut after about the idle timeout (${Date.now() - started} ms)`);
    const head = await request(gw.port, { path: '/head-only' });
    assert.equal(head.status, 504);
    assert.equal(JSON.parse(head.body).code, 'MG_UPSTREAM_TIMEOUT');
    await sleep(100);
    assert.ok(upstreamClosed >= 2, 'the upstream saw both connections close');
  });

  test('timeoutSeconds is a deadline across all attempts: 504 problem+json', async () => {
    const hung = await s.up(hanging('hung-all'));
    const gw = await s.gw({
      routes: [{ path: '/', backendService: hung.address, timeoutSeconds: 0.6, retryPolicy: { maxAttempts: 10, initialDelayMs: 1, perTryTimeoutMs: 250 } }],
    });
    const started = Date.now();
    const res = await request(gw.port, { path: '/slow' });
    const took = Date.now() - started;
    assert.equal(res.status, 504);
    assert.equal(problemOf({ headers: res.headers, body: Buffer.from(res.body) }).code, 'MG_UPSTREAM_TIMEOUT');
    assert.ok(took >= 550 && took < 1500, `answered at the overall deadline: ${took} ms`);
    assert.ok(hung.requests <= 4, `no more attempts than fit in the deadline: ${hung.requests}`);
  });
});

describe('circuit breaker', () => {
  const s = scope();
  after(() => s.close());

  test('opens after failureThreshold consecutive failures, answers 503 with Retry-After without touching the upstream, then closes after a good probe', async () => {
    let status = 500;
    const up = await s.up(
      startUpstream('flaky', (req, res) => {
        req.resume();
        res.writeHead(status);
        res.end(String(status));
      }),
    );
    const gw = await s.gw({
      routes: [{ path: '/', backendService: up.address, circuitBreaker: { failureThreshold: 3, timeoutSeconds: 0.5, halfOpenRequests: 1 } }],
    });
    for (let i = 0; i < 3; i++) assert.equal((await request(gw.port, { path: '/' })).status, 500);
    const before = up.requests;
    const open = await request(gw.port, { path: '/' });
    assert.equal(open.status, 503);
    assert.equal(problemOf({ headers: open.headers, body: Buffer.from(open.body) }).code, 'MG_CIRCUIT_OPEN');
    assert.ok(Number(open.headers['retry-after']) >= 1, `Retry-After: ${open.headers['retry-after']}`);
    for (let i = 0; i < 5; i++) assert.equal((await request(gw.port, { path: '/' })).status, 503);
    assert.equal(up.requests, before, 'an open breaker never reaches the upstream');

    // Half-open: the probe fails -> open again.
    await sleep(600);
    assert.equal((await request(gw.port, { path: '/' })).status, 500, 'the half-open probe reached the upstream');
    assert.equal((await request(gw.port, { path: '/' })).status, 503, 'a failed probe re-opens the breaker');

    // The upstream recovers: the next probe succeeds and the breaker closes.
    status = 200;
    await sleep(600);
    for (let i = 0; i < 5; i++) assert.equal((await request(gw.port, { path: '/' })).status, 200);
  });

  test('scope: endpoint opens only the failing endpoint\'s breaker; traffic moves to the healthy one', async () => {
    const bad = await s.up(fixed('ep-bad', 500));
    const good = await s.up(fixed('ep-good', 200));
    const gw = await s.gw({
      services: { svc: { endpoints: [bad.address, good.address] } },
      routes: [{ path: '/', backendService: 'svc', circuitBreaker: { failureThreshold: 2, timeoutSeconds: 30, scope: 'endpoint' } }],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await request(gw.port, { path: `/e${i}` })).status);
    assert.equal(bad.requests, 2, 'the bad endpoint got exactly failureThreshold requests before its breaker opened');
    assert.deepEqual(statuses.slice(4), [200, 200, 200, 200, 200, 200, 200, 200], 'then every request went to the healthy endpoint');
  });

  test('failure-rate mode opens on the share of failures in the window, not only on consecutive ones', async () => {
    let n = 0;
    const flaky = await s.up(
      startUpstream('rate', (req, res) => {
        req.resume();
        n++;
        res.writeHead(n % 2 === 0 ? 500 : 200); // every other request fails: never 2 in a row
        res.end();
      }),
    );
    const gw = await s.gw({
      routes: [{ path: '/', backendService: flaky.address, circuitBreaker: { failureThreshold: 100, failureRateThreshold: 50, windowSeconds: 10, minimumRequests: 10, timeoutSeconds: 30 } }],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 14; i++) statuses.push((await request(gw.port, { path: '/r' })).status);
    assert.equal(flaky.requests, 10, `the breaker opened at minimumRequests with a 50% failure rate: ${statuses.join(',')}`);
    assert.deepEqual(statuses.slice(10), [503, 503, 503, 503]);
  });

  test('a service-level breaker applies to every route of the service without its own', async () => {
    const up = await s.up(fixed('svc-broken', 502));
    const gw = await s.gw({
      services: { svc: { endpoints: [up.address], circuitBreaker: { failureThreshold: 2, timeoutSeconds: 30 } } },
      routes: [
        { path: '/a', backendService: 'svc' },
        { path: '/b', backendService: 'svc' },
      ],
    });
    assert.equal((await request(gw.port, { path: '/a' })).status, 502);
    assert.equal((await request(gw.port, { path: '/b' })).status, 502);
    assert.equal((await request(gw.port, { path: '/a' })).status, 503);
    assert.equal((await request(gw.port, { path: '/b' })).status, 503, 'one breaker for the service, shared by its routes');
    const services = (await (await fetch(`http://127.0.0.1:${gw.adminPort}/services`)).json()) as {
      services: Array<{ name: string; circuitBreakers: Array<{ name: string; state: string; openUntil: string | null }> }>;
    };
    const svc = services.services.find((x) => x.name === 'svc')!;
    assert.equal(svc.circuitBreakers.length, 1, 'the admin API shows the one breaker');
    assert.equal(svc.circuitBreakers[0]!.name, 'service:svc');
    assert.equal(svc.circuitBreakers[0]!.state, 'open');
    assert.ok(svc.circuitBreakers[0]!.openUntil !== null);
  });
});

describe('bulkhead', () => {
  const s = scope();
  after(() => s.close());

  test('overflow beyond maxConcurrentRequests answers 503 at once; queued requests time out with 503', async () => {
    const slow = await s.up(
      startUpstream('slow', (req, res) => {
        req.resume();
        setTimeout(() => res.end('slow'), 400);
      }),
    );
    const gw = await s.gw({
      services: {
        nq: { endpoints: [slow.address], maxConcurrentRequests: 2 },
        q: { endpoints: [slow.address], maxConcurrentRequests: 1, maxPendingRequests: 1, queueTimeoutMs: 100 },
      },
      routes: [
        { path: '/nq', backendService: 'nq' },
        { path: '/q', backendService: 'q' },
      ],
    });
    const started = Date.now();
    const results = await Promise.all(Array.from({ length: 5 }, () => request(gw.port, { path: '/nq' }).then((r) => ({ r, at: Date.now() - started }))));
    const ok = results.filter((x) => x.r.status === 200);
    const full = results.filter((x) => x.r.status === 503);
    assert.equal(ok.length, 2);
    assert.equal(full.length, 3);
    for (const f of full) {
      assert.equal(JSON.parse(f.r.body).code, 'MG_BULKHEAD_FULL');
      assert.ok(f.at < 300, `rejected at once (${f.at} ms)`);
    }
    const queued = await Promise.all(Array.from({ length: 3 }, () => request(gw.port, { path: '/q' })));
    const codes = queued.map((r) => (r.status === 200 ? 'ok' : JSON.parse(r.body).code)).sort();
    assert.deepEqual(codes, ['MG_BULKHEAD_FULL', 'MG_BULKHEAD_TIMEOUT', 'ok']);
  });

  test('a stalled service cannot take the capacity of a healthy one', async () => {
    const stalled = await s.up(hanging('stalled'));
    const healthy = await s.up(fixed('healthy', 200));
    const gw = await s.gw({
      services: {
        stalled: { endpoints: [stalled.address], maxConcurrentRequests: 10 },
        healthy: { endpoints: [healthy.address], maxConcurrentRequests: 10 },
      },
      routes: [
        { path: '/stalled', backendService: 'stalled', timeoutSeconds: 5 },
        { path: '/healthy', backendService: 'healthy' },
      ],
    });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const baseline: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      assert.equal((await request(gw.port, { path: '/healthy', agent })).status, 200);
      baseline.push(performance.now() - t);
    }
    // 40 requests pile onto the stalled service: 10 hang, 30 are refused at once.
    const flood = Array.from({ length: 40 }, () => request(gw.port, { path: '/stalled', timeoutMs: 8000 }).catch(() => null));
    await sleep(100);
    const during: number[] = [];
    for (let i = 0; i < 30; i++) {
      const t = performance.now();
      assert.equal((await request(gw.port, { path: '/healthy', agent })).status, 200);
      during.push(performance.now() - t);
    }
    agent.destroy();
    const p90 = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length * 0.9)]!;
    assert.ok(p90(during) < Math.max(50, p90(baseline) * 5), `healthy p90 ${p90(during).toFixed(1)} ms during the stall vs ${p90(baseline).toFixed(1)} ms before`);
    assert.equal(stalled.requests, 10, 'only maxConcurrentRequests reached the stalled service');
    await s.close(); // cut the hanging requests
    const settled = await Promise.all(flood);
    assert.ok(settled.filter((r) => r?.status === 503).length >= 30);
  });
});

describe('fault injection', () => {
  const s = scope();
  after(() => s.close());

  test('abort answers the configured status without touching the upstream; delay adds latency; percentages hold', async () => {
    const up = await s.up(fixed('faulted', 200));
    const gw = await s.gw({
      routes: [
        { path: '/abort', backendService: up.address, fault: { abort: { httpStatus: 418 } } },
        { path: '/delay', backendService: up.address, fault: { delay: { fixedDelayMs: 250 } } },
        { path: '/half', backendService: up.address, fault: { abort: { httpStatus: 503, percentage: 50 } } },
      ],
    });
    const aborted = await request(gw.port, { path: '/abort' });
    assert.equal(aborted.status, 418);
    const doc = problemOf({ headers: aborted.headers, body: Buffer.from(aborted.body) });
    assert.equal(doc.code, 'MG_FAULT_INJECTED');
    assert.equal(doc.status, 418);
    assert.equal(up.requests, 0);

    const t = Date.now();
    assert.equal((await request(gw.port, { path: '/delay' })).status, 200);
    assert.ok(Date.now() - t >= 240, 'the delay was added');

    const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
    const statuses = await Promise.all(Array.from({ length: 400 }, () => request(gw.port, { path: '/half', agent }).then((r) => r.status)));
    agent.destroy();
    const abortedShare = statuses.filter((x) => x === 503).length / statuses.length;
    assert.ok(abortedShare > 0.4 && abortedShare < 0.6, `50% abort gave ${(abortedShare * 100).toFixed(1)}%`);
  });
});

describe('load balancing over real traffic', () => {
  const s = scope();
  after(() => s.close());

  test('consistent-hash on a header: one user always reaches the same endpoint', async () => {
    const ups = await Promise.all(['h1', 'h2', 'h3'].map((n) => s.up(fixed(n, 200))));
    const gw = await s.gw({
      services: { svc: { endpoints: ups.map((u) => u.address), loadBalancer: { type: 'consistent-hash', key: 'header:x-user' } } },
      routes: [{ path: '/', backendService: 'svc' }],
    });
    const seen = new Map<string, Set<string>>();
    for (let round = 0; round < 3; round++) {
      for (let u = 0; u < 20; u++) {
        const res = await request(gw.port, { path: '/', headers: { 'x-user': `user-${u}` } });
        const set = seen.get(`user-${u}`) ?? new Set<string>();
        set.add(res.body);
        seen.set(`user-${u}`, set);
      }
    }
    for (const [user, set] of seen) assert.equal(set.size, 1, `${user} reached ${[...set].join(', ')}`);
    const used = new Set([...seen.values()].map((x) => [...x][0]));
    assert.ok(used.size >= 2, 'keys spread over the endpoints');
  });
});

describe('chaos', () => {
  const s = scope();
  after(() => s.close());

  test('3 endpoints, one killed and restarted under steady load: retries and outlier detection hide it', async (t) => {
    const ups = await Promise.all(['c1', 'c2', 'c3'].map((n) => s.up(fixed(n, 200))));
    const victim = ups[1]!;
    const gw = await s.gw({
      services: {
        svc: {
          endpoints: ups.map((u) => u.address),
          outlierDetection: { consecutiveFailures: 2, intervalMs: 100, baseEjectionMs: 800, maxEjectionPercent: 50 },
          connectTimeoutMs: 500,
        },
      },
      routes: [{ path: '/', backendService: 'svc', retryPolicy: { maxAttempts: 3, initialDelayMs: 5, retryOn: ['connect-failure', 'reset', 'gateway-error'] } }],
    });
    const load = startLoad({ port: gw.port, clients: 4, durationMs: 3000, path: '/chaos' });
    await sleep(700);
    const killedAt = Date.now() - load.t0;
    await victim.close();
    await sleep(1000);
    const restartedAt = Date.now() - load.t0;
    await new Promise<void>((resolve) => victim.server.listen(victim.port, '127.0.0.1', resolve));
    await load.done;
    const outcomes = load.outcomes;
    const before = outcomes.filter((o) => o.startedAt < killedAt);
    const down = outcomes.filter((o) => o.startedAt >= killedAt && o.startedAt < restartedAt);
    const afterRestart = outcomes.filter((o) => o.startedAt >= restartedAt);
    const failed = (xs: readonly Outcome[]) => xs.filter((o) => o.status !== 200).length;
    t.diagnostic(`requests before/during/after the outage: ${before.length}/${down.length}/${afterRestart.length}; client-visible failures: ${failed(before)}/${failed(down)}/${failed(afterRestart)}; all: ${JSON.stringify(tally(outcomes))}`);
    assert.equal(failed(before) + failed(down) + failed(afterRestart), 0, 'no client saw the outage');
    assert.ok(down.length > 20, 'traffic kept flowing during the outage');
    const servedAfter = afterRestart.filter((o) => o.upstream === 'c2').length;
    t.diagnostic(`requests the restarted endpoint served after it came back: ${servedAfter}`);
  });
});
