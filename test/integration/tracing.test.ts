/**
 * Tracing end to end: a real gateway, real upstreams, and a collector on loopback that decodes
 * what arrives (OTLP protobuf, OTLP JSON, Zipkin v2 JSON). The assertions are on the exported
 * spans and on the trace headers the upstream received.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { ApiGateway } from '../../src/index.js';
import { startCli, startGateway } from '../helpers/gateway.js';
import { killCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { echo, startUpstream, type EchoReply } from '../helpers/upstream.js';
import { startTraceReceiver, type ReceivedSpan } from '../helpers/trace-receiver.js';
import { waitFor } from '../helpers/traffic.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT = '00f067aa0ba902b7';
const TRACE64 = 'a3ce929d0e0e4736';
const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

function one(spans: readonly ReceivedSpan[], pred: (s: ReceivedSpan) => boolean, what: string): ReceivedSpan {
  const found = spans.filter(pred);
  assert.equal(found.length, 1, `${what}: ${JSON.stringify(spans, null, 1)}`);
  return found[0]!;
}

const ofTrace = (traceId: string) => (spans: readonly ReceivedSpan[]) => spans.filter((s) => s.traceId === traceId);

function readLines(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>);
}

async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: EchoReply | null }> {
  const res = await fetch(url, { headers });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: res.headers.get('content-type') === 'application/json' ? (JSON.parse(text) as EchoReply) : null };
}

describe('tracing', () => {
  test('OTLP protobuf: a SERVER span and its CLIENT span; the upstream sees the client span as parent; the access log shows the trace id', async (t) => {
    const rx = await startTraceReceiver();
    t.after(() => rx.close());
    const up = await startUpstream('tr');
    t.after(() => up.close());
    const file = join(mkdtempSync(join(tmpdir(), 'meshgate-tr-')), 'access.log');
    const gw = await startGateway({
      accessLog: { enabled: true, output: file, fields: ['requestId', 'traceId', 'path'] },
      tracing: { serviceName: 'edge', exporter: { endpoint: rx.url('/v1/traces') }, batch: { scheduledDelayMs: 20 } },
      routes: [{ name: 'api', path: '/api', backendService: up.address }],
    });
    let closed = false;
    t.after(() => (closed ? undefined : gw.close()));

    const res = await get(`${gw.url}/api/items?secret=1`, { 'user-agent': 'tr-test/1' });
    assert.equal(res.status, 200);
    const spans = await rx.waitFor((s) => s.length >= 2);
    assert.equal(spans.length, 2, JSON.stringify(spans));
    assert.ok(rx.requests.every((r) => r.path === '/v1/traces' && r.contentType === 'application/x-protobuf'));
    assert.ok(spans.every((s) => s.via === 'otlp-proto' && s.serviceName === 'edge'));

    const server = one(spans, (s) => s.kind === 'SERVER', 'one SERVER span');
    const client = one(spans, (s) => s.kind === 'CLIENT', 'one CLIENT span');
    assert.match(server.traceId, HEX32);
    assert.equal(server.parentSpanId, '', 'the gateway started the trace');
    assert.equal(client.traceId, server.traceId);
    assert.equal(client.parentSpanId, server.spanId);
    assert.match(client.spanId, HEX16);

    assert.equal(server.name, 'GET /api');
    assert.equal(server.status, 'UNSET');
    assert.deepEqual(
      {
        method: server.attributes['http.request.method'], path: server.attributes['url.path'], status: server.attributes['http.response.status_code'],
        route: server.attributes['meshgate.route'], service: server.attributes['meshgate.service'], httpRoute: server.attributes['http.route'],
        requestId: server.attributes['meshgate.request_id'], client: server.attributes['client.address'], peer: server.attributes['network.peer.address'],
        ua: server.attributes['user_agent.original'], host: server.attributes['server.address'], port: server.attributes['server.port'],
      },
      {
        method: 'GET', path: '/api/items', status: 200, route: 'api', service: up.address, httpRoute: '/api', requestId: res.headers.get('x-request-id'),
        client: '127.0.0.1', peer: '127.0.0.1', ua: 'tr-test/1', host: '127.0.0.1', port: gw.port,
      },
    );
    assert.ok(!JSON.stringify(server.attributes).includes('secret'), 'no query string in span attributes');
    assert.equal(client.name, 'GET');
    assert.deepEqual(
      [client.attributes['server.address'], client.attributes['server.port'], client.attributes['network.peer.address'], client.attributes['meshgate.attempt'], client.attributes['http.response.status_code'], client.attributes['meshgate.route']],
      ['127.0.0.1', up.port, '127.0.0.1', 1, 200, 'api'],
    );
    assert.equal(client.status, 'UNSET');
    assert.ok(client.startUs >= server.startUs && client.endUs <= server.endUs, 'the attempt lies within the gateway hop');

    // The upstream saw this attempt's span as its parent, sampled.
    assert.equal(res.body!.headers.traceparent, `00-${server.traceId}-${client.spanId}-01`);
    assert.equal(res.body!.headers.b3, undefined, 'only the first listed format is written for a new trace');

    // The export pipeline shows in /metrics: both spans accepted, none lost, none waiting. The
    // export thread hears the collector's answer a moment after the collector has the spans.
    let metrics = '';
    const sample = (name: string): number => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(metrics)?.[1]);
    await waitFor(async () => {
      metrics = await (await fetch(`http://127.0.0.1:${gw.adminPort}/metrics`)).text();
      return sample('meshgate_tracing_spans_exported_total') === 2;
    }, 5000);
    assert.equal(sample('meshgate_tracing_spans_exported_total'), 2, metrics);
    assert.equal(sample('meshgate_tracing_spans_dropped_total'), 0);
    assert.equal(sample('meshgate_tracing_queued_spans'), 0);

    await gw.close();
    closed = true;
    const lines = readLines(file);
    assert.equal(lines.length, 1);
    assert.equal(lines[0]!.traceId, server.traceId, 'the access log shows the trace the gateway started');
  });

  test('OTLP JSON: an incoming sampled parent is continued (tracestate kept); each retry is its own CLIENT span; errors are marked', async (t) => {
    const rx = await startTraceReceiver();
    t.after(() => rx.close());
    const seen: Array<{ traceparent: string | undefined; tracestate: string | undefined }> = [];
    const flaky = await startUpstream('flaky', (req: http.IncomingMessage, res: http.ServerResponse, upstream) => {
      seen.push({ traceparent: req.headers.traceparent as string | undefined, tracestate: req.headers.tracestate as string | undefined });
      if (upstream.requests === 1) {
        res.writeHead(503, { 'content-length': '0' });
        res.end();
        return;
      }
      echo('flaky')(req, res);
    });
    t.after(() => flaky.close());
    const dead = await freePort();
    const gw = await startGateway({
      tracing: { exporter: { endpoint: rx.url('/v1/traces'), encoding: 'json' }, batch: { scheduledDelayMs: 20 } },
      routes: [
        { name: 'retry', path: '/retry', backendService: flaky.address, retryPolicy: { maxAttempts: 3, initialDelayMs: 1 } },
        { name: 'dead', path: '/dead', backendService: `127.0.0.1:${dead}` },
      ],
    });
    t.after(() => gw.close());

    const res = await get(`${gw.url}/retry`, { traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: 'vendor=abc,other=1' });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('x-meshgate-attempts'), '2');
    const spans = ofTrace(TRACE)(await rx.waitFor((s) => ofTrace(TRACE)(s).length >= 3));
    assert.equal(spans.length, 3, JSON.stringify(spans));
    assert.ok(spans.every((s) => s.via === 'otlp-json'));
    assert.ok(rx.requests.every((r) => r.contentType.startsWith('application/json')));
    const server = one(spans, (s) => s.kind === 'SERVER', 'SERVER');
    assert.equal(server.parentSpanId, PARENT, 'child of the caller\'s span');
    assert.equal(server.traceState, 'vendor=abc,other=1');
    assert.equal(server.attributes['http.response.status_code'], 200);
    assert.equal(server.status, 'UNSET');
    const clients = spans.filter((s) => s.kind === 'CLIENT').sort((a, b) => Number(a.attributes['meshgate.attempt']) - Number(b.attributes['meshgate.attempt']));
    assert.deepEqual(clients.map((c) => c.attributes['meshgate.attempt']), [1, 2]);
    assert.ok(clients.every((c) => c.parentSpanId === server.spanId));
    assert.notEqual(clients[0]!.spanId, clients[1]!.spanId);
    assert.deepEqual([clients[0]!.attributes['http.response.status_code'], clients[0]!.status, clients[0]!.attributes['error.type']], [503, 'ERROR', '503']);
    assert.deepEqual([clients[1]!.attributes['http.response.status_code'], clients[1]!.status, clients[1]!.attributes['http.request.resend_count']], [200, 'UNSET', 1]);
    assert.ok(clients[0]!.endUs <= clients[1]!.startUs, 'the attempts follow each other');
    // Each attempt told the upstream its own span id; the caller's tracestate went along.
    assert.deepEqual(seen, clients.map((c) => ({ traceparent: `00-${TRACE}-${c.spanId}-01`, tracestate: 'vendor=abc,other=1' })));

    // A gateway error: the SERVER span is an error with the gateway's code, and so is the attempt.
    const bad = await get(`${gw.url}/dead/x`, { traceparent: `00-${'1'.repeat(32)}-${PARENT}-01` });
    assert.equal(bad.status, 502);
    const failed = ofTrace('1'.repeat(32))(await rx.waitFor((s) => ofTrace('1'.repeat(32))(s).length >= 2));
    const fs = one(failed, (s) => s.kind === 'SERVER', 'SERVER');
    const fc = one(failed, (s) => s.kind === 'CLIENT', 'CLIENT');
    assert.deepEqual([fs.status, fs.statusMessage, fs.attributes['meshgate.error_code'], fs.attributes['error.type'], fs.attributes['http.response.status_code']], ['ERROR', 'MG_UPSTREAM_REFUSED', 'MG_UPSTREAM_REFUSED', 'MG_UPSTREAM_REFUSED', 502]);
    assert.deepEqual([fc.status, fc.attributes['error.type'], fc.attributes['http.response.status_code']], ['ERROR', 'MG_UPSTREAM_REFUSED', undefined]);

    // No route: only the SERVER span, an error with MG_NO_ROUTE.
    const missing = await get(`${gw.url}/nowhere`, { traceparent: `00-${'2'.repeat(32)}-${PARENT}-01` });
    assert.equal(missing.status, 404);
    const nr = one(await rx.waitFor((s) => ofTrace('2'.repeat(32))(s).length >= 1), (s) => s.traceId === '2'.repeat(32), 'no-route span');
    assert.deepEqual([nr.kind, nr.name, nr.status, nr.attributes['meshgate.error_code'], nr.attributes['meshgate.route']], ['SERVER', 'GET', 'ERROR', 'MG_NO_ROUTE', undefined]);
  });

  test('Zipkin v2: B3 single and multi are continued and written back in the format that came in', async (t) => {
    const rx = await startTraceReceiver();
    t.after(() => rx.close());
    const up = await startUpstream('zk');
    t.after(() => up.close());
    const gw = await startGateway({
      tracing: { serviceName: 'edge-zipkin', exporter: { kind: 'zipkin', endpoint: rx.url('/api/v2/spans') }, batch: { scheduledDelayMs: 20 } },
      routes: [{ name: 'zk', path: '/', backendService: up.address }],
    });
    t.after(() => gw.close());
    const padded = '0000000000000000' + TRACE64;

    const single = await get(`${gw.url}/single`, { b3: `${TRACE64}-${PARENT}-1` });
    assert.equal(single.status, 200);
    let spans = ofTrace(padded)(await rx.waitFor((s) => ofTrace(padded)(s).length >= 2));
    assert.equal(spans.length, 2, JSON.stringify(rx.spans));
    assert.ok(rx.requests.every((r) => r.path === '/api/v2/spans' && r.contentType.startsWith('application/json')));
    let server = one(spans, (s) => s.kind === 'SERVER', 'SERVER');
    let client = one(spans, (s) => s.kind === 'CLIENT', 'CLIENT');
    assert.ok(spans.every((s) => s.via === 'zipkin' && s.serviceName === 'edge-zipkin'));
    assert.equal(server.parentSpanId, PARENT);
    assert.equal(client.parentSpanId, server.spanId);
    assert.equal(server.attributes['meshgate.route'], 'zk');
    assert.equal(server.attributes['http.response.status_code'], '200');
    assert.equal(client.attributes['meshgate.attempt'], '1');
    assert.equal(single.body!.headers.b3, `${padded}-${client.spanId}-1-${server.spanId}`);
    assert.equal(single.body!.headers.traceparent, undefined, 'W3C is not added when B3 came in');

    const multi = await get(`${gw.url}/multi`, { 'X-B3-TraceId': TRACE, 'X-B3-SpanId': PARENT, 'X-B3-ParentSpanId': 'b7ad6b7169203331', 'X-B3-Sampled': '1' });
    spans = ofTrace(TRACE)(await rx.waitFor((s) => ofTrace(TRACE)(s).length >= 2));
    server = one(spans, (s) => s.kind === 'SERVER', 'SERVER');
    client = one(spans, (s) => s.kind === 'CLIENT', 'CLIENT');
    assert.equal(server.parentSpanId, PARENT);
    const h = multi.body!.headers;
    assert.deepEqual(
      [h['x-b3-traceid'], h['x-b3-spanid'], h['x-b3-parentspanid'], h['x-b3-sampled'], h.b3, h.traceparent],
      [TRACE, client.spanId, server.spanId, '1', undefined, undefined],
    );
    assert.equal(multi.body!.rawHeaders.filter((n, i) => i % 2 === 0 && n.toLowerCase() === 'x-b3-spanid').length, 1, 'the incoming X-B3-SpanId is replaced, not repeated');
  });

  test('sampleRate 0: nothing is exported and the headers pass unchanged; an incoming sampled flag is still obeyed', async (t) => {
    const rx = await startTraceReceiver();
    t.after(() => rx.close());
    const up = await startUpstream('s0');
    t.after(() => up.close());
    const file = join(mkdtempSync(join(tmpdir(), 'meshgate-tr-')), 'access.log');
    const gw = await startGateway({
      accessLog: { enabled: true, output: file, fields: ['path', 'traceId'] },
      tracing: { sampleRate: 0, exporter: { endpoint: rx.url('/v1/traces') }, batch: { scheduledDelayMs: 20 } },
      routes: [{ path: '/', backendService: up.address }],
    });
    let closed = false;
    t.after(() => (closed ? undefined : gw.close()));

    const plain = await get(`${gw.url}/plain`);
    const h = plain.body!.headers;
    assert.deepEqual([h.traceparent, h.tracestate, h.b3, h['x-b3-traceid']], [undefined, undefined, undefined, undefined], 'nothing is injected');
    const unsampledParent = `00-${TRACE}-${PARENT}-00`;
    const passed = await get(`${gw.url}/unsampled`, { traceparent: unsampledParent, tracestate: 'k=v', b3: `${TRACE}-${PARENT}-0` });
    assert.deepEqual([passed.body!.headers.traceparent, passed.body!.headers.tracestate, passed.body!.headers.b3], [unsampledParent, 'k=v', `${TRACE}-${PARENT}-0`]);

    const sampledTrace = 'abcdef0123456789abcdef0123456789';
    const sampled = await get(`${gw.url}/sampled`, { traceparent: `00-${sampledTrace}-${PARENT}-01` });
    assert.match(String(sampled.body!.headers.traceparent), new RegExp(`^00-${sampledTrace}-[0-9a-f]{16}-01$`));
    const spans = await rx.waitFor((s) => s.length >= 2);
    await gw.close();
    closed = true;
    assert.equal(spans.length, 2);
    assert.ok(rx.spans.every((s) => s.traceId === sampledTrace), 'only the request that came in sampled was exported');

    const lines = readLines(file);
    assert.deepEqual(lines.map((l) => [l.path, l.traceId]), [['/plain', null], ['/unsampled', TRACE], ['/sampled', sampledTrace]]);
  });

  test('collector down: requests are answered at once, spans are dropped with one rate-limited warning, shutdown is bounded', async (t) => {
    const up = await startUpstream('down');
    t.after(() => up.close());
    const dead = await freePort();
    const logs: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
    const gateway = new ApiGateway({
      admin: false, workers: 1, logger,
      tracing: { exporter: { endpoint: `http://127.0.0.1:${dead}/v1/traces`, timeoutMs: 3000 }, batch: { maxQueueSize: 8, maxBatchSize: 4, scheduledDelayMs: 10 } },
      routes: [{ path: '/', backendService: up.address }],
    });
    const port = await gateway.listen(0, '127.0.0.1');
    let closed = false;
    t.after(() => (closed ? undefined : gateway.close()));

    const started = Date.now();
    for (let i = 0; i < 30; i++) {
      const res = await fetch(`http://127.0.0.1:${port}/r${i}`);
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    // Were requests held by exports, 30 of them would take minutes (each export retries for 3 s).
    assert.ok(Date.now() - started < 20_000, 'requests do not wait for the collector');
    const deadline = Date.now() + 10_000;
    while (!logs.some((l) => l.event === 'tracing_spans_dropped') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const warnings = logs.filter((l) => l.event === 'tracing_spans_dropped');
    assert.equal(warnings.length, 1, 'one warning, not one per lost span or batch');
    assert.ok(Number(warnings[0]!.dropped) > 0);
    assert.equal(warnings[0]!.endpoint, `http://127.0.0.1:${dead}/v1/traces`);

    const closing = Date.now();
    await gateway.close();
    closed = true;
    assert.ok(Date.now() - closing < 15_000, 'shutdown does not wait long for a dead collector');
    const last = logs.filter((l) => l.event === 'tracing_spans_dropped').at(-1)!;
    assert.ok(Number(last.droppedTotal) >= 30, `at least the spans of the 60 that did not fit or failed (got ${String(last.droppedTotal)})`);
  });

  test('CLI with two workers: spans still queued at SIGTERM are exported during the drain', async (t) => {
    const rx = await startTraceReceiver();
    t.after(() => rx.close());
    const up = await startUpstream('cli');
    t.after(() => up.close());
    const cli = await startCli({
      workers: 2,
      // A long delay: nothing leaves before the shutdown flush.
      tracing: { exporter: { endpoint: rx.url('/v1/traces'), encoding: 'json' }, batch: { scheduledDelayMs: 600_000 } },
      routes: [{ path: '/', backendService: up.address }],
    });
    t.after(() => killCli(cli));
    for (let i = 0; i < 10; i++) {
      const res = await fetch(`http://127.0.0.1:${cli.port}/c${i}`, { headers: { connection: 'close' } });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    }
    assert.equal(rx.spans.length, 0, 'still queued');
    assert.equal(await cli.stop('SIGTERM'), 0);
    assert.equal(rx.spans.length, 20, 'a SERVER and a CLIENT span per request');
    assert.equal(new Set(rx.spans.map((s) => s.traceId)).size, 10);
  });
});
