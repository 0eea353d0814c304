import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type SpanContext } from '@opentelemetry/api';
import { TraceState, type InstrumentationScope } from '@opentelemetry/core';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { encodeTraceRequest } from './otlp-protobuf.js';
import { newSpanId, newTraceId, SpanRecord, type SpanSink } from './span.js';

// ---- a schema-driven reader of the OTLP trace request (opentelemetry-proto collector/trace/v1) ----

type FieldType = 'string' | 'bytes' | 'uint32' | 'enum' | 'int64' | 'bool' | 'double' | 'fixed64' | 'fixed32';
interface FieldDef {
  name: string;
  type: FieldType | Schema;
  repeated?: boolean;
}
interface Schema {
  name: string;
  fields: Record<number, FieldDef>;
  /** AnyValue: a oneof, decoded as { kind: value } with exactly one member. */
  oneof?: boolean;
}

const anyValue: Schema = { name: 'AnyValue', oneof: true, fields: {} };
const keyValue: Schema = { name: 'KeyValue', fields: { 1: { name: 'key', type: 'string' }, 2: { name: 'value', type: anyValue } } };
anyValue.fields = {
  1: { name: 'string', type: 'string' },
  2: { name: 'bool', type: 'bool' },
  3: { name: 'int', type: 'int64' },
  4: { name: 'double', type: 'double' },
  5: { name: 'array', type: { name: 'ArrayValue', fields: { 1: { name: 'values', type: anyValue, repeated: true } } } },
  6: { name: 'kvlist', type: { name: 'KeyValueList', fields: { 1: { name: 'values', type: keyValue, repeated: true } } } },
  7: { name: 'bytes', type: 'bytes' },
};
const attributes = (no: number): Record<number, FieldDef> => ({ [no]: { name: 'attributes', type: keyValue, repeated: true } });
const REQUEST: Schema = {
  name: 'ExportTraceServiceRequest',
  fields: {
    1: {
      name: 'resourceSpans',
      repeated: true,
      type: {
        name: 'ResourceSpans',
        fields: {
          1: { name: 'resource', type: { name: 'Resource', fields: { ...attributes(1), 2: { name: 'droppedAttributesCount', type: 'uint32' } } } },
          2: {
            name: 'scopeSpans',
            repeated: true,
            type: {
              name: 'ScopeSpans',
              fields: {
                1: {
                  name: 'scope',
                  type: {
                    name: 'InstrumentationScope',
                    fields: { 1: { name: 'name', type: 'string' }, 2: { name: 'version', type: 'string' }, ...attributes(3), 4: { name: 'droppedAttributesCount', type: 'uint32' } },
                  },
                },
                2: {
                  name: 'spans',
                  repeated: true,
                  type: {
                    name: 'Span',
                    fields: {
                      1: { name: 'traceId', type: 'bytes' },
                      2: { name: 'spanId', type: 'bytes' },
                      3: { name: 'traceState', type: 'string' },
                      4: { name: 'parentSpanId', type: 'bytes' },
                      5: { name: 'name', type: 'string' },
                      6: { name: 'kind', type: 'enum' },
                      7: { name: 'startTimeUnixNano', type: 'fixed64' },
                      8: { name: 'endTimeUnixNano', type: 'fixed64' },
                      ...attributes(9),
                      10: { name: 'droppedAttributesCount', type: 'uint32' },
                      11: {
                        name: 'events',
                        repeated: true,
                        type: {
                          name: 'Event',
                          fields: { 1: { name: 'timeUnixNano', type: 'fixed64' }, 2: { name: 'name', type: 'string' }, ...attributes(3), 4: { name: 'droppedAttributesCount', type: 'uint32' } },
                        },
                      },
                      12: { name: 'droppedEventsCount', type: 'uint32' },
                      13: {
                        name: 'links',
                        repeated: true,
                        type: {
                          name: 'Link',
                          fields: {
                            1: { name: 'traceId', type: 'bytes' },
                            2: { name: 'spanId', type: 'bytes' },
                            3: { name: 'traceState', type: 'string' },
                            ...attributes(4),
                            5: { name: 'droppedAttributesCount', type: 'uint32' },
                            6: { name: 'flags', type: 'fixed32' },
                          },
                        },
                      },
                      14: { name: 'droppedLinksCount', type: 'uint32' },
                      15: { name: 'status', type: { name: 'Status', fields: { 2: { name: 'message', type: 'string' }, 3: { name: 'code', type: 'enum' } } } },
                      16: { name: 'flags', type: 'fixed32' },
                    },
                  },
                },
                3: { name: 'schemaUrl', type: 'string' },
              },
            },
          },
          3: { name: 'schemaUrl', type: 'string' },
        },
      },
    },
  },
};

