/** meshgate's public API. */
export { ApiGateway } from './api/api-gateway.js';
export { GatewayConfigSchema } from './config/schema/index.js';
export { ConfigError, loadConfigFile, validateConfig } from './config/load.js';
export { configJsonSchema } from './config/json-schema.js';
export { ERRORS, GatewayError } from './errors/index.js';
//# sourceMappingURL=index.js.map