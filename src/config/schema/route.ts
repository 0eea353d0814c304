import { Type, type Static } from '@sinclair/typebox';
import { CircuitBreakerSchema, FaultSchema, RetryPolicySchema } from './resilience.js';
import { RateLimitSchema } from './rate-limit.js';

/** A header or query-parameter match, as in the Kubernetes Gateway API. */
export const ValueMatchSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'Header name (case-insensitive) or query parameter name (case-sensitive).' }),
    type: Type.Optional(
      Type.Union([Type.Literal('Exact'), Type.Literal('RegularExpression'), Type.Literal('Present')], {
        description: 'Exact (default when value is set), RegularExpression, or Present (default when value is omitted).',
      }),
    ),
    value: Type.Optional(Type.String({ description: 'The value to compare; a regular expression for type RegularExpression.' })),
  },
  { additionalProperties: false },
);
export type ValueMatch = Static<typeof ValueMatchSchema>;

export const RewriteSchema = Type.Object(
  {
    prefix: Type.Optional(Type.String({ description: 'Replace the matched path prefix with this one (PathPrefix routes).' })),
    regex: Type.Optional(Type.String({ description: 'Regular expression run on the path; the match is replaced with `replacement` ($1.. capture groups).' })),
    replacement: Type.Optional(Type.String({ description: 'Replacement for `regex`; $1, $2 refer to capture groups.' })),
    path: Type.Optional(Type.String({ description: 'Replace the whole path with this template; `:name` inserts a path parameter of the route.' })),
  },
  { additionalProperties: false, description: 'Path rewrite before forwarding. Use exactly one of prefix, regex+replacement, path.' },
);
export type Rewrite = Static<typeof RewriteSchema>;

const StringOrList = (description: string) =>
  Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })], { description });

export const RouteSchema = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: 'Route name, used in logs, metrics and /routes. Defaults to `route-<index>`.' })),
    path: Type.String({ minLength: 1, description: 'Path to match. `/users/:id` declares a path parameter. For RegularExpression, a regular expression matched against the whole path.' }),
    pathType: Type.Optional(
      Type.Union([Type.Literal('PathPrefix'), Type.Literal('Exact'), Type.Literal('RegularExpression')], {
        description: 'PathPrefix (default; segment-aware), Exact, or RegularExpression.',
      }),
    ),
    method: Type.Optional(StringOrList('HTTP method or list of methods. Any method when omitted.')),
    host: Type.Optional(StringOrList('Host name(s) to match: exact (`api.example.com`) or wildcard (`*.example.com`). Any host when omitted.')),
    headers: Type.Optional(Type.Array(ValueMatchSchema, { description: 'All of these request headers must match.' })),
    query: Type.Optional(Type.Array(ValueMatchSchema, { description: 'All of these query parameters must match.' })),
    backendService: Type.String({ minLength: 1, description: 'Name of a service under `services:`, or a literal `host:port`.' }),
    stripPrefix: Type.Optional(Type.Boolean({ description: 'Remove the matched path prefix before forwarding (PathPrefix routes). Default false.' })),
    rewrite: Type.Optional(RewriteSchema),
    hostRewrite: Type.Optional(Type.String({ minLength: 1, description: 'Host header sent upstream. The client Host is preserved when omitted.' })),
    timeoutSeconds: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Deadline for the upstream response headers, counted from the end of the request (as Envoy\'s route timeout); 504 when it passes and the upstream request is aborted. Default 30.' })),
    maxBodyBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'Largest request body accepted on this route (413 above). Overrides the top-level maxBodyBytes.' })),
    rateLimitRps: Type.Optional(Type.Number({ exclusiveMinimum: 0, description: 'Shorthand: requests per second per client IP (token bucket, burst = rate).' })),
    rateLimits: Type.Optional(Type.Array(RateLimitSchema, { description: 'Rate limits of this route; they stack with each other and with globalRateLimits, and the tightest answers.' })),
    circuitBreaker: Type.Optional(CircuitBreakerSchema),
    retryPolicy: Type.Optional(RetryPolicySchema),
    fault: Type.Optional(FaultSchema),
  },
  { additionalProperties: false },
);
export type RouteConfig = Static<typeof RouteSchema>;