const WIRE: Record<FieldType, number> = { string: 2, bytes: 2, uint32: 0, enum: 0, int64: 0, bool: 0, double: 1, fixed64: 1, fixed32: 5 };
const DEFAULTS: Record<FieldType, unknown> = { string: '', bytes: '', uint32: 0, enum: 0, int64: 0n, bool: false, double: 0, fixed64: 0n, fixed32: 0 };

/** A varint; overlong encodings (a trailing 0 byte) are rejected: both encoders must write canonical lengths. */
function varint(buf: Buffer, at: { pos: number }): bigint {
  let v = 0n;
  let shift = 0n;
  for (let i = 0; ; i++) {
    assert.ok(at.pos < buf.length, 'truncated varint');
    const b = buf[at.pos++]!;
    assert.ok(!(i > 0 && b === 0), 'overlong varint');
    v |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return v;
    shift += 7n;
  }
}

/**
 * Decodes `buf` as `schema` into a plain object: absent scalars as their proto3 default (an omitted
 * field and a written default decode the same, as with any protobuf decoder), absent messages
 * absent, repeated fields as arrays. Unknown fields and wrong wire types fail.
 */
function decode(buf: Buffer, schema: Schema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!schema.oneof) {
    for (const def of Object.values(schema.fields)) {
      if (def.repeated) out[def.name] = [];
      else if (typeof def.type === 'string') out[def.name] = DEFAULTS[def.type];
    }
  }
  const at = { pos: 0 };
  while (at.pos < buf.length) {
    const key = Number(varint(buf, at));
    const no = key >>> 3;
    const wire = key & 7;
    const def = schema.fields[no];
    assert.ok(def !== undefined, `${schema.name}: unknown field ${no}`);
    let value: unknown;
    if (typeof def.type === 'string') {
      assert.equal(wire, WIRE[def.type], `${schema.name}.${def.name}: wire type`);
      if (wire === 0) {
        const v = varint(buf, at);
        value = def.type === 'int64' ? BigInt.asIntN(64, v) : def.type === 'bool' ? v !== 0n : Number(v);
      } else if (wire === 1) {
        value = def.type === 'double' ? buf.readDoubleLE(at.pos) : buf.readBigUInt64LE(at.pos);
        at.pos += 8;
      } else if (wire === 5) {
        value = buf.readUInt32LE(at.pos);
        at.pos += 4;
      } else {
        const len = Number(varint(buf, at));
        const bytes = buf.subarray(at.pos, at.pos + len);
        assert.equal(bytes.length, len, 'truncated field');
        at.pos += len;
        value = def.type === 'string' ? bytes.toString('utf8') : bytes.toString('hex');
      }
    } else {
      assert.equal(wire, 2, `${schema.name}.${def.name}: wire type`);
      const len = Number(varint(buf, at));
      const bytes = buf.subarray(at.pos, at.pos + len);
      assert.equal(bytes.length, len, 'truncated message');
      at.pos += len;
      value = decode(bytes, def.type);
    }
    if (def.repeated) (out[def.name] as unknown[]).push(value);
    else {
      assert.ok(!(schema.oneof && Object.keys(out).length > 0), `${schema.name}: more than one member of the oneof`);
      out[def.name] = value;
    }
  }
  return out;
}

