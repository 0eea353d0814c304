import { GatewayConfigSchema } from './schema/index.js';
import { childNodes, fitting, isPlainObject, setOwn } from './schema-walk.js';
export const REDACTED = '[redacted]';
function secret(nodes, value) {
    // The node itself (a union marked secret as a whole) or the branch(es) that fit the value.
    if (nodes.some((n) => n['x-secret'] === true))
        return true;
    return fitting(nodes, value).some((n) => n['x-secret'] === true);
}
/** A deep copy of `config` with every secret value replaced by "[redacted]". The input is not modified. */
export function redactConfig(config, schema = GatewayConfigSchema) {
    const walk = (value, nodes) => {
        if (value !== undefined && nodes.length > 0 && secret(nodes, value))
            return REDACTED;
        if (Array.isArray(value))
            return value.map((v, i) => walk(v, childNodes(nodes, value, i)));
        if (isPlainObject(value)) {
            const out = {};
            for (const k of Object.keys(value))
                setOwn(out, k, walk(value[k], childNodes(nodes, value, k)));
            return out;
        }
        return value;
    };
    return walk(config, [schema]);
}
//# sourceMappingURL=redact.js.map