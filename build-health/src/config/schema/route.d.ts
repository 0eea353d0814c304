import { type Static } from '@sinclair/typebox';
/** A header or query-parameter match, as in the Kubernetes Gateway API. */
export declare const ValueMatchSchema: import("@sinclair/typebox").TObject<{
    name: import("@sinclair/typebox").TString;
    type: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"Exact">, import("@sinclair/typebox").TLiteral<"RegularExpression">, import("@sinclair/typebox").TLiteral<"Present">]>>;
    value: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
}>;
export type ValueMatch = Static<typeof ValueMatchSchema>;
export declare const RewriteSchema: import("@sinclair/typebox").TObject<{
    prefix: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    regex: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    replacement: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    path: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
}>;
export type Rewrite = Static<typeof RewriteSchema>;
export declare const RouteSchema: import("@sinclair/typebox").TObject<{
    name: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    path: import("@sinclair/typebox").TString;
    pathType: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"PathPrefix">, import("@sinclair/typebox").TLiteral<"Exact">, import("@sinclair/typebox").TLiteral<"RegularExpression">]>>;
    method: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TString, import("@sinclair/typebox").TArray<import("@sinclair/typebox").TString>]>>;
    host: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TString, import("@sinclair/typebox").TArray<import("@sinclair/typebox").TString>]>>;
    headers: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TObject<{
        name: import("@sinclair/typebox").TString;
        type: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"Exact">, import("@sinclair/typebox").TLiteral<"RegularExpression">, import("@sinclair/typebox").TLiteral<"Present">]>>;
        value: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    }>>>;
    query: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TObject<{
        name: import("@sinclair/typebox").TString;
        type: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"Exact">, import("@sinclair/typebox").TLiteral<"RegularExpression">, import("@sinclair/typebox").TLiteral<"Present">]>>;
        value: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    }>>>;
    backendService: import("@sinclair/typebox").TString;
    stripPrefix: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TBoolean>;
    rewrite: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
        prefix: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
        regex: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
        replacement: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
        path: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    }>>;
    hostRewrite: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    timeoutSeconds: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    maxBodyBytes: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    rateLimitRps: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    circuitBreaker: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
        failureThreshold: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        timeoutSeconds: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
        halfOpenRequests: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        failureRateThreshold: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
        windowSeconds: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
        minimumRequests: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        scope: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"service">, import("@sinclair/typebox").TLiteral<"endpoint">]>>;
    }>>;
    retryPolicy: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
        maxAttempts: import("@sinclair/typebox").TInteger;
        backoffMultiplier: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
        initialDelayMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        maxDelayMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        perTryTimeoutMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        retryOn: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TUnion<[...import("@sinclair/typebox").TLiteral<"5xx" | "connect-failure" | "gateway-error" | "reset" | "retriable-4xx">[], import("@sinclair/typebox").TInteger]>>>;
        retryNonIdempotent: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TBoolean>;
        budgetPercent: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
        retryBufferBytes: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    }>>;
    fault: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
        delay: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
            fixedDelayMs: import("@sinclair/typebox").TInteger;
            percentage: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
        }>>;
        abort: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
            httpStatus: import("@sinclair/typebox").TInteger;
            percentage: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
        }>>;
    }>>;
}>;
export type RouteConfig = Static<typeof RouteSchema>;
