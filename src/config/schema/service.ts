import { Type, type Static } from '@sinclair/typebox';

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

export const ServiceSchema = Type.Object(
  {
    endpoints: Type.Array(EndpointSchema, { minItems: 1, description: 'Upstream endpoints: `"host:port"` or `{ address, weight }`.' }),
    loadBalancer: Type.Optional(Type.Literal('round-robin', { description: 'Endpoint selection. `round-robin` (default; weighted when endpoints carry weights).' })),
    connectTimeoutMs: Type.Optional(Type.Integer({ minimum: 1, description: 'TCP connect timeout. Default 5000.' })),
    keepAliveTimeoutMs: Type.Optional(Type.Integer({ minimum: 0, description: 'How long an idle upstream connection stays in the pool. Default 4000 (below the common 5 s server keep-alive).' })),
    maxIdleConnections: Type.Optional(Type.Integer({ minimum: 0, description: 'Idle connections kept per endpoint. Default 256.' })),
  },
  { additionalProperties: false },
);
export type ServiceConfig = Static<typeof ServiceSchema>;
