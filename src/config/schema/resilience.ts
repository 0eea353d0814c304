import { Type, type Static } from '@sinclair/typebox';

export const CircuitBreakerSchema = Type.Object(
  {
    failureThreshold: Type.Integer({ minimum: 1, description: 'Consecutive failures that open the breaker.' }),
    timeoutSeconds: Type.Number({ exclusiveMinimum: 0, description: 'How long the breaker stays open before half-open.' }),
    halfOpenRequests: Type.Integer({ minimum: 1, description: 'Probe requests allowed while half-open; all must succeed to close.' }),
  },
  { additionalProperties: false, description: 'Circuit breaker (accepted now; enforced by the resilience capability).' },
);
export type CircuitBreakerConfig = Static<typeof CircuitBreakerSchema>;

export const RetryPolicySchema = Type.Object(
  {
    maxAttempts: Type.Integer({ minimum: 1, description: 'Total attempts, the first included.' }),
    backoffMultiplier: Type.Optional(Type.Number({ minimum: 1, description: 'Delay multiplier between attempts. Default 2.' })),
    initialDelayMs: Type.Optional(Type.Integer({ minimum: 0, description: 'Delay before the first retry. Default 100.' })),
  },
  { additionalProperties: false, description: 'Retry policy (accepted now; enforced by the resilience capability).' },
);
export type RetryPolicyConfig = Static<typeof RetryPolicySchema>;
