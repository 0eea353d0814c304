/**
 * Metrics of resilience events, caused over real connections and read back from the admin
 * `/metrics`: circuit breaker transitions and state, outlier ejections, per-try and overall
 * timeouts, exhausted retries, bulkhead rejections and occupancy, injected faults, upstream
 * connections in use, active health, reloads, event loop utilisation; one scrape summing the
 * policy counters of `workers: 2`; and `metrics.enabled: false`.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import type http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { GatewayConfig } from '../../src/config/schema/index.js';
import { killCli } from '../helpers/cli.js';
import { startCli, startGateway } from '../helpers/gateway.js';
import { freePort } from '../helpers/net.js';
import { request, sleep, waitFor } from '../helpers/traffic.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { samples } from '../helpers/metrics.js';


async function scrape(adminPort: number): Promise<Map<string, number>> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/metrics`);
  assert.equal(res.status, 200);
  return samples(await res.text());
}

/** An upstream that holds `/hang...` requests until released, answers `/health` 503, anything else 200. */
interface HoldingUpstream extends TestUpstream {
  held: http.ServerResponse[];
  release(): void;
}

async function startHoldingUpstream(): Promise<HoldingUpstream> {
  const held: http.ServerResponse[] = [];
  const up = (await startUpstream('hold', (req, res) => {
    if (req.url?.startsWith('/hang')) {
      held.push(res);
      return;
    }
    res.writeHead(req.url === '/health' ? 503 : 200, { 'content-length': '2' });
    res.end('ok');
  })) as HoldingUpstream;
  up.held = held;
  up.release = () => {
    for (const res of held.splice(0)) if (!res.destroyed) res.end('ok');
  };
  return up;
}

let up: HoldingUpstream;
let dead: string;
let dead2: string;
before(async () => {
  up = await startHoldingUpstream();
  dead = `127.0.0.1:${await freePort()}`; // nothing listens: connection refused, 502
  dead2 = `127.0.0.1:${await freePort()}`;
});
after(async () => {
  up.release();
  await up.close();
});

