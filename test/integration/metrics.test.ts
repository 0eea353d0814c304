/**
 * Prometheus metrics at the admin `/metrics`: series and values after real traffic (in process),
 * OpenMetrics by Accept, counts kept across a reload, one scrape aggregating `workers: 2` (the
 * real CLI), and a real Prometheus server (Debian package `prometheus`) scraping the gateway and
 * answering its query API with the expected series.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { killCli } from '../helpers/cli.js';
import { startCli, startGateway } from '../helpers/gateway.js';
import { freePort } from '../helpers/net.js';
import { request, waitFor } from '../helpers/traffic.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { samples } from '../helpers/metrics.js';


async function scrape(adminPort: number, accept?: string): Promise<{ contentType: string; text: string; samples: Map<string, number> }> {
  const res = await fetch(`http://127.0.0.1:${adminPort}/metrics`, { headers: accept === undefined ? {} : { accept } });
  assert.equal(res.status, 200);
  const text = await res.text();
  return { contentType: res.headers.get('content-type') ?? '', text, samples: samples(text) };
}

const OK = 'meshgate_requests_total{route="api",service="users",code="200",class="2xx"}';

let up: TestUpstream;
let deadPort: number;
before(async () => {
  up = await startUpstream('users');
  deadPort = await freePort(); // nothing listens there: 502
});
after(async () => {
  await up.close();
});

const configOf = () => ({
  services: { users: { endpoints: [up.address] } },
  routes: [
    { name: 'api', path: '/api', backendService: 'users', rateLimits: [{ name: 'per-ip', limit: 3, periodSeconds: 60, key: 'ip' }] },
    { name: 'dead', path: '/dead', backendService: `127.0.0.1:${deadPort}` },
    { name: 'retried', path: '/retried', backendService: `127.0.0.1:${deadPort}`, retryPolicy: { maxAttempts: 3, initialDelayMs: 1 } },
  ],
});

describe('metrics', () => {
  test('in process: requests by code and class, bytes, durations, errors, rate limits, pools, config', async (t) => {
    const g = await startGateway(configOf());
    t.after(() => g.close());
    for (let i = 0; i < 4; i++) await request(g.port, { path: '/api/x', method: 'POST', body: 'hello' }); // 3 x 200, 1 x 429
    assert.equal((await request(g.port, { path: '/nowhere' })).status, 404);
    assert.equal((await request(g.port, { path: '/dead' })).status, 502);
    assert.equal((await request(g.port, { path: '/retried' })).status, 502); // 3 attempts: 2 retries

    const { contentType, samples: s, text } = await scrape(g.adminPort);
    assert.equal(s.get(`meshgate_retries_total{route="retried",service="127.0.0.1:${deadPort}"}`), 2);
    assert.equal(s.get(`meshgate_retries_total{route="dead",service="127.0.0.1:${deadPort}"}`), 0);
    assert.match(contentType, /^text\/plain; version=0\.0\.4/);
    assert.equal(s.get(OK), 3);
    assert.equal(s.get('meshgate_requests_total{route="api",service="users",code="429",class="4xx"}'), 1);
    assert.equal(s.get('meshgate_requests_total{route="",service="",code="404",class="4xx"}'), 1);
    assert.equal(s.get(`meshgate_requests_total{route="dead",service="127.0.0.1:${deadPort}",code="502",class="5xx"}`), 1);
    assert.equal(s.get('meshgate_gateway_errors_total{route="",code="MG_NO_ROUTE"}'), 1);
    assert.equal(s.get('meshgate_gateway_errors_total{route="dead",code="MG_UPSTREAM_REFUSED"}'), 1);
    assert.equal(s.get('meshgate_gateway_errors_total{route="api",code="MG_RATE_LIMITED"}'), 1);
    // The three admitted bodies; the 429's body is discarded, not counted.
    assert.equal(s.get('meshgate_request_bytes_total{route="api",service="users"}'), 15);
    assert.ok(s.get('meshgate_response_bytes_total{route="api",service="users"}')! > 0);
    assert.equal(s.get('meshgate_request_duration_seconds_count{route="api",service="users"}'), 4);
    assert.equal(s.get('meshgate_request_duration_seconds_bucket{route="api",service="users",le="+Inf"}'), 4);
    assert.equal(s.get(`meshgate_upstream_duration_seconds_count{service="users",endpoint="${up.address}"}`), 3);
    assert.equal(s.get('meshgate_ratelimit_decisions_total{route="api",limit="per-ip",decision="allowed"}'), 3);
    assert.equal(s.get('meshgate_ratelimit_decisions_total{route="api",limit="per-ip",decision="limited"}'), 1);
    assert.equal(s.get(`meshgate_upstream_connections{service="users",endpoint="${up.address}",state="idle"}`), 1);
    assert.equal(s.get(`meshgate_endpoint_healthy{service="users",endpoint="${up.address}"}`), 1);
    assert.equal(s.get(`meshgate_endpoint_ejected{service="users",endpoint="${up.address}"}`), 0);
    assert.equal(s.get('meshgate_config_version'), 1);
    assert.equal(s.get('meshgate_config_reloads_total{result="success"}'), 0);
    assert.ok(s.has('meshgate_open_connections'));
    assert.ok(s.has('nodejs_eventloop_lag_seconds'), 'default process metrics');
    assert.ok(s.has('process_resident_memory_bytes'));
    // Bounded labels: no raw path or client address anywhere.
    assert.doesNotMatch(text, /nowhere|\/api\/x|127\.0\.0\.1"?,?[^:]/);

    // After a reload the counters go on from where they were (rate-limit counts included).
    await g.gateway.reload(configOf());
    // A new limiter object, the same counters in the store: still limited.
    assert.equal((await request(g.port, { path: '/api/y' })).status, 429);
    const s2 = (await scrape(g.adminPort)).samples;
    assert.equal(s2.get(OK), 3);
    assert.equal(s2.get('meshgate_requests_total{route="api",service="users",code="429",class="4xx"}'), 2);
    assert.equal(s2.get('meshgate_ratelimit_decisions_total{route="api",limit="per-ip",decision="allowed"}'), 3);
    assert.equal(s2.get('meshgate_ratelimit_decisions_total{route="api",limit="per-ip",decision="limited"}'), 2);
    assert.equal(s2.get('meshgate_config_version'), 2);
    assert.equal(s2.get('meshgate_config_reloads_total{result="success"}'), 1);

    const om = await scrape(g.adminPort, 'application/openmetrics-text; version=1.0.0,text/plain;q=0.5');
    assert.match(om.contentType, /^application\/openmetrics-text/);
    assert.match(om.text, /# TYPE meshgate_requests counter\n/);
    assert.match(om.text, /\n# EOF\n$/);
    assert.equal(om.samples.get(OK), 3);
  });

  test('workers: 2 (CLI): one scrape returns the whole node', async (t) => {
    const cli = await startCli({ workers: 2, ...configOf() });
    t.after(() => killCli(cli));
    const N = 40;
    // New connection per request: the kernel spreads them over both workers.
    await Promise.all(Array.from({ length: N }, () => request(cli.port, { path: '/dead', headers: { connection: 'close' } })));
    const s = (await scrape(cli.adminPort)).samples;
    assert.equal(s.get(`meshgate_requests_total{route="dead",service="127.0.0.1:${deadPort}",code="502",class="5xx"}`), N);
    assert.equal(s.get(`meshgate_request_duration_seconds_count{route="dead",service="127.0.0.1:${deadPort}"}`), N);
    assert.equal(s.get('meshgate_config_version'), 1);
    assert.ok(s.get('nodejs_heap_size_total_bytes')! > 0);
  });

  const prometheus = spawnSync('prometheus', ['--version']).status === 0;
  test('a real Prometheus server scrapes it and its query API returns the series', { skip: prometheus ? false : 'no `prometheus` binary (Debian package prometheus): CI must install it' }, async (t) => {
    const g = await startGateway(configOf());
    t.after(() => g.close());
    for (let i = 0; i < 3; i++) assert.equal((await request(g.port, { path: '/api/p' })).status, 200);

    const dir = mkdtempSync(join(tmpdir(), 'meshgate-prom-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(
      join(dir, 'prometheus.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: meshgate\n    static_configs:\n      - targets: ['127.0.0.1:${g.adminPort}']\n`,
    );
    const webPort = await freePort();
    const child: ChildProcess = spawn(
      'prometheus',
      [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${webPort}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let log = '';
    child.stderr!.on('data', (d) => (log += d));
    const exited = new Promise((resolve) => child.once('exit', resolve));
    t.after(async () => {
      child.kill('SIGKILL');
      await exited;
    });
    const api = async <T>(path: string): Promise<T | null> => {
      try {
        const res = await fetch(`http://127.0.0.1:${webPort}${path}`);
        return res.ok ? ((await res.json()) as T) : null;
      } catch {
        return null;
      }
    };
    type Targets = { data: { activeTargets: Array<{ health: string; lastError: string }> } };
    const scraped = await waitFor(async () => (await api<Targets>('/api/v1/targets'))?.data.activeTargets.some((x) => x.health === 'up') === true, 20_000, 200);
    assert.ok(scraped >= 0, `prometheus never scraped meshgate:\n${log.slice(-2000)}`);
    type Query = { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    let result: Query['data']['result'] = [];
    const found = await waitFor(async () => {
      const q = await api<Query>(`/api/v1/query?query=${encodeURIComponent('meshgate_requests_total{route="api"}')}`);
      result = q?.data.result ?? [];
      return result.length > 0;
    }, 10_000, 200);
    assert.ok(found >= 0, 'no meshgate_requests_total series in Prometheus');
    assert.equal(result.length, 1);
    assert.deepEqual({ ...result[0]!.metric }, { __name__: 'meshgate_requests_total', job: 'meshgate', instance: `127.0.0.1:${g.adminPort}`, route: 'api', service: 'users', code: '200', class: '2xx' });
    assert.equal(result[0]!.value[1], '3');
    // A histogram came through as one too.
    const h = await api<Query>(`/api/v1/query?query=${encodeURIComponent('meshgate_request_duration_seconds_count{route="api"}')}`);
    assert.equal(h?.data.result[0]?.value[1], '3');
  });
});