const decodeRequest = (bytes: Uint8Array | undefined): Record<string, unknown> => {
  assert.ok(bytes !== undefined);
  return decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), REQUEST);
};

/** Both encoders decode to the same request; returns ours, decoded. */
function sameAsSdk(spans: ReadableSpan[]): Record<string, unknown> {
  const ours = decodeRequest(encodeTraceRequest(spans));
  const sdk = decodeRequest(ProtobufTraceSerializer.serializeRequest(spans));
  assert.deepEqual(ours, sdk);
  return ours;
}

// ---- spans ----

function sink(resource: Resource, instrumentationScope: InstrumentationScope): SpanSink & { ended: SpanRecord[] } {
  const ended: SpanRecord[] = [];
  return { resource, instrumentationScope, ended, spanEnded: (s) => void ended.push(s) };
}

const RESOURCE = defaultResource().merge(resourceFromAttributes({ 'service.name': 'edge', 'host.name': 'gw-1', 'process.pid': 4242 }));
const SCOPE: InstrumentationScope = Object.freeze({ name: 'meshgate' });
const LONG_UA = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 '.repeat(3);

/** A sampled request as the tracer records it: SERVER span (remote parent or root) and its CLIENT span. */
function request(s: SpanSink, remoteParent: boolean, error: boolean): SpanRecord[] {
  const traceId = remoteParent ? '4bf92f3577b34da6a3ce929d0e0e4736' : newTraceId();
  const parent: SpanContext | undefined = remoteParent
    ? { traceId, spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true, traceState: new TraceState('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE') }
    : undefined;
  const start: [number, number] = [1_764_000_123, 987_654_321];
  const server = new SpanRecord(s, 'GET', SpanKind.SERVER, traceId, newSpanId(), parent, start, {
    'http.request.method': 'GET',
    'url.path': '/api/v1/users/42/äöü/日本',
    'url.scheme': 'http',
    'client.address': '10.0.0.9',
    'meshgate.request_id': '0b7e1b0c-6d3a-4d0e-9c5f-100000000042',
    'server.address': 'api.example.com',
    'server.port': 8443,
    'user_agent.original': LONG_UA,
  });
  const client = new SpanRecord(s, 'GET', SpanKind.CLIENT, traceId, newSpanId(), server, [start[0], start[1] + 12_345], {
    'http.request.method': 'GET',
    'server.address': '10.1.2.3',
    'server.port': 8080,
    'meshgate.attempt': 1,
    'meshgate.route': 'users',
    'meshgate.service': 'users-svc',
  });
  if (error) {
    client.attributes['error.type'] = 'MG_UPSTREAM_TIMEOUT';
    client.setStatus(SpanStatusCode.ERROR, 'MG_UPSTREAM_TIMEOUT');
    server.setStatus(SpanStatusCode.ERROR, 'upstream timed out — Zeitüberschreitung ⏱');
    server.attributes['meshgate.aborted'] = true;
  }
  client.attributes['http.response.status_code'] = error ? 504 : 200;
  client.end([start[0] + 1, 5_000]);
  server.updateName('GET /api/v1/users/:id');
  server.attributes['http.route'] = '/api/v1/users/:id';
  server.attributes['http.response.status_code'] = error ? 504 : 200;
  server.end([start[0] + 1, 7_000]);
  return [server, client];
}

