import { type Static } from '@sinclair/typebox';
export declare const EndpointSchema: import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TString, import("@sinclair/typebox").TObject<{
    address: import("@sinclair/typebox").TString;
    weight: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
}>]>;
export type EndpointConfig = Static<typeof EndpointSchema>;
export declare const LoadBalancerSchema: import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"round-robin">, import("@sinclair/typebox").TLiteral<"weighted">, import("@sinclair/typebox").TLiteral<"least-request">, import("@sinclair/typebox").TLiteral<"random">, import("@sinclair/typebox").TObject<{
    type: import("@sinclair/typebox").TLiteral<"consistent-hash">;
    key: import("@sinclair/typebox").TString;
    algorithm: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"ring">, import("@sinclair/typebox").TLiteral<"maglev">]>>;
}>]>;
export type LoadBalancerConfig = Static<typeof LoadBalancerSchema>;
export declare const HealthCheckSchema: import("@sinclair/typebox").TObject<{
    type: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"http">, import("@sinclair/typebox").TLiteral<"tcp">]>>;
    path: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    host: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    intervalMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    timeoutMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    healthyThreshold: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    unhealthyThreshold: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    expectedStatuses: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TInteger, import("@sinclair/typebox").TString]>>>;
}>;
export type HealthCheckConfig = Static<typeof HealthCheckSchema>;
export declare const OutlierDetectionSchema: import("@sinclair/typebox").TObject<{
    consecutiveFailures: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    intervalMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    baseEjectionMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    maxEjectionPercent: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
}>;
export type OutlierDetectionConfig = Static<typeof OutlierDetectionSchema>;
export declare const ServiceSchema: import("@sinclair/typebox").TObject<{
    endpoints: import("@sinclair/typebox").TArray<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TString, import("@sinclair/typebox").TObject<{
        address: import("@sinclair/typebox").TString;
        weight: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    }>]>>;
    loadBalancer: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"round-robin">, import("@sinclair/typebox").TLiteral<"weighted">, import("@sinclair/typebox").TLiteral<"least-request">, import("@sinclair/typebox").TLiteral<"random">, import("@sinclair/typebox").TObject<{
        type: import("@sinclair/typebox").TLiteral<"consistent-hash">;
        key: import("@sinclair/typebox").TString;
        algorithm: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"ring">, import("@sinclair/typebox").TLiteral<"maglev">]>>;
    }>]>>;
    healthCheck: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
        type: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"http">, import("@sinclair/typebox").TLiteral<"tcp">]>>;
        path: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
        host: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
        intervalMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        timeoutMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        healthyThreshold: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        unhealthyThreshold: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        expectedStatuses: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TInteger, import("@sinclair/typebox").TString]>>>;
    }>>;
    outlierDetection: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
        consecutiveFailures: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        intervalMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        baseEjectionMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        maxEjectionPercent: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    }>>;
    circuitBreaker: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
        failureThreshold: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        timeoutSeconds: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
        halfOpenRequests: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        failureRateThreshold: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
        windowSeconds: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
        minimumRequests: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        scope: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"service">, import("@sinclair/typebox").TLiteral<"endpoint">]>>;
    }>>;
    maxConcurrentRequests: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    maxPendingRequests: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    queueTimeoutMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    connectTimeoutMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    keepAliveTimeoutMs: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    maxIdleConnections: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
}>;
export type ServiceConfig = Static<typeof ServiceSchema>;