describe('metrics of resilience events', () => {
  test('circuit breaker transitions and state, outlier ejections; counts survive a reload', async (t) => {
    const config = (): GatewayConfig => ({
      services: {
        flaky: { endpoints: [dead], circuitBreaker: { failureThreshold: 2, timeoutSeconds: 0.2 } },
        flaky2: { endpoints: [dead2] },
        pair: { endpoints: [up.address, dead], outlierDetection: { consecutiveFailures: 2, baseEjectionMs: 60_000, maxEjectionPercent: 50 } },
      },
      routes: [
        { name: 'br', path: '/br', backendService: 'flaky' },
        { name: 'br-ep', path: '/br-ep', backendService: 'flaky2', circuitBreaker: { scope: 'endpoint', failureThreshold: 1, timeoutSeconds: 60 } },
        { name: 'pair', path: '/pair', backendService: 'pair' },
      ],
    });
    const g = await startGateway(config());
    t.after(() => g.close());

    // Service breaker: two refusals open it, the third request is refused by the breaker.
    assert.deepEqual([(await request(g.port, { path: '/br' })).status, (await request(g.port, { path: '/br' })).status], [502, 502]);
    assert.equal((await request(g.port, { path: '/br' })).status, 503);
    let s = await scrape(g.adminPort);
    const svc = `route="",service="flaky",endpoint=""`;
    assert.equal(s.get(`meshgate_circuit_breaker_transitions_total{${svc},from="closed",to="open"}`), 1);
    assert.equal(s.get(`meshgate_circuit_breaker_state{${svc}}`), 1);
    assert.equal(s.get('meshgate_gateway_errors_total{route="br",code="MG_CIRCUIT_OPEN"}'), 1);
    // After the open period one probe goes through, fails, and the breaker opens again.
    await sleep(300);
    assert.equal((await request(g.port, { path: '/br' })).status, 502);
    s = await scrape(g.adminPort);
    assert.equal(s.get(`meshgate_circuit_breaker_transitions_total{${svc},from="open",to="half-open"}`), 1);
    assert.equal(s.get(`meshgate_circuit_breaker_transitions_total{${svc},from="half-open",to="open"}`), 1);
    assert.equal(s.get(`meshgate_circuit_breaker_transitions_total{${svc},from="half-open",to="closed"}`), 0);

    // A route's own endpoint-scoped breaker carries the route and endpoint labels.
    assert.equal((await request(g.port, { path: '/br-ep' })).status, 502);
    assert.equal((await request(g.port, { path: '/br-ep' })).status, 503);
    s = await scrape(g.adminPort);
    const ep = `route="br-ep",service="flaky2",endpoint="${dead2}"`;
    assert.equal(s.get(`meshgate_circuit_breaker_transitions_total{${ep},from="closed",to="open"}`), 1);
    assert.equal(s.get(`meshgate_circuit_breaker_state{${ep}}`), 1);

    // Outlier detection: the refusing endpoint of `pair` is ejected after two failures in a row.
    assert.equal(s.get('meshgate_outlier_ejections_total{service="pair"}'), 0);
    let failures = 0;
    for (let i = 0; i < 10 && failures < 2; i++) if ((await request(g.port, { path: '/pair' })).status === 502) failures++;
    assert.equal(failures, 2);
    s = await scrape(g.adminPort);
    assert.equal(s.get('meshgate_outlier_ejections_total{service="pair"}'), 1);
    assert.equal(s.get(`meshgate_endpoint_ejected{service="pair",endpoint="${dead}"}`), 1);
    assert.equal(s.get(`meshgate_endpoint_ejected{service="pair",endpoint="${up.address}"}`), 0);
    for (let i = 0; i < 4; i++) assert.equal((await request(g.port, { path: '/pair' })).status, 200, 'the ejected endpoint gets no traffic');

    // A reload recompiles every breaker, detector and route: the counts go on where they were.
    await g.gateway.reload(config());
    s = await scrape(g.adminPort);
    assert.equal(s.get(`meshgate_circuit_breaker_transitions_total{${svc},from="closed",to="open"}`), 1);
    assert.equal(s.get('meshgate_outlier_ejections_total{service="pair"}'), 1);
    assert.equal(s.get('meshgate_config_reloads_total{result="success"}'), 1);
  });

  test('timeouts by kind, exhausted retries, connections in use, bulkhead rejections and occupancy', async (t) => {
    const g = await startGateway({
      services: {
        slow: { endpoints: [up.address] },
        narrow: { endpoints: [up.address], maxConcurrentRequests: 1 },
        queued: { endpoints: [up.address], maxConcurrentRequests: 1, maxPendingRequests: 1, queueTimeoutMs: 50 },
      },
      routes: [
        { name: 'per-try', path: '/hang/per-try', backendService: 'slow', retryPolicy: { maxAttempts: 2, perTryTimeoutMs: 100, initialDelayMs: 1 } },
        { name: 'overall', path: '/hang/overall', backendService: 'slow', timeoutSeconds: 0.2 },
        { name: 'narrow', path: '/hang/narrow', backendService: 'narrow' },
        { name: 'queued', path: '/hang/queued', backendService: 'queued' },
      ],
    });
    t.after(() => g.close());
    t.after(() => up.release());

    assert.equal((await request(g.port, { path: '/hang/per-try' })).status, 504);
    assert.equal((await request(g.port, { path: '/hang/overall' })).status, 504);
    let s = await scrape(g.adminPort);
    assert.equal(s.get('meshgate_upstream_timeouts_total{route="per-try",service="slow",kind="per_try"}'), 2);
    assert.equal(s.get('meshgate_upstream_timeouts_total{route="per-try",service="slow",kind="overall"}'), 0);
    assert.equal(s.get('meshgate_upstream_timeouts_total{route="overall",service="slow",kind="overall"}'), 1);
    assert.equal(s.get('meshgate_upstream_timeouts_total{route="overall",service="slow",kind="per_try"}'), 0);
    assert.equal(s.get('meshgate_retries_total{route="per-try",service="slow"}'), 1);
    assert.equal(s.get('meshgate_retries_exhausted_total{route="per-try",service="slow"}'), 1);
    assert.equal(s.get('meshgate_gateway_errors_total{route="overall",code="MG_UPSTREAM_TIMEOUT"}'), 1);

    // One request holds `narrow`'s only slot: the next is refused at once (no queue).
    const base = up.held.length;
    const holding = request(g.port, { path: '/hang/narrow' });
    assert.ok((await waitFor(() => up.held.length === base + 1, 5000)) >= 0);
    s = await scrape(g.adminPort);
    assert.equal(s.get('meshgate_bulkhead_active_requests{service="narrow"}'), 1);
    assert.equal(s.get(`meshgate_upstream_connections{service="narrow",endpoint="${up.address}",state="active"}`), 1);
    assert.equal((await request(g.port, { path: '/hang/narrow' })).status, 503);
    // `queued` waits 50 ms for a slot that never frees, then gives up.
    const holdingQueued = request(g.port, { path: '/hang/queued' });
    assert.ok((await waitFor(() => up.held.length === base + 2, 5000)) >= 0);
    assert.equal((await request(g.port, { path: '/hang/queued' })).status, 503);
    s = await scrape(g.adminPort);
    assert.equal(s.get('meshgate_bulkhead_rejected_total{service="narrow",reason="queue_full"}'), 1);
    assert.equal(s.get('meshgate_bulkhead_rejected_total{service="queued",reason="queue_timeout"}'), 1);
    assert.equal(s.get('meshgate_gateway_errors_total{route="narrow",code="MG_BULKHEAD_FULL"}'), 1);
    assert.equal(s.get('meshgate_bulkhead_pending_requests{service="queued"}'), 0);

    up.release();
    assert.deepEqual([(await holding).status, (await holdingQueued).status], [200, 200]);
    s = await scrape(g.adminPort);
    assert.equal(s.get('meshgate_bulkhead_active_requests{service="narrow"}'), 0);
    assert.equal(s.get(`meshgate_upstream_connections{service="narrow",endpoint="${up.address}",state="active"}`), 0);
    assert.ok(s.get(`meshgate_upstream_connections{service="narrow",endpoint="${up.address}",state="idle"}`)! >= 1);
  });

  test('injected faults, active health, failed reloads, event loop utilisation', async (t) => {
    const g = await startGateway({
      services: { sick: { endpoints: [up.address], healthCheck: { path: '/health', intervalMs: 50, unhealthyThreshold: 1 } } },
      routes: [
        { name: 'delayed', path: '/delayed', backendService: up.address, fault: { delay: { fixedDelayMs: 1 } } },
        { name: 'aborted', path: '/aborted', backendService: up.address, fault: { abort: { httpStatus: 418 } } },
        { name: 'sick', path: '/sick', backendService: 'sick' },
      ],
    });
    t.after(() => g.close());
    for (let i = 0; i < 3; i++) assert.equal((await request(g.port, { path: '/delayed' })).status, 200);
    for (let i = 0; i < 2; i++) assert.equal((await request(g.port, { path: '/aborted' })).status, 418);
    await assert.rejects(g.gateway.reload({ routes: [{ path: '/x', backendService: 'no-such-service:port' }] } as GatewayConfig));

    const s = await scrape(g.adminPort);
    assert.equal(s.get('meshgate_fault_delays_injected_total{route="delayed"}'), 3);
    assert.equal(s.get('meshgate_fault_aborts_injected_total{route="aborted",status="418"}'), 2);
    assert.equal(s.get('meshgate_fault_delays_injected_total{route="aborted"}'), 0);
    assert.equal(s.get('meshgate_config_reloads_total{result="failure"}'), 1);
    assert.equal(s.get('meshgate_config_reloads_total{result="success"}'), 0);
    assert.equal(s.get('meshgate_config_version'), 1);
    const elu = s.get('meshgate_event_loop_utilization')!;
    assert.ok(elu >= 0 && elu <= 1, `utilisation is a share: ${elu}`);
    assert.ok(s.get('meshgate_event_loop_busy_seconds_total')! > 0);
    assert.ok(s.has('nodejs_eventloop_lag_seconds'));

    // The health check of `sick` fails: its endpoint shows unhealthy.
    const key = `meshgate_endpoint_healthy{service="sick",endpoint="${up.address}"}`;
    assert.ok((await waitFor(async () => (await scrape(g.adminPort)).get(key) === 0, 10_000, 50)) >= 0, 'endpoint never reported unhealthy');
  });

  test('workers: 2 (CLI): one scrape sums the policy counters of both workers', async (t) => {
    const cli = await startCli({
      workers: 2,
      routes: [
        { name: 'delayed', path: '/delayed', backendService: up.address, fault: { delay: { fixedDelayMs: 1 } } },
        { name: 'aborted', path: '/aborted', backendService: up.address, fault: { abort: { httpStatus: 503 } } },
      ],
    });
    t.after(() => killCli(cli));
    const N = 30;
    // A new connection per request: the kernel spreads them over both workers.
    await Promise.all(Array.from({ length: N }, () => request(cli.port, { path: '/delayed', headers: { connection: 'close' } })));
    await Promise.all(Array.from({ length: N }, () => request(cli.port, { path: '/aborted', headers: { connection: 'close' } })));
    const s = await scrape(cli.adminPort);
    assert.equal(s.get('meshgate_fault_delays_injected_total{route="delayed"}'), N);
    assert.equal(s.get('meshgate_fault_aborts_injected_total{route="aborted",status="503"}'), N);
    const elu = s.get('meshgate_event_loop_utilization')!;
    assert.ok(elu >= 0 && elu <= 1, `the average of the workers' shares: ${elu}`);
  });

  test('metrics.enabled false: /metrics answers 404 problem+json; traffic and the access log go on', async (t) => {
    const file = join(mkdtempSync(join(tmpdir(), 'meshgate-mx-')), 'access.log');
    const g = await startGateway({ metrics: { enabled: false }, accessLog: { enabled: true, output: file, fields: ['route', 'status'] }, routes: [{ name: 'api', path: '/api', backendService: up.address }] });
    let closed = false;
    t.after(() => (closed ? undefined : g.close()));
    assert.equal((await request(g.port, { path: '/api' })).status, 200);
    const res = await fetch(`http://127.0.0.1:${g.adminPort}/metrics`);
    assert.equal(res.status, 404);
    assert.equal(res.headers.get('content-type'), 'application/problem+json');
    const problem = (await res.json()) as { detail: string };
    assert.match(problem.detail, /metrics\.enabled: false/);
    assert.equal((await fetch(`http://127.0.0.1:${g.adminPort}/readyz`)).status, 200);
    await g.close();
    closed = true;
    assert.ok(existsSync(file));
    assert.deepEqual(readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as unknown), [{ route: 'api', status: 200 }]);
  });
});
