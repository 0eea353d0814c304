import { Type, type Static } from '@sinclair/typebox';
import { RouteSchema } from './route.js';
import { ServiceSchema } from './service.js';
import { MeshSchema } from './mesh.js';
import { RateLimitSchema, RateLimitStoreSchema, RateLimitTierSchema } from './rate-limit.js';
import { AccessLogSchema, MetricsSchema, TracingSchema } from './observability.js'; // access-log (issue 5), tracing, metrics

export * from './route.js';
export * from './service.js';
export * from './mesh.js';
export * from './resilience.js';
export * from './rate-limit.js';
export * from './observability.js'; // access-log (issue 5)

export const ListenSchema = Type.Object(
  {
    host: Type.Optional(Type.String({ description: 'Address to bind. Default 0.0.0.0.' })),
    port: Type.Integer({ minimum: 0, maximum: 65535, description: 'Port to bind (0 picks a free one).' }),
  },
  { additionalProperties: false },
);

/** The root of a meshgate config file. One source for the TS types, the JSON Schema and the validator. */
export const GatewayConfigSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String({ description: 'Path or URL of this JSON Schema, for editors.' })),
    listen: Type.Optional(ListenSchema),
    admin: Type.Optional(
      Type.Union([ListenSchema, Type.Literal(false)], { description: 'Admin listener (probes, /config, /routes). Default 127.0.0.1:9901; `false` turns it off.' }),
    ),
    workers: Type.Optional(
      Type.Union([Type.Literal('auto'), Type.Integer({ minimum: 1 })], { description: 'Data-plane processes: `auto` (one per core, default) or a number.' }),
    ),
    drainDelaySeconds: Type.Optional(Type.Number({ minimum: 0, description: 'After SIGTERM, keep accepting this long (readyz already 503) so load balancers notice. Default 0.' })),
    drainTimeoutSeconds: Type.Optional(Type.Number({ minimum: 0, description: 'Longest wait for in-flight requests at shutdown. Default 30.' })),
    maxBodyBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'Largest request body accepted (413 above). Default 0 = unlimited (streamed).' })),
    maxHeaderBytes: Type.Optional(Type.Integer({ minimum: 1024, description: 'Largest request head accepted (431 above). Default 16384.' })),
    logLevel: Type.Optional(
      Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), { description: 'Log level. Default info.' }),
    ),
    globalRateLimits: Type.Optional(Type.Array(RateLimitSchema, { description: 'Rate limits applied to every route, stacked with the routes\' own.' })),
    rateLimitTiers: Type.Optional(Type.Record(Type.String({ minLength: 1 }), RateLimitTierSchema, { description: 'Named tiers (free, pro...) a limit with tierFrom picks from.' })),
    rateLimitStore: Type.Optional(RateLimitStoreSchema),
    rateLimitHeaders: Type.Optional(
      Type.Union([Type.Literal('draft'), Type.Literal('legacy'), Type.Literal('x-ratelimit'), Type.Literal('none')], {
        description: 'Response headers on limited routes: draft (RateLimit-Policy + RateLimit, IETF httpapi draft; default), legacy (RateLimit-Limit/-Remaining/-Reset), x-ratelimit (X-RateLimit-*), none.',
      }),
    ),
    accessLog: Type.Optional(AccessLogSchema), // access-log (issue 5)
    metrics: Type.Optional(MetricsSchema), // metrics
    tracing: Type.Optional(TracingSchema), // tracing
    mesh: Type.Optional(MeshSchema),
    services: Type.Optional(Type.Record(Type.String({ minLength: 1 }), ServiceSchema, { description: 'Named upstream services.' })),
    routes: Type.Optional(Type.Array(RouteSchema, { description: 'Routes, matched by the precedence rules in the README.' })),
  },
  { additionalProperties: false, $id: 'https://meshgate.dev/schema/config.json', title: 'meshgate configuration' },
);
export type GatewayConfig = Static<typeof GatewayConfigSchema>;
