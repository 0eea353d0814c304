import { type Static } from '@sinclair/typebox';
export declare const CircuitBreakerSchema: import("@sinclair/typebox").TObject<{
    failureThreshold: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    timeoutSeconds: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    halfOpenRequests: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    failureRateThreshold: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    windowSeconds: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    minimumRequests: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    scope: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"service">, import("@sinclair/typebox").TLiteral<"endpoint">]>>;
}>;
export type CircuitBreakerConfig = Static<typeof CircuitBreakerSchema>;
export declare const RETRY_CONDITIONS: readonly ['connect-failure', 'reset', '5xx', 'gateway-error', 'retriable-4xx'];
export type RetryCondition = (typeof RETRY_CONDITIONS)[number];
export declare const RetryPolicySchema: import("@sinclair/typebox").TObject<{
    maxAttempts: import("@sinclair/typebox").TInteger;
    backoffMultiplier: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    initialDelayMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    maxDelayMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    perTryTimeoutMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    retryOn: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TUnion<[...import("@sinclair/typebox").TLiteral<"5xx" | "connect-failure" | "gateway-error" | "reset" | "retriable-4xx">[], import("@sinclair/typebox").TInteger]>>>;
    retryNonIdempotent: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TBoolean>;
    budgetPercent: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    retryBufferBytes: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
}>;
export type RetryPolicyConfig = Static<typeof RetryPolicySchema>;
export declare const FaultSchema: import("@sinclair/typebox").TObject<{
    delay: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
        fixedDelayMs: import("@sinclair/typebox").TInteger;
        percentage: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    }>>;
    abort: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
        httpStatus: import("@sinclair/typebox").TInteger;
        percentage: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    }>>;
}>;
export type FaultConfig = Static<typeof FaultSchema>;
