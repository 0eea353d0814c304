/** meshgate's public API. */
export { ApiGateway, type ApiGatewayOptions } from './api/api-gateway.js';
export type {
  GatewayConfig,
  RouteConfig,
  ServiceConfig,
  MeshConfig,
  CircuitBreakerConfig,
  RetryPolicyConfig,
  EndpointConfig,
  ValueMatch,
  Rewrite,
} from './config/schema/index.js';
export { GatewayConfigSchema } from './config/schema/index.js';
export { ConfigError, loadConfigFile, validateConfig } from './config/load.js';
export { configJsonSchema } from './config/json-schema.js';
export { ERRORS, type ErrorCode, type ProblemDocument } from './errors/index.js';
