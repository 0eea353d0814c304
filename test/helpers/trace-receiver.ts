/**
 * A trace collector on 127.0.0.1 for tests: takes OTLP/HTTP exports (protobuf or JSON) on
 * /v1/traces and Zipkin v2 JSON on /api/v2/spans, decodes them for real (protobuf with the small
 * wire-format reader below) and keeps every span in one normalised shape.
 */
import http from 'node:http';
import type net from 'node:net';

export type AttributeValue = string | number | boolean;

export interface ReceivedSpan {
  /** Which wire format it came in: otlp-proto, otlp-json or zipkin. */
  readonly via: 'otlp-proto' | 'otlp-json' | 'zipkin';
  readonly traceId: string;
  readonly spanId: string;
  /** '' for a root span. */
  readonly parentSpanId: string;
  readonly name: string;
  /** SERVER, CLIENT, INTERNAL, PRODUCER, CONSUMER (Zipkin: as sent, INTERNAL when absent). */
  readonly kind: string;
  /** Zipkin tags are strings; OTLP keeps the attribute's type. */
  readonly attributes: Readonly<Record<string, AttributeValue>>;
  /** UNSET, OK or ERROR (Zipkin: from the otel.status_code tag / error tag). */
  readonly status: string;
  readonly statusMessage: string;
  readonly traceState: string;
  readonly serviceName: string;
  /** Microseconds since the epoch. */
  readonly startUs: number;
  readonly endUs: number;
}

export interface TraceReceiver {
  readonly port: number;
  readonly spans: ReceivedSpan[];
  /** Export requests received (path and content type), in order. */
  readonly requests: Array<{ path: string; contentType: string; headers: http.IncomingHttpHeaders }>;
  /** The URL of `path` on this receiver. */
  url(path: string): string;
  /** Waits until `predicate(spans)` holds (or the timeout passes) and returns the spans. */
  waitFor(predicate: (spans: readonly ReceivedSpan[]) => boolean, timeoutMs?: number): Promise<ReceivedSpan[]>;
  close(): Promise<void>;
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'];
const STATUS = ['UNSET', 'OK', 'ERROR'];

export async function startTraceReceiver(): Promise<TraceReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: TraceReceiver['requests'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const path = (req.url ?? '').split('?')[0]!;
      const contentType = String(req.headers['content-type'] ?? '');
      requests.push({ path, contentType, headers: req.headers });
      try {
        if (path === '/api/v2/spans') spans.push(...decodeZipkin(body));
        else if (contentType.includes('protobuf')) spans.push(...decodeOtlpProto(body));
        else spans.push(...decodeOtlpJson(body));
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' });
        res.end(String(err));
        return;
      }
      if (path === '/api/v2/spans') {
        res.writeHead(202);
        res.end();
      } else if (contentType.includes('protobuf')) {
        res.writeHead(200, { 'content-type': 'application/x-protobuf' });
        res.end(); // an empty ExportTraceServiceResponse
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    spans,
    requests,
    url: (path) => `http://127.0.0.1:${port}${path}`,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(spans) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      return [...spans];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---- OTLP JSON (ids in hex, as the OTLP/HTTP JSON encoding says) ----

interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
}
interface JsonKeyValue {
  key: string;
  value: JsonAnyValue;
}

function jsonValue(v: JsonAnyValue): AttributeValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  return JSON.stringify(v);
}

function jsonAttributes(list: JsonKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list ?? []) out[kv.key] = jsonValue(kv.value);
  return out;
}

function decodeOtlpJson(body: Buffer): ReceivedSpan[] {
  const doc = JSON.parse(body.toString('utf8')) as {
    resourceSpans?: Array<{
      resource?: { attributes?: JsonKeyValue[] };
      scopeSpans?: Array<{
        spans?: Array<{
          traceId: string; spanId: string; parentSpanId?: string; name: string; kind?: number; attributes?: JsonKeyValue[];
          status?: { code?: number; message?: string }; traceState?: string; startTimeUnixNano: string | number; endTimeUnixNano: string | number;
        }>;
      }>;
    }>;
  };
  const out: ReceivedSpan[] = [];
  for (const rs of doc.resourceSpans ?? []) {
    const resource = jsonAttributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          via: 'otlp-json',
          traceId: s.traceId,
          spanId: s.spanId,
          parentSpanId: s.parentSpanId ?? '',
          name: s.name,
          kind: KINDS[s.kind ?? 0] ?? String(s.kind),
          attributes: jsonAttributes(s.attributes),
          status: STATUS[s.status?.code ?? 0] ?? String(s.status?.code),
          statusMessage: s.status?.message ?? '',
          traceState: s.traceState ?? '',
          serviceName: String(resource['service.name'] ?? ''),
          startUs: Number(BigInt(s.startTimeUnixNano) / 1000n),
          endUs: Number(BigInt(s.endTimeUnixNano) / 1000n),
        });
      }
    }
  }
  return out;
}

// ---- OTLP protobuf: a minimal wire-format reader (opentelemetry/proto/trace/v1/trace.proto) ----

/** One field of a message: number, wire type, and its value (varint/fixed as bigint, bytes as a Buffer). */
interface Field {
  no: number;
  wire: number;
  int: bigint;
  bytes: Buffer;
}

function readVarint(buf: Buffer, pos: { at: number }): bigint {
  let result = 0n;
  let shift = 0n;
  for (;;) {
    if (pos.at >= buf.length) throw new Error('truncated varint');
    const b = buf[pos.at++]!;
    result |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) return result;
    shift += 7n;
  }
}

