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