describe('OTLP protobuf encoder', () => {
  test('realistic spans (root and remote parent, both kinds, error status) decode as the SDK serializer\'s', () => {
    const s = sink(RESOURCE, SCOPE);
    const spans = [...request(s, false, false), ...request(s, true, true)];
    const decoded = sameAsSdk(spans) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<Record<string, unknown>> }> }> };
    // What the SDK and we both wrote, spot-checked against the records.
    assert.equal(decoded.resourceSpans.length, 1);
    assert.equal(decoded.resourceSpans[0]!.scopeSpans.length, 1);
    const out = decoded.resourceSpans[0]!.scopeSpans[0]!.spans;
    assert.equal(out.length, 4);
    const [root, rootClient, child, childClient] = out as [Record<string, unknown>, Record<string, unknown>, Record<string, unknown>, Record<string, unknown>];
    assert.equal(root.parentSpanId, '');
    assert.equal(root.kind, 2);
    assert.equal(rootClient.kind, 3);
    assert.equal(rootClient.parentSpanId, spans[0]!.spanContext().spanId);
    assert.equal(root.flags, 0x101);
    assert.equal(child.flags, 0x301, 'remote parent');
    assert.equal(childClient.flags, 0x101, 'local parent');
    assert.equal(child.parentSpanId, '00f067aa0ba902b7');
    assert.equal(child.traceState, 'rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    assert.deepEqual(child.status, { message: 'upstream timed out — Zeitüberschreitung ⏱', code: 2 });
    assert.equal(root.startTimeUnixNano, 1_764_000_123_987_654_321n);
    assert.equal(root.endTimeUnixNano, 1_764_000_124_000_007_000n);
  });

  test('every attribute type, big and small spans, extreme timestamps', () => {
    const s = sink(RESOURCE, SCOPE);
    const attributes: Attributes = {
      ascii: 'plain',
      empty: '',
      utf8: 'Grüße, 日本語, emoji 🙂, lone surrogate \ud800.',
      long: 'x'.repeat(300),
      int: 7,
      zero: 0,
      negative: -5,
      big: 2 ** 40,
      bigger: 2 ** 60,
      negativeBig: -(2 ** 40),
      maxSafe: Number.MAX_SAFE_INTEGER,
      beyondInt64: 2 ** 64,
      double: 3.25,
      tiny: -1e-300,
      nan: NaN,
      inf: Infinity,
      yes: true,
      no: false,
      strings: ['a', 'ü', ''],
      numbers: [1, 2.5, -3],
      bools: [true, false],
      empties: [],
      withNulls: ['a', null, undefined, 'b'],
      'ключ ü': 'non-ASCII key',
    };
    const big = new SpanRecord(s, 'big', SpanKind.INTERNAL, newTraceId(), newSpanId(), undefined, [4_294_967_295, 999_999_999], { ...attributes, huge: 'y'.repeat(20_000) });
    big.end([4_294_967_295, 999_999_999]);
    const small = new SpanRecord(s, '', SpanKind.PRODUCER, newTraceId(), newSpanId(), undefined, [0, 0], {});
    small.end([0, 1]);
    const consumer = new SpanRecord(s, 'ü', SpanKind.CONSUMER, newTraceId(), newSpanId(), undefined, [1, 999_999_999], attributes);
    consumer.setStatus(SpanStatusCode.OK);
    consumer.end([2, 0]);
    const decoded = sameAsSdk([big, small, consumer]) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ attributes: unknown[]; startTimeUnixNano: bigint }> }> }> };
    const out = decoded.resourceSpans[0]!.scopeSpans[0]!.spans;
    assert.equal(out[0]!.attributes.length, Object.keys(attributes).length + 1);
    assert.equal(out[0]!.startTimeUnixNano, 4_294_967_295_999_999_999n);
    assert.equal(out[1]!.attributes.length, 0);
  });

  test('events and links (never set by the gateway) decode as the SDK serializer\'s', () => {
    const base = new SpanRecord(sink(RESOURCE, SCOPE), 'with-extras', SpanKind.SERVER, newTraceId(), newSpanId(), undefined, [1_764_000_000, 1], { a: 1 });
    base.end([1_764_000_000, 2]);
    const span: ReadableSpan = {
      ...base,
      spanContext: () => base,
      resource: base.resource,
      instrumentationScope: base.instrumentationScope,
      events: [
        { name: 'exception', time: [1_764_000_000, 5], attributes: { 'exception.message': 'boom ü', n: 3 } },
        { name: 'bare', time: [1_764_000_001, 0], droppedAttributesCount: 2 },
      ],
      links: [
        { context: { traceId: newTraceId(), spanId: newSpanId(), traceFlags: 1, isRemote: true, traceState: new TraceState('a=b') }, attributes: { why: 'retry' } },
        { context: { traceId: newTraceId(), spanId: newSpanId(), traceFlags: 0 }, droppedAttributesCount: 1 },
      ],
      droppedEventsCount: 4,
      droppedLinksCount: 5,
      droppedAttributesCount: 6,
    };
    const decoded = sameAsSdk([span]) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ events: unknown[]; links: unknown[] }> }> }> };
    const out = decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!;
    assert.equal(out.events.length, 2);
    assert.equal(out.links.length, 2);
  });

  test('no spans: an empty request, as the SDK', () => {
    const ours = encodeTraceRequest([]);
    assert.equal(ours.length, 0);
    assert.deepEqual(decodeRequest(ours), decodeRequest(ProtobufTraceSerializer.serializeRequest([])));
    assert.deepEqual(decodeRequest(ours), { resourceSpans: [] });
  });

  test('two resources and two scopes, interleaved: grouped by identity in first-seen order, as the SDK', () => {
    const other = resourceFromAttributes({ 'service.name': 'other', tags: ['x', 'y'] }, { schemaUrl: 'https://opentelemetry.io/schemas/1.26.0' });
    const scope2: InstrumentationScope = { name: 'plugin', version: '1.2.3', schemaUrl: 'https://opentelemetry.io/schemas/1.25.0' };
    const a = sink(RESOURCE, SCOPE);
    const b = sink(other, SCOPE);
    const c = sink(other, scope2);
    const spans = [...request(b, false, false), ...request(a, true, false), ...request(c, false, true), ...request(b, true, true)];
    const decoded = sameAsSdk(spans) as {
      resourceSpans: Array<{ schemaUrl: string; resource: { attributes: Array<{ key: string }> }; scopeSpans: Array<{ schemaUrl: string; scope: { name: string; version: string }; spans: unknown[] }> }>;
    };
    assert.equal(decoded.resourceSpans.length, 2);
    const [first, second] = decoded.resourceSpans as [(typeof decoded.resourceSpans)[0], (typeof decoded.resourceSpans)[0]];
    assert.equal(first.schemaUrl, 'https://opentelemetry.io/schemas/1.26.0');
    assert.deepEqual(first.scopeSpans.map((s) => [s.scope.name, s.scope.version, s.schemaUrl, s.spans.length]), [
      ['meshgate', '', '', 4],
      ['plugin', '1.2.3', 'https://opentelemetry.io/schemas/1.25.0', 2],
    ]);
    assert.equal(second.schemaUrl, '');
    assert.deepEqual(second.scopeSpans.map((s) => [s.scope.name, s.spans.length]), [['meshgate', 2]]);
  });

  test('a batch of 512 spans (outer lengths of 3 bytes), twice in a row (the scratch buffer is reused)', () => {
    const s = sink(RESOURCE, SCOPE);
    const spans: SpanRecord[] = [];
    for (let i = 0; i < 256; i++) spans.push(...request(s, i % 3 === 0, i % 7 === 0));
    const first = encodeTraceRequest(spans);
    assert.ok(first.length > 16384 * 8);
    sameAsSdk(spans);
    assert.deepEqual(Buffer.from(encodeTraceRequest(spans)), Buffer.from(first));
  });

  test('a top-level attribute without a value is left out (the SDK writes its key with an empty AnyValue)', () => {
    const span = new SpanRecord(sink(RESOURCE, SCOPE), 'GET', SpanKind.SERVER, newTraceId(), newSpanId(), undefined, [1, 0], {
      kept: 'x',
      gone: undefined,
    });
    span.end([2, 0]);
    const decoded = decodeRequest(encodeTraceRequest([span])) as { resourceSpans: Array<{ scopeSpans: Array<{ spans: Array<{ attributes: Array<{ key: string }> }> }> }> };
    assert.deepEqual(decoded.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.attributes.map((kv) => kv.key), ['kept']);
  });
});