/** Every field of one encoded message, in order. */
function fields(buf: Buffer): Field[] {
  const out: Field[] = [];
  const pos = { at: 0 };
  while (pos.at < buf.length) {
    const key = Number(readVarint(buf, pos));
    const no = key >>> 3;
    const wire = key & 7;
    const f: Field = { no, wire, int: 0n, bytes: Buffer.alloc(0) };
    if (wire === 0) f.int = readVarint(buf, pos);
    else if (wire === 1) {
      f.int = buf.readBigUInt64LE(pos.at);
      f.bytes = buf.subarray(pos.at, pos.at + 8);
      pos.at += 8;
    } else if (wire === 2) {
      const len = Number(readVarint(buf, pos));
      f.bytes = buf.subarray(pos.at, pos.at + len);
      pos.at += len;
    } else if (wire === 5) {
      f.int = BigInt(buf.readUInt32LE(pos.at));
      f.bytes = buf.subarray(pos.at, pos.at + 4);
      pos.at += 4;
    } else {
      throw new Error(`unsupported wire type ${wire}`);
    }
    out.push(f);
  }
  return out;
}

/** AnyValue: 1 string, 2 bool, 3 int64, 4 double (others shown as a marker). */
function protoAnyValue(buf: Buffer): AttributeValue {
  for (const f of fields(buf)) {
    if (f.no === 1) return f.bytes.toString('utf8');
    if (f.no === 2) return f.int !== 0n;
    if (f.no === 3) return Number(BigInt.asIntN(64, f.int));
    if (f.no === 4) return f.bytes.readDoubleLE(0);
  }
  return '(unsupported AnyValue)';
}

/** Repeated KeyValue (1 key, 2 value) -> record. */
function protoAttributes(list: Buffer[]): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list) {
    let key = '';
    let value: AttributeValue = '';
    for (const f of fields(kv)) {
      if (f.no === 1) key = f.bytes.toString('utf8');
      else if (f.no === 2) value = protoAnyValue(f.bytes);
    }
    out[key] = value;
  }
  return out;
}

function decodeOtlpProto(body: Buffer): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  // ExportTraceServiceRequest: 1 resource_spans.
  for (const rsField of fields(body)) {
    if (rsField.no !== 1) continue;
    // ResourceSpans: 1 resource, 2 scope_spans.
    let resource: Record<string, AttributeValue> = {};
    const scopeSpans: Buffer[] = [];
    for (const f of fields(rsField.bytes)) {
      if (f.no === 1) resource = protoAttributes(fields(f.bytes).filter((a) => a.no === 1).map((a) => a.bytes));
      else if (f.no === 2) scopeSpans.push(f.bytes);
    }
    for (const ss of scopeSpans) {
      // ScopeSpans: 1 scope, 2 spans.
      for (const sf of fields(ss)) {
        if (sf.no !== 2) continue;
        // Span: 1 trace_id, 2 span_id, 3 trace_state, 4 parent_span_id, 5 name, 6 kind,
        // 7 start_time_unix_nano, 8 end_time_unix_nano, 9 attributes, 15 status.
        let traceId = '';
        let spanId = '';
        let parentSpanId = '';
        let traceState = '';
        let name = '';
        let kind = 0;
        let start = 0n;
        let end = 0n;
        const attrs: Buffer[] = [];
        let status = 0;
        let statusMessage = '';
        for (const f of fields(sf.bytes)) {
          switch (f.no) {
            case 1: traceId = f.bytes.toString('hex'); break;
            case 2: spanId = f.bytes.toString('hex'); break;
            case 3: traceState = f.bytes.toString('utf8'); break;
            case 4: parentSpanId = f.bytes.toString('hex'); break;
            case 5: name = f.bytes.toString('utf8'); break;
            case 6: kind = Number(f.int); break;
            case 7: start = f.int; break;
            case 8: end = f.int; break;
            case 9: attrs.push(f.bytes); break;
            case 15:
              // Status: 2 message, 3 code.
              for (const s of fields(f.bytes)) {
                if (s.no === 2) statusMessage = s.bytes.toString('utf8');
                else if (s.no === 3) status = Number(s.int);
              }
              break;
          }
        }
        out.push({
          via: 'otlp-proto', traceId, spanId, parentSpanId, name, kind: KINDS[kind] ?? String(kind), attributes: protoAttributes(attrs),
          status: STATUS[status] ?? String(status), statusMessage, traceState, serviceName: String(resource['service.name'] ?? ''),
          startUs: Number(start / 1000n), endUs: Number(end / 1000n),
        });
      }
    }
  }
  return out;
}

// ---- Zipkin v2 JSON ----

function decodeZipkin(body: Buffer): ReceivedSpan[] {
  const list = JSON.parse(body.toString('utf8')) as Array<{
    traceId: string; id: string; parentId?: string; name: string; kind?: string; timestamp: number; duration: number;
    localEndpoint?: { serviceName?: string }; tags?: Record<string, string>;
  }>;
  return list.map((s) => {
    const tags = s.tags ?? {};
    const code = tags['otel.status_code'];
    return {
      via: 'zipkin' as const,
      traceId: s.traceId,
      spanId: s.id,
      parentSpanId: s.parentId ?? '',
      name: s.name,
      kind: s.kind ?? 'INTERNAL',
      attributes: tags,
      status: code === 'ERROR' || tags.error !== undefined ? 'ERROR' : code === 'OK' ? 'OK' : 'UNSET',
      statusMessage: tags.error ?? '',
      traceState: '',
      serviceName: s.localEndpoint?.serviceName ?? '',
      startUs: s.timestamp,
      endUs: s.timestamp + s.duration,
    };
  });
}
