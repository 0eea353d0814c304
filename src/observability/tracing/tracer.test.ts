import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RequestContext } from '../../dataplane/context.js';
import type { Snapshot } from '../../engine/snapshot.js';
import { ConfigError, validateConfig } from '../../config/load.js';
import { REDACTED, redactConfig } from '../../config/redact.js';
import { B3, B3_MULTI, W3C } from './propagation.js';
import { resolveTracing, shouldSample, Tracing } from './tracer.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';

function request(rawHeaders: string[]): RequestContext {
  return new RequestContext('req-1', false, {} as Snapshot, 'GET', '/x', rawHeaders, 1, true, 'example.com', false, -1, false, false, '127.0.0.1');
}

/** A Tracing whose exporter is never reached (no span is ended here). */
function tracing(sampleRate: number, propagation?: Array<'w3c' | 'b3' | 'b3multi'>): Tracing {
  return new Tracing(resolveTracing({ sampleRate, propagation, exporter: { endpoint: 'http://127.0.0.1:9/v1/traces' } }));
}

describe('sampling decision', () => {
  test('an incoming decision is obeyed whatever the rate', () => {
    assert.equal(shouldSample(1, 0, () => 0.99), true);
    assert.equal(shouldSample(0, 1, () => 0), false);
  });
  test('no incoming decision: the rate decides (1 always, 0 never, else the dice)', () => {
    let rolls = 0;
    const dice = (v: number) => () => (rolls++, v);
    assert.equal(shouldSample(-1, 1, dice(0.99)), true);
    assert.equal(shouldSample(-1, 0, dice(0)), false);
    assert.equal(rolls, 0, 'rates 0 and 1 roll no dice');
    assert.equal(shouldSample(-1, 0.25, dice(0.2)), true);
    assert.equal(shouldSample(-1, 0.25, dice(0.25)), false);
  });
});

describe('per-request decision (requestStart)', () => {
  test('sampleRate 0, no incoming context: no trace, no trace id', async () => {
    const t = tracing(0);
    const ctx = request(['Host', 'example.com']);
    t.requestStart(ctx);
    assert.equal(ctx.trace, null);
    assert.equal(ctx.traceId, null);
    await t.close();
  });
  test('sampleRate 0, incoming sampled traceparent: traced, in the caller\'s trace', async () => {
    const t = tracing(0);
    const ctx = request(['traceparent', `00-${TRACE}-${SPAN}-01`]);
    t.requestStart(ctx);
    assert.ok(ctx.trace !== null);
    assert.equal(ctx.traceId, TRACE);
    assert.equal(ctx.trace.traceId, TRACE);
    assert.equal(ctx.trace.formats, W3C, 'the format that came in is the one written');
    await t.close();
  });
  test('sampleRate 1, incoming unsampled traceparent: not traced, the incoming trace id is kept for the log', async () => {
    const t = tracing(1);
    const ctx = request(['traceparent', `00-${TRACE}-${SPAN}-00`]);
    t.requestStart(ctx);
    assert.equal(ctx.trace, null);
    assert.equal(ctx.traceId, TRACE);
    await t.close();
  });
  test('B3 deny ("b3: 0") is obeyed', async () => {
    const t = tracing(1);
    const ctx = request(['b3', '0']);
    t.requestStart(ctx);
    assert.equal(ctx.trace, null);
    assert.equal(ctx.traceId, null);
    await t.close();
  });
  test('a B3 context without a decision: the rate decides, and the trace continues', async () => {
    const t = tracing(0.5);
    t.random = () => 0.1;
    const ctx = request(['X-B3-TraceId', TRACE, 'X-B3-SpanId', SPAN]);
    t.requestStart(ctx);
    assert.equal(ctx.trace?.traceId, TRACE);
    assert.equal(ctx.trace?.formats, B3_MULTI);
    t.random = () => 0.9;
    const other = request(['X-B3-TraceId', TRACE, 'X-B3-SpanId', SPAN]);
    t.requestStart(other);
    assert.equal(other.trace, null);
    assert.equal(other.traceId, TRACE);
    await t.close();
  });
  test('a new trace gets a fresh 32-hex trace id and is written in the first listed format', async () => {
    const t = tracing(1, ['b3', 'w3c']);
    const a = request([]);
    const b = request([]);
    t.requestStart(a);
    t.requestStart(b);
    assert.match(a.traceId ?? '', /^[0-9a-f]{32}$/);
    assert.notEqual(a.traceId, b.traceId);
    assert.equal(a.trace?.formats, B3);
    await t.close();
  });
  test('every configured format present is rewritten; a stale tracestate goes with a replaced foreign traceparent', async () => {
    const t = tracing(1);
    const ctx = request(['b3', `${TRACE}-${SPAN}-1`, 'traceparent', 'not-valid', 'tracestate', 'a=1']);
    t.requestStart(ctx);
    assert.equal(ctx.trace?.formats, W3C | B3);
    assert.equal(ctx.trace?.replaces('tracestate'), true);
    await t.close();
  });
});

