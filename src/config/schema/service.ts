import { Type, type Static } from '@sinclair/typebox';
import { CircuitBreakerSchema } from './resilience.js';

export const EndpointSchema = Type.Union([
  Type.String({ minLength: 3, description: '`host:port`' }),
  Type.Object(
    {
      address: Type.String({ minLength: 3, description: '`host:port`' }),
      weight: Type.Optional(Type.Integer({ minimum: 1, description: 'Relative weight. Default 1.' })),
    },
    { additionalProperties: false },
  ),
]);
export type EndpointConfig = Static<typeof EndpointSchema>;

export const LoadBalancerSchema = Type.Union(
  [
    Type.Literal('round-robin'),
    Type.Literal('weighted'),
    Type.Literal('least-request'),
    Type.Literal('random'),
    Type.Object(
      {
        type: Type.Literal('consistent-hash'),
        key: Type.String({ pattern: '^(header:.+|cookie:.+|ip)$', description: 'Hash key: `header:<name>`, `cookie:<name>` or `ip` (the client address).' }),
        algorithm: Type.Optional(Type.Union([Type.Literal('ring'), Type.Literal('maglev')], { description: 'ring (default) or maglev.' })),
      },
      { additionalProperties: false },
    ),
  ],
  { description: 'Endpoint selection: round-robin (default; smooth weighted), weighted (the same), least-request (power of two choices), random (weighted), or consistent-hash.' },
);
export type LoadBalancerConfig = Static<typeof LoadBalancerSchema>;

export const HealthCheckSchema = Type.Object(
  {
    type: Type.Optional(Type.Union([Type.Literal('http'), Type.Literal('tcp')], { description: 'http (default): GET path; tcp: a connect.' })),
    path: Type.Optional(Type.String({ pattern: '^/\\S*$', description: 'HTTP path to GET (starts with /, no spaces). Default /.' })),
    host: Type.Optional(Type.String({ minLength: 1, description: 'Host header of the check. Default the endpoint address.' })),
    intervalMs: Type.Optional(Type.Integer({ minimum: 50, description: 'Time between checks of one endpoint. Default 5000.' })),
    timeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'A check slower than this fails. Default 1000.' })),
    healthyThreshold: Type.Optional(Type.Integer({ minimum: 1, description: 'Consecutive passes that bring an endpoint back. Default 2.' })),
    unhealthyThreshold: Type.Optional(Type.Integer({ minimum: 1, description: 'Consecutive failures that take an endpoint out. Default 3.' })),
    expectedStatuses: Type.Optional(
      Type.Array(Type.Union([Type.Integer({ minimum: 100, maximum: 599 }), Type.String({ pattern: '^[1-5]\\d\\d-[1-5]\\d\\d$' })]), {
        minItems: 1,
        description: 'Statuses that pass: codes or ranges like "200-399". Default ["200-399"].',
      }),
    ),
  },
  { additionalProperties: false, description: 'Active health checks: unhealthy endpoints leave the rotation until they pass again.' },
);
export type HealthCheckConfig = Static<typeof HealthCheckSchema>;

export const OutlierDetectionSchema = Type.Object(
  {
    consecutiveFailures: Type.Optional(Type.Integer({ minimum: 1, description: 'Consecutive 5xx or gateway failures that eject an endpoint. Default 5.' })),
    intervalMs: Type.Optional(Type.Integer({ minimum: 10, description: 'How often ejections are reviewed (expired ones return). Default 10000.' })),
    baseEjectionMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Ejection time; multiplied by the number of times the endpoint was ejected. Default 30000.' })),
    maxEjectionPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'At most this share of the endpoints is ejected at once; one endpoint may always be ejected, but never the last available one; 0 turns ejection off. Default 10.' })),
  },
  { additionalProperties: false, description: 'Passive outlier detection (Envoy semantics): eject endpoints that keep failing real requests.' },
);
export type OutlierDetectionConfig = Static<typeof OutlierDetectionSchema>;

export const ServiceSchema = Type.Object(
  {
    endpoints: Type.Array(EndpointSchema, { minItems: 1, description: 'Upstream endpoints: `"host:port"` or `{ address, weight }`.' }),
    loadBalancer: Type.Optional(LoadBalancerSchema),
    healthCheck: Type.Optional(HealthCheckSchema),
    outlierDetection: Type.Optional(OutlierDetectionSchema),
    circuitBreaker: Type.Optional(CircuitBreakerSchema),
    maxConcurrentRequests: Type.Optional(Type.Integer({ minimum: 1, description: 'Bulkhead: requests in flight to this service at once (per worker process). Unlimited when omitted.' })),
    maxPendingRequests: Type.Optional(Type.Integer({ minimum: 0, description: 'Bulkhead: requests that may wait for a slot when maxConcurrentRequests is reached. Default 0 (overflow answers 503 at once).' })),
    queueTimeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Bulkhead: longest wait in the queue before 503. Default 1000.' })),
    connectTimeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'TCP connect timeout. Default 5000.' })),
    streamIdleTimeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'An upstream connection with no traffic either way for this long, while a request uses it, is closed: 504 before the response head, a cut connection after (Envoy stream_idle_timeout). Default 300000.' })),
    keepAliveTimeoutMs: Type.Optional(Type.Integer({ minimum: 0, description: 'How long an idle upstream connection stays in the pool. Default 4000 (below the common 5 s server keep-alive).' })),
    maxIdleConnections: Type.Optional(Type.Integer({ minimum: 0, description: 'Idle connections kept per endpoint. Default 256.' })),
  },
  { additionalProperties: false },
);
export type ServiceConfig = Static<typeof ServiceSchema>;
