import { type Static } from '@sinclair/typebox';
export * from './route.js';
export * from './service.js';
export * from './mesh.js';
export * from './resilience.js';
export declare const ListenSchema: import("@sinclair/typebox").TObject<{
    host: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    port: import("@sinclair/typebox").TInteger;
}>;
/** The root of a meshgate config file. One source for the TS types, the JSON Schema and the validator. */
export declare const GatewayConfigSchema: import("@sinclair/typebox").TObject<{
    $schema: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    listen: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
        host: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
        port: import("@sinclair/typebox").TInteger;
    }>>;
    admin: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TObject<{
        host: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
        port: import("@sinclair/typebox").TInteger;
    }>, import("@sinclair/typebox").TLiteral<false>]>>;
    workers: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"auto">, import("@sinclair/typebox").TInteger]>>;
    drainDelaySeconds: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    drainTimeoutSeconds: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TNumber>;
    maxBodyBytes: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    maxHeaderBytes: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
    logLevel: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<import("@sinclair/typebox").TLiteral<string>[]>>;
    mesh: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TObject<{
        meshType: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"none">, import("@sinclair/typebox").TLiteral<"istio">, import("@sinclair/typebox").TLiteral<"linkerd">, import("@sinclair/typebox").TLiteral<"consul">]>>;
        mtlsMode: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TUnion<[import("@sinclair/typebox").TLiteral<"STRICT">, import("@sinclair/typebox").TLiteral<"PERMISSIVE">, import("@sinclair/typebox").TLiteral<"DISABLE">]>>;
        sidecarPort: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TInteger>;
        controlPlaneEndpoint: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TString>;
    }>>;
    services: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TRecord<import("@sinclair/typebox").TString, import("@sinclair/typebox").TObject<{
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
    }>>>;
    routes: import("@sinclair/typebox").TOptional<import("@sinclair/typebox").TArray<import("@sinclair/typebox").TObject<{
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
    }>>>;
}>;
export type GatewayConfig = Static<typeof GatewayConfigSchema>;
