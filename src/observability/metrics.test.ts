import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RequestContext } from '../dataplane/context.js';
import { compileSnapshot, type Snapshot } from '../engine/snapshot.js';
import { UpstreamRuntime } from '../upstream/runtime.js';
import { controlMetrics, DURATION_BUCKETS, PlaneMetrics, renderMetrics } from './metrics.js';
import { HistogramFamily } from './metrics-kinds.js';
import { samples } from '../../test/helpers/metrics.js';

const config = {
  services: { users: { endpoints: ['127.0.0.1:1', '127.0.0.1:2'] } },
  routes: [{ name: 'api', path: '/api', backendService: 'users' }],
};


function fakeCtx(snap: Snapshot, fields: Partial<Record<keyof RequestContext, unknown>>): RequestContext {
  return { route: snap.routes[0]!, endpoint: null, status: 200, errorCode: null, bodyBytes: 0, responseBytes: 0, startedHr: performance.now(), doneHr: performance.now(), upstreamSentHr: 0, upstreamHeadHr: 0, ...fields } as unknown as RequestContext;
}

describe('PlaneMetrics', () => {
  const upstreams = new UpstreamRuntime();
  const snap = compileSnapshot(config, 1, upstreams);
  const plane = { snapshot: snap, connectionCount: 3, upstreams };
  const m = new PlaneMetrics(plane);
  const e1 = snap.services.get('users')!.endpoints[0]!;
  m.requestDone(fakeCtx(snap, { status: 200, bodyBytes: 10, responseBytes: 100, endpoint: e1, upstreamSentHr: 1000, upstreamHeadHr: 1000.3 }));
  m.requestDone(fakeCtx(snap, { status: 200, responseBytes: 50, startedHr: performance.now() - 30 }));
  m.requestDone(fakeCtx(snap, { status: 502, errorCode: 'MG_UPSTREAM_REFUSED' }));
  m.requestDone(fakeCtx(snap, { status: 304 }));
  m.requestDone(fakeCtx(snap, { status: 0 }));
  m.requestDone(fakeCtx(snap, { route: null, status: 404, errorCode: 'MG_NO_ROUTE' }));

  it('counts by route, service, code and class', async () => {
    const s = samples((await renderMetrics([m.collect()], false)).body);
    assert.equal(s.get('meshgate_requests_total{route="api",service="users",code="200",class="2xx"}'), 2);
    assert.equal(s.get('meshgate_requests_total{route="api",service="users",code="502",class="5xx"}'), 1);
    assert.equal(s.get('meshgate_requests_total{route="api",service="users",code="304",class="3xx"}'), 1);
    assert.equal(s.get('meshgate_requests_total{route="api",service="users",code="0",class="none"}'), 1);
    assert.equal(s.get('meshgate_requests_total{route="",service="",code="404",class="4xx"}'), 1);
    assert.equal(s.get('meshgate_gateway_errors_total{route="api",code="MG_UPSTREAM_REFUSED"}'), 1);
    assert.equal(s.get('meshgate_gateway_errors_total{route="",code="MG_NO_ROUTE"}'), 1);
    assert.equal(s.get('meshgate_request_bytes_total{route="api",service="users"}'), 10);
    assert.equal(s.get('meshgate_response_bytes_total{route="api",service="users"}'), 150);
    assert.equal(s.get('meshgate_open_connections'), 3);
  });

  it('counts each request under its own route and endpoint when they alternate from one request to the next', async () => {
    const two = compileSnapshot(
      { services: { a: { endpoints: ['127.0.0.1:1', '127.0.0.1:2'] }, b: { endpoints: ['127.0.0.1:3'] } }, routes: [{ name: 'ra', path: '/a', backendService: 'a' }, { name: 'rb', path: '/b', backendService: 'b' }] },
      1, upstreams,
    );
    const mm = new PlaneMetrics({ snapshot: two, connectionCount: 0, upstreams });
    const [ra, rb] = two.routes;
    const [a1, a2] = two.services.get('a')!.endpoints;
    const b1 = two.services.get('b')!.endpoints[0]!;
    const timed = { upstreamSentHr: 1000, upstreamHeadHr: 1000.1 };
    // ra/a1, ra/a1, rb/b1, no route, ra/a2, rb/b1, ra/a1
    for (const [route, endpoint] of [[ra, a1], [ra, a1], [rb, b1], [null, null], [ra, a2], [rb, b1], [ra, a1]] as const) {
      mm.requestDone(fakeCtx(two, { route, endpoint, ...timed }));
    }
    const s = samples((await renderMetrics([mm.collect()], false)).body);
    assert.equal(s.get('meshgate_requests_total{route="ra",service="a",code="200",class="2xx"}'), 4);
    assert.equal(s.get('meshgate_requests_total{route="rb",service="b",code="200",class="2xx"}'), 2);
    assert.equal(s.get('meshgate_requests_total{route="",service="",code="200",class="2xx"}'), 1);
    assert.equal(s.get('meshgate_upstream_duration_seconds_count{service="a",endpoint="127.0.0.1:1"}'), 3);
    assert.equal(s.get('meshgate_upstream_duration_seconds_count{service="a",endpoint="127.0.0.1:2"}'), 1);
    assert.equal(s.get('meshgate_upstream_duration_seconds_count{service="b",endpoint="127.0.0.1:3"}'), 2);
  });

  it('observes durations in the declared buckets', async () => {
    const s = samples((await renderMetrics([m.collect()], false)).body);
    assert.equal(s.get('meshgate_request_duration_seconds_count{route="api",service="users"}'), 5);
    assert.equal(s.get('meshgate_request_duration_seconds_bucket{route="api",service="users",le="+Inf"}'), 5);
    // One request took ~30 ms: it is above the 25 ms bucket's bound.
    const at = (le: number) => s.get(`meshgate_request_duration_seconds_bucket{route="api",service="users",le="${le}"}`)!;
    assert.equal(at(0.025), 4);
    assert.equal(at(10), 5);
    assert.equal(s.get('meshgate_upstream_duration_seconds_bucket{service="users",endpoint="127.0.0.1:1",le="0.0005"}'), 1);
    assert.equal(s.get('meshgate_upstream_duration_seconds_count{service="users",endpoint="127.0.0.1:1"}'), 1);
    assert.equal(s.get('meshgate_endpoint_healthy{service="users",endpoint="127.0.0.1:2"}'), 1);
    assert.equal(s.get('meshgate_endpoint_ejected{service="users",endpoint="127.0.0.1:2"}'), 0);
    assert.deepEqual(DURATION_BUCKETS.slice(0, 1).concat(DURATION_BUCKETS.slice(-1)), [0.0005, 10]);
  });

  it('histogram children count each value into the first bucket whose bound is >= it', () => {
    const h = new HistogramFamily('h', 'h', ['a'], [1, 2, 5]).child('x');
    for (const v of [0, 1, 1.5, 2, 5, 6]) h.observe(v);
    assert.deepEqual([...h.counts], [2, 2, 1, 1]);
    assert.equal(h.count, 6);
    assert.equal(h.sum, 15.5);
  });

  it('sums processes and renders OpenMetrics', async () => {
    const both = await renderMetrics([m.collect(), m.collect(), controlMetrics(4, { succeeded: 3, failed: 1 })], true);
    assert.match(both.contentType, /^application\/openmetrics-text/);
    assert.match(both.body, /# TYPE meshgate_requests counter\n/);
    assert.match(both.body, /\n# EOF\n$/);
    const s = samples(both.body);
    assert.equal(s.get('meshgate_requests_total{route="api",service="users",code="200",class="2xx"}'), 4);
    assert.equal(s.get('meshgate_config_version'), 4);
    assert.equal(s.get('meshgate_config_reloads_total{result="failure"}'), 1);
    assert.equal(s.get('meshgate_open_connections'), 6);
  });

  it('counts timeouts by kind, exhausted retries, bulkhead rejections and fault aborts from the finished request', async () => {
    const cfg = {
      services: { users: { endpoints: ['127.0.0.1:1'], maxConcurrentRequests: 1 } },
      routes: [{ name: 'r', path: '/r', backendService: 'users', retryPolicy: { maxAttempts: 2, perTryTimeoutMs: 10 } }],
    };
    const rt = new UpstreamRuntime();
    const sn = compileSnapshot(cfg, 1, rt);
    const pm = new PlaneMetrics({ snapshot: sn, connectionCount: 0, upstreams: rt });
    const route = sn.routes[0]!;
    // Both attempts cut by the per-try timeout: 504, retries exhausted.
    pm.requestDone(fakeCtx(sn, { route, status: 504, errorCode: 'MG_UPSTREAM_TIMEOUT', attempts: 2, perTryTimeouts: 2 }));
    // One attempt cut, the second answered by the upstream with 200: not exhausted.
    pm.requestDone(fakeCtx(sn, { route, status: 200, attempts: 2, perTryTimeouts: 1 }));
    // The route timeout.
    pm.requestDone(fakeCtx(sn, { route, status: 504, errorCode: 'MG_UPSTREAM_TIMEOUT', attempts: 1, routeTimedOut: true }));
    pm.requestDone(fakeCtx(sn, { route, status: 503, errorCode: 'MG_BULKHEAD_FULL' }));
    pm.requestDone(fakeCtx(sn, { route, status: 503, errorCode: 'MG_BULKHEAD_TIMEOUT' }));
    pm.requestDone(fakeCtx(sn, { route, status: 418, errorCode: 'MG_FAULT_INJECTED' }));
    const s = samples((await renderMetrics([pm.collect()], false)).body);
    assert.equal(s.get('meshgate_upstream_timeouts_total{route="r",service="users",kind="per_try"}'), 3);
    assert.equal(s.get('meshgate_upstream_timeouts_total{route="r",service="users",kind="overall"}'), 1);
    assert.equal(s.get('meshgate_retries_total{route="r",service="users"}'), 2);
    assert.equal(s.get('meshgate_retries_exhausted_total{route="r",service="users"}'), 1);
    assert.equal(s.get('meshgate_bulkhead_rejected_total{service="users",reason="queue_full"}'), 1);
    assert.equal(s.get('meshgate_bulkhead_rejected_total{service="users",reason="queue_timeout"}'), 1);
    assert.equal(s.get('meshgate_fault_aborts_injected_total{route="r",status="418"}'), 1);
    assert.equal(s.get('meshgate_bulkhead_active_requests{service="users"}'), 0);
    const elu = s.get('meshgate_event_loop_utilization')!;
    assert.ok(elu >= 0 && elu <= 1, `utilisation ${elu}`);
    assert.ok(s.get('meshgate_event_loop_busy_seconds_total')! > 0);
  });

  it('keeps series across config versions', async () => {
    const next = compileSnapshot(config, 2, upstreams);
    const p2 = { snapshot: next, connectionCount: 0, upstreams };
    const m2 = new PlaneMetrics(p2);
    m2.requestDone(fakeCtx(snap, {}));
    p2.snapshot = next;
    m2.snapshotChanged(snap);
    m2.requestDone(fakeCtx(next, {}));
    const s = samples((await renderMetrics([m2.collect()], false)).body);
    assert.equal(s.get('meshgate_requests_total{route="api",service="users",code="200",class="2xx"}'), 2);
  });
});