describe('config', () => {
  const bad = (tracingConfig: unknown): string => {
    try {
      validateConfig({ tracing: tracingConfig }, 'gw.yaml');
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      return err.message;
    }
    assert.fail('expected a ConfigError');
  };

  test('defaults', () => {
    const r = resolveTracing({});
    assert.equal(r.serviceName, 'meshgate');
    assert.equal(r.sampleRate, 1);
    assert.deepEqual(r.order, [W3C, B3, B3_MULTI]);
    assert.deepEqual(
      [r.exporter.kind, r.exporter.endpoint, r.exporter.encoding, r.exporter.timeoutMs],
      ['otlp', 'http://localhost:4318/v1/traces', 'protobuf', 10_000],
    );
    assert.deepEqual(r.batch, { maxQueueSize: 2048, maxBatchSize: 512, scheduledDelayMs: 1000 });
    assert.equal(resolveTracing({ exporter: { kind: 'zipkin' } }).exporter.endpoint, 'http://localhost:9411/api/v2/spans');
  });

  test('the documented example is valid', () => {
    validateConfig({
      tracing: {
        enabled: true, serviceName: 'edge', sampleRate: 0.01, propagation: ['w3c', 'b3'],
        exporter: { kind: 'otlp', endpoint: 'http://127.0.0.1:4318/v1/traces', encoding: 'json', headers: { authorization: 'Bearer x' }, timeoutMs: 5000 },
        batch: { maxQueueSize: 2048, maxBatchSize: 512, scheduledDelayMs: 1000 },
      },
    }, 'gw.yaml');
  });

  test('exporter headers (credentials) are redacted in /config', () => {
    const shown = redactConfig({ tracing: { exporter: { headers: { authorization: 'Bearer s3cret' } } } });
    assert.equal(shown.tracing.exporter.headers.authorization, REDACTED);
  });

  test('errors name the key path', () => {
    assert.match(bad({ sampleRate: 2 }), /gw\.yaml: tracing\.sampleRate: /);
    assert.match(bad({ propagation: ['w3c', 'zipkin'] }), /tracing\.propagation\[1\]/);
    assert.match(bad({ propagation: [] }), /tracing\.propagation/);
    assert.match(bad({ exporter: { kind: 'jaeger' } }), /tracing\.exporter\.kind/);
    assert.match(bad({ exporter: { endpoint: 'ftp://collector/v1/traces' } }), /tracing\.exporter\.endpoint: must be an http:\/\/ or https:\/\/ URL/);
    assert.match(bad({ exporter: { endpoint: 'not a url' } }), /tracing\.exporter\.endpoint/);
    assert.match(bad({ exporter: { kind: 'zipkin', encoding: 'json' } }), /tracing\.exporter\.encoding: only applies to kind otlp/);
    assert.match(bad({ batch: { maxQueueSize: 10, maxBatchSize: 20 } }), /tracing\.batch\.maxBatchSize: must be <= maxQueueSize \(10\)/);
    assert.match(bad({ sampleRat: 1 }), /tracing\.sampleRat: unknown key \(did you mean "sampleRate"\?\)/);
  });
});

describe('CLIENT span (attemptStarted)', () => {
  test('the peer address is set for an IP endpoint, not for a host name', async () => {
    const t = tracing(1);
    const route = { name: 'r', service: { name: 's' } } as unknown as RequestContext['route'];
    const attributesFor = (host: string, hostIsIp: boolean) => {
      const ctx = request(['Host', 'example.com']);
      t.requestStart(ctx);
      ctx.route = route;
      ctx.endpoint = { address: `${host}:8080`, host, port: 8080, hostIsIp } as unknown as RequestContext['endpoint'];
      ctx.attempts = 1;
      ctx.trace!.attemptStarted(ctx);
      return ctx.trace!.client!.attributes;
    };
    const ip = attributesFor('10.0.0.7', true);
    assert.equal(ip['server.address'], '10.0.0.7');
    assert.equal(ip['network.peer.address'], '10.0.0.7');
    assert.equal(ip['network.peer.port'], 8080);
    const named = attributesFor('orders.internal', false);
    assert.equal(named['server.address'], 'orders.internal');
    assert.equal(named['network.peer.address'], undefined);
    await t.close();
  });
});
