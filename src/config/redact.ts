/**
 * Schema-driven secret redaction for /config and logs: every value whose schema node carries
 * `'x-secret': true` becomes "[redacted]". The schema is walked alongside the value (objects,
 * records via patternProperties/additionalProperties, arrays, unions by the branch that fits),
 * so marking a field secret in its schema is all a policy has to do.
 */
import type { TSchema } from '@sinclair/typebox';
import { GatewayConfigSchema } from './schema/index.js';
import { childNodes, fitting, isPlainObject, setOwn, type SchemaNode } from './schema-walk.js';

export const REDACTED = '[redacted]';

function secret(nodes: readonly SchemaNode[], value: unknown): boolean {
  // The node itself (a union marked secret as a whole) or the branch(es) that fit the value.
  if (nodes.some((n) => n['x-secret'] === true)) return true;
  return fitting(nodes, value).some((n) => n['x-secret'] === true);
}

/** A deep copy of `config` with every secret value replaced by "[redacted]". The input is not modified. */
export function redactConfig<T>(config: T, schema: TSchema = GatewayConfigSchema): T {
  const walk = (value: unknown, nodes: readonly SchemaNode[]): unknown => {
    if (value !== undefined && nodes.length > 0 && secret(nodes, value)) return REDACTED;
    if (Array.isArray(value)) return value.map((v, i) => walk(v, childNodes(nodes, value, i)));
    if (isPlainObject(value)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value)) setOwn(out, k, walk(value[k], childNodes(nodes, value, k)));
      return out;
    }
    return value;
  };
  return walk(config, [schema]) as T;
}
