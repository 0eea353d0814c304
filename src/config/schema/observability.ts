import { Type, type Static } from '@sinclair/typebox';

/** Every field an access-log line can carry, in the order they are written. */
export const ACCESS_LOG_FIELDS = [
  'time', 'requestId', 'traceId', 'route', 'service', 'endpoint', 'method', 'path', 'query', 'status', 'errorCode',
  'bytesIn', 'bytesOut', 'durationMs', 'upstreamMs', 'attempts', 'clientIp', 'userAgent', 'aborted', 'pid', 'hostname',
] as const;
export type AccessLogField = (typeof ACCESS_LOG_FIELDS)[number];

/** Fields written when `fields` is not given: all but the opt-in ones (the query string may hold secrets). */
export const DEFAULT_ACCESS_LOG_FIELDS: readonly AccessLogField[] = ACCESS_LOG_FIELDS.filter((f) => f !== 'query' && f !== 'pid' && f !== 'hostname');

export const AccessLogSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Write one JSON line per request. Default false (the hot path stays lean).' })),
    output: Type.Optional(
      Type.String({ minLength: 1, description: '`stdout` (default) or a file path (relative to the working directory), opened for append; SIGUSR2 reopens it (log rotation).' }),
    ),
    fields: Type.Optional(
      Type.Array(Type.Union(ACCESS_LOG_FIELDS.map((f) => Type.Literal(f))), {
        uniqueItems: true,
        description: `Fields to write (always in the documented order). Default: every field but the opt-in \`query\`, \`pid\` and \`hostname\`.`,
      }),
    ),
    sampleRate: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'Share of requests logged, 0..1. Default 1. Errors (status >= 500 or a gateway error code) are always logged.' }),
    ),
    format: Type.Optional(Type.Literal('json', { description: 'Line format. Only `json` (one JSON object per line).' })),
  },
  { additionalProperties: false, description: 'Access log: one JSON line per request. Takes effect at start (a change needs a restart).' },
);
export type AccessLogConfig = Static<typeof AccessLogSchema>;

export const MetricsSchema = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({ description: 'Count requests and serve Prometheus metrics at the admin /metrics. Default true; false: no per-request metric work, /metrics answers 404.' }),
    ),
  },
  { additionalProperties: false, description: 'Prometheus metrics. Takes effect at start (a change needs a restart).' },
);
export type MetricsConfig = Static<typeof MetricsSchema>;

/** Trace-context header formats: W3C `traceparent`/`tracestate`, B3 single `b3`, B3 multi `X-B3-*`. */
export const PROPAGATION_FORMATS = ['w3c', 'b3', 'b3multi'] as const;
export type PropagationFormat = (typeof PROPAGATION_FORMATS)[number];

export const TracingExporterSchema = Type.Object(
  {
    kind: Type.Optional(Type.Union([Type.Literal('otlp'), Type.Literal('zipkin')], { description: '`otlp` (OTLP/HTTP, default) or `zipkin` (Zipkin v2 JSON API).' })),
    endpoint: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Full URL spans are POSTed to. Default http://localhost:4318/v1/traces (otlp), http://localhost:9411/api/v2/spans (zipkin).',
      }),
    ),
    encoding: Type.Optional(Type.Union([Type.Literal('protobuf'), Type.Literal('json')], { description: 'OTLP body encoding: `protobuf` (default) or `json`. otlp only.' })),
    headers: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.String({ 'x-secret': true }), { description: 'Extra HTTP headers on every export request (e.g. authorization).' }),
    ),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Longest one export (retries included) may take. Default 10000.' })),
  },
  { additionalProperties: false },
);

export const TracingBatchSchema = Type.Object(
  {
    maxQueueSize: Type.Optional(Type.Integer({ minimum: 1, description: 'Finished spans held while waiting for export; more are dropped. Default 2048.' })),
    maxBatchSize: Type.Optional(Type.Integer({ minimum: 1, description: 'Most spans per export request. Default 512.' })),
    scheduledDelayMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Longest a span waits before its batch is sent. Default 1000.' })),
  },
  { additionalProperties: false },
);

export const TracingSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ description: 'Record and export spans. Default true when the `tracing` block is present.' })),
    serviceName: Type.Optional(Type.String({ minLength: 1, description: 'service.name of the exported spans. Default meshgate.' })),
    sampleRate: Type.Optional(
      Type.Number({ minimum: 0, maximum: 1, description: 'Share of requests traced when the request carries no sampling decision, 0..1. Default 1. An incoming decision is obeyed.' }),
    ),
    propagation: Type.Optional(
      Type.Array(Type.Union(PROPAGATION_FORMATS.map((f) => Type.Literal(f))), {
        minItems: 1,
        uniqueItems: true,
        description: 'Header formats read (first found wins, in this order) and written: w3c, b3 (single header), b3multi (X-B3-*). Default [w3c, b3, b3multi].',
      }),
    ),
    exporter: Type.Optional(TracingExporterSchema),
    batch: Type.Optional(TracingBatchSchema),
  },
  { additionalProperties: false, description: 'OpenTelemetry tracing: W3C/B3 propagation, spans exported over OTLP/HTTP or to Zipkin. Takes effect at start (a change needs a restart).' },
);
export type TracingConfig = Static<typeof TracingSchema>;
