import { Type, type Static } from '@sinclair/typebox';

const KEY_PATTERN = '^(global|ip|apiKey|header:.+|claim:.+)$';

export const RateLimitKeySchema = Type.Union(
  [Type.String({ pattern: KEY_PATTERN }), Type.Array(Type.String({ pattern: KEY_PATTERN }), { minItems: 1 })],
  {
    description:
      'What is counted separately: `global` (one counter), `ip` (client address), `header:<name>`, `apiKey` (the X-API-Key header until API keys land), `claim:<name>` (a verified JWT claim, once authentication lands), or a list of those combined. Default `ip`.',
  },
);

export const RateLimitSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: 'Name used in headers, logs and metrics. Defaults to `<route>-<index>`.' })),
    algorithm: Type.Optional(
      Type.Union([Type.Literal('token-bucket'), Type.Literal('sliding-window'), Type.Literal('fixed-window')], {
        description: 'token-bucket (default: rate + burst), sliding-window (weighted two-window counter), fixed-window (quotas for long periods: per day, per month).',
      }),
    ),
    limit: Type.Optional(Type.Integer({ minimum: 1, description: 'Requests allowed per period. Required unless tierFrom gives it.' })),
    periodSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Length of the period. Default 1.' })),
    burst: Type.Optional(Type.Integer({ minimum: 1, description: 'token-bucket: bucket size. Default = limit.' })),
    key: Type.Optional(RateLimitKeySchema),
    tierFrom: Type.Optional(
      Type.String({ pattern: '^(header:.+|claim:.+|apiKey)$', description: 'Where the caller\'s tier name comes from (`header:x-tier`); its rateLimitTiers entry replaces limit/periodSeconds/burst. Unknown or missing tier: this limit\'s own values (or the `default` tier).' }),
    ),
  },
  { additionalProperties: false },
);
export type RateLimitConfig = Static<typeof RateLimitSchema>;

export const RateLimitTierSchema = Type.Object(
  {
    limit: Type.Integer({ minimum: 1 }),
    periodSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    burst: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  { additionalProperties: false },
);
export type RateLimitTierConfig = Static<typeof RateLimitTierSchema>;

export const RateLimitStoreSchema = Type.Object(
  {
    type: Type.Optional(Type.Union([Type.Literal('memory'), Type.Literal('redis')], { description: 'memory (default: exact across the workers of this node) or redis (exact across every gateway instance).' })),
    url: Type.Optional(Type.String({ minLength: 1, description: 'Redis URL, e.g. redis://127.0.0.1:6379/0. Default redis://127.0.0.1:6379.', 'x-secret': true })),
    cluster: Type.Optional(
      Type.Array(Type.String({ minLength: 1, description: 'A seed node: `host:port` (or a redis:// URL).' }), {
        minItems: 1,
        description:
          'Seed nodes of a Redis Cluster ("host:port"); when set, url is ignored and the store talks to the cluster (the rest of its nodes are discovered). Each counter lives in its own key\'s slot: a request whose limits fall in different slots is decided per slot (all-or-nothing within a slot; across slots a request denied by one may have consumed in another).',
        'x-secret': true,
      }),
    ),
    keyPrefix: Type.Optional(Type.String({ description: 'Prefix of every Redis key. Default `mg:rl:`.' })),
    onStoreError: Type.Optional(
      Type.Union([Type.Literal('allow'), Type.Literal('deny'), Type.Literal('local')], {
        description: 'When Redis cannot answer: allow (fail open), deny (429), or local (per-instance limits divided by instanceCount). Default local.',
      }),
    ),
    instanceCount: Type.Optional(Type.Integer({ minimum: 1, description: 'Gateway instances sharing the limits (for onStoreError: local). Default 1.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'A Redis decision slower than this counts as a store error. Default 50.' })),
  },
  { additionalProperties: false },
);
export type RateLimitStoreConfig = Static<typeof RateLimitStoreSchema>;
