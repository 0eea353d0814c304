import { Type, type Static } from '@sinclair/typebox';

export const CircuitBreakerSchema = Type.Object(
  {
    failureThreshold: Type.Optional(Type.Integer({ minimum: 1, description: 'Consecutive failures that open the breaker. Default 5.' })),
    timeoutSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'How long the breaker stays open before it lets probes through (half-open). Default 30.' })),
    halfOpenRequests: Type.Optional(Type.Integer({ minimum: 1, description: 'Probe requests allowed while half-open; all must succeed to close. Default 1.' })),
    failureRateThreshold: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, maximum: 100, description: 'Failure-rate mode: open when this percentage of the requests in the window failed (as well as on consecutive failures).' }),
    ),
    windowSeconds: Type.Optional(Type.Integer({ minimum: 1, description: 'Failure-rate window in whole seconds (sliding, 1 s buckets). Default 10.' })),
    minimumRequests: Type.Optional(Type.Integer({ minimum: 1, description: 'Failure-rate mode needs at least this many requests in the window. Default 20.' })),
    scope: Type.Optional(
      Type.Union([Type.Literal('service'), Type.Literal('endpoint')], { description: 'One breaker per service (default), or one per endpoint.' }),
    ),
  },
  { additionalProperties: false, description: 'Circuit breaker: closed -> open on failures -> half-open probes -> closed.' },
);
export type CircuitBreakerConfig = Static<typeof CircuitBreakerSchema>;

export const RETRY_CONDITIONS = ['connect-failure', 'reset', '5xx', 'gateway-error', 'retriable-4xx'] as const;
export type RetryCondition = (typeof RETRY_CONDITIONS)[number];

export const RetryPolicySchema = Type.Object(
  {
    maxAttempts: Type.Integer({ minimum: 1, description: 'Total attempts, the first included.' }),
    backoffMultiplier: Type.Optional(Type.Number({ minimum: 1, description: 'Delay multiplier between attempts. Default 2.' })),
    initialDelayMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Base delay before the first retry. Default 100. Each delay is drawn uniformly from 0 to the base (full jitter).' })),
    maxDelayMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Cap on the base delay. Default 10 x initialDelayMs.' })),
    perTryTimeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'Deadline for each attempt\'s response headers. Default: none (only the route timeoutSeconds).' })),
    retryOn: Type.Optional(
      Type.Array(
        Type.Union([...RETRY_CONDITIONS.map((c) => Type.Literal(c)), Type.Integer({ minimum: 100, maximum: 599 })]),
        { minItems: 1, description: 'When to retry: connect-failure, reset, 5xx, gateway-error (502/503/504), retriable-4xx (409), or status codes. Default [connect-failure, reset, gateway-error].' },
      ),
    ),
    retryNonIdempotent: Type.Optional(Type.Boolean({ description: 'Also retry POST/PATCH/... without an Idempotency-Key header. Default false.' })),
    budgetPercent: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Retries in flight may be at most this percentage of the service\'s active requests (at least 3 are always allowed, as Envoy). Default 20.' })),
    retryBufferBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'Request bodies up to this size are kept for replay; a larger body is not retried. Default 65536.' })),
  },
  { additionalProperties: false, description: 'Retry policy: retries go back to endpoint selection, to a different endpoint when there is one.' },
);
export type RetryPolicyConfig = Static<typeof RetryPolicySchema>;

export const FaultSchema = Type.Object(
  {
    delay: Type.Optional(
      Type.Object(
        {
          fixedDelayMs: Type.Integer({ minimum: 0, description: 'Delay added before the request is forwarded.' }),
          percentage: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Share of requests delayed. Default 100.' })),
        },
        { additionalProperties: false },
      ),
    ),
    abort: Type.Optional(
      Type.Object(
        {
          httpStatus: Type.Integer({ minimum: 200, maximum: 599, description: 'Status of the injected error response.' }),
          percentage: Type.Optional(Type.Number({ minimum: 0, maximum: 100, description: 'Share of requests aborted. Default 100.' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false, description: 'Fault injection for resilience testing (as Istio): delay and/or abort a share of requests.' },
);
export type FaultConfig = Static<typeof FaultSchema>;
