/**
 * OTLP protobuf serialization micro-benchmark: one export batch of 512 spans as the tracer records
 * them (a SERVER and a CLIENT span per sampled request, the tracer's attributes, a third of them
 * with a remote parent and tracestate, some with an error status), serialized by the SDK's
 * ProtobufTraceSerializer and by our encoder (src/observability/tracing/otlp-protobuf.ts). Each
 * case runs several rounds of `batches` serializations (the two cases alternating); the best round
 * is printed, in CPU time of the process per span, which a busy machine disturbs less than wall
 * time.
 * Run after a build: `node <build>/bench/micro/otlp-protobuf.js [batches-per-round] [rounds]`.
 */
import { SpanKind, SpanStatusCode, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { TraceState, type InstrumentationScope } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { encodeTraceRequest } from '../../src/observability/tracing/otlp-protobuf.js';
import { newSpanId, newTraceId, SpanRecord, type SpanSink } from '../../src/observability/tracing/span.js';

const BATCHES = Number(process.argv[2] ?? 200);
const ROUNDS = Number(process.argv[3] ?? 5);
const SPANS = 512;

const sink: SpanSink = {
  resource: defaultResource().merge(resourceFromAttributes({ 'service.name': 'meshgate', 'host.name': 'gw-bench-1', 'process.pid': 4242 })),
  instrumentationScope: Object.freeze({ name: 'meshgate' }) as InstrumentationScope,
  spanEnded: () => undefined,
};

/** The spans of `SPANS / 2` sampled requests, as tracer.ts builds them. */
function batch(): SpanRecord[] {
  const out: SpanRecord[] = [];
  const base = Math.floor(Date.now() / 1000);
  for (let i = 0; out.length < SPANS; i++) {
    const remote = i % 3 === 0;
    const traceId = newTraceId();
    const parent: SpanContext | undefined = remote
      ? { traceId, spanId: newSpanId(), traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: new TraceState('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE') }
      : undefined;
    const start: [number, number] = [base, (i * 7919) % 1_000_000_000];
    const server = new SpanRecord(sink, 'GET', SpanKind.SERVER, traceId, newSpanId(), parent, start, {
      'http.request.method': 'GET',
      'url.path': `/api/v1/users/${i}`,
      'url.scheme': 'http',
      'client.address': '203.0.113.9',
      'network.peer.address': '203.0.113.9',
      'meshgate.request_id': `0b7e1b0c-6d3a-4d0e-9c5f-${String(100000000000 + i)}`,
      'server.address': 'api.example.com',
      'user_agent.original': 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0',
    });
    const client = new SpanRecord(sink, 'GET', SpanKind.CLIENT, traceId, newSpanId(), server, [start[0], start[1] + 50_000], {
      'http.request.method': 'GET',
      'server.address': '10.0.0.12',
      'server.port': 8080,
      'meshgate.attempt': 1,
      'meshgate.route': 'users',
      'meshgate.service': 'users-svc',
      'network.peer.address': '10.0.0.12',
      'network.peer.port': 8080,
    });
    const error = i % 10 === 0;
    finish(client, error);
    client.end([start[0], start[1] + 900_000]);
    server.updateName('GET /api/v1/users/:id');
    server.attributes['http.route'] = '/api/v1/users/:id';
    server.attributes['meshgate.route'] = 'users';
    server.attributes['meshgate.service'] = 'users-svc';
    finish(server, error);
    server.end([start[0], start[1] + 1_000_000]);
    out.push(server, client);
  }
  return out;
}

/** The status attributes a span gets as it ends: 200, or an upstream timeout. */
function finish(span: SpanRecord, error: boolean): void {
  span.attributes['http.response.status_code'] = error ? 504 : 200;
  if (error) {
    span.attributes['error.type'] = 'MG_UPSTREAM_TIMEOUT';
    span.attributes['meshgate.error_code'] = 'MG_UPSTREAM_TIMEOUT';
    span.setStatus(SpanStatusCode.ERROR, 'MG_UPSTREAM_TIMEOUT');
  }
}

const cpuNs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) * 1000;
};

/** Best round per case; the cases alternate round by round, so a load change on the machine hits both alike. */
function run(cases: Array<[string, (spans: SpanRecord[]) => Uint8Array | undefined]>, spans: SpanRecord[]): void {
  const best = cases.map(() => Infinity);
  const bytes = cases.map(() => 0);
  for (let r = 0; r <= ROUNDS; r++) {
    cases.forEach(([, serialize], c) => {
      const t0 = cpuNs();
      for (let i = 0; i < BATCHES; i++) bytes[c] = serialize(spans)!.length;
      const ns = (cpuNs() - t0) / (BATCHES * spans.length);
      if (r > 0 && ns < best[c]!) best[c] = ns; // round 0 warms up
    });
  }
  cases.forEach(([name], c) => {
    console.log(`${name.padEnd(44)} ${best[c]!.toFixed(0).padStart(6)} ns/span  (${(bytes[c]! / spans.length).toFixed(0)} bytes/span)`);
  });
}

run(
  [
    ['SDK ProtobufTraceSerializer.serializeRequest', (s) => ProtobufTraceSerializer.serializeRequest(s)],
    ['encodeTraceRequest (otlp-protobuf.ts)', encodeTraceRequest],
  ],
  batch(),
);
