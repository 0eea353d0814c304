/**
 * Walking a JSON/TypeBox schema alongside a value: shared by ${ENV} substitution (which needs
 * to know what type a key expects) and secret redaction (which needs to know which keys carry
 * `'x-secret': true`). Config-load time only; nothing here runs per request.
 *
 * A position in the value is described by a list of candidate schema nodes, because a union
 * may offer several branches that could apply (we keep every branch that fits the value's
 * JSON type and, for objects, prefer branches that declare the property).
 */
/** The JSON type of a value: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'undefined' | ... */
export function jsonTypeOf(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'array';
    return typeof value;
}
export function isPlainObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** Sets an own enumerable property, even for the key `__proto__` (plain assignment would change the prototype). */
export function setOwn(target, key, value) {
    if (key === '__proto__')
        Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
    else
        target[key] = value;
}
function asNode(value) {
    return isPlainObject(value) ? value : undefined;
}
function asNodes(value) {
    if (!Array.isArray(value))
        return [];
    const out = [];
    for (const v of value) {
        const n = asNode(v);
        if (n !== undefined)
            out.push(n);
    }
    return out;
}
/** Flattens unions (anyOf / oneOf) and intersections (allOf) into the nodes that describe concrete shapes. */
export function expand(nodes) {
    const out = [];
    const visit = (n, depth) => {
        if (depth > 32)
            return;
        const alts = [...asNodes(n['anyOf']), ...asNodes(n['oneOf']), ...asNodes(n['allOf'])];
        if (alts.length === 0) {
            out.push(n);
            return;
        }
        for (const a of alts)
            visit(a, depth + 1);
    };
    for (const n of nodes)
        visit(n, 0);
    return out;
}
/** The JSON types a (non-union) node accepts; empty when it does not say (accepts anything). */
export function nodeTypes(node) {
    const t = node['type'];
    if (typeof t === 'string')
        return [t];
    if (Array.isArray(t))
        return t.filter((x) => typeof x === 'string');
    if ('const' in node)
        return [jsonTypeOf(node['const'])];
    if (isPlainObject(node['properties']) || isPlainObject(node['patternProperties']))
        return ['object'];
    if ('items' in node || 'prefixItems' in node)
        return ['array'];
    return [];
}
/** Whether a (non-union) node could describe a value of this JSON type. */
export function typeFits(node, value) {
    const types = nodeTypes(node);
    if (types.length === 0)
        return true;
    const jt = jsonTypeOf(value);
    if (jt === 'number')
        return types.includes('number') || (types.includes('integer') && Number.isInteger(value));
    return types.includes(jt);
}
/** The expanded candidates that fit the value's type; all expanded candidates when none fits. */
export function fitting(nodes, value) {
    const all = expand(nodes);
    const fit = all.filter((n) => typeFits(n, value));
    return fit.length > 0 ? fit : all;
}
const patternCache = new Map();
function patternMatches(pattern, key) {
    let re = patternCache.get(pattern);
    if (re === undefined) {
        try {
            re = new RegExp(pattern, 'u');
        }
        catch {
            re = null;
        }
        patternCache.set(pattern, re);
    }
    return re !== null && re.test(key);
}
/**
 * Candidate schema nodes for `container[key]`, given the candidates for the container.
 * Objects: branches that declare the property win; otherwise patternProperties, then an
 * additionalProperties schema (records). Arrays: `items` (or tuple `prefixItems`/`items[]`).
 */
export function childNodes(nodes, container, key) {
    const parents = fitting(nodes, container);
    if (Array.isArray(container)) {
        const out = [];
        const i = typeof key === 'number' ? key : Number(key);
        for (const p of parents) {
            const prefix = asNodes(p['prefixItems']);
            const items = p['items'];
            if (i < prefix.length)
                out.push(prefix[i]);
            else if (Array.isArray(items)) {
                const tuple = asNodes(items);
                if (i < tuple.length)
                    out.push(tuple[i]);
            }
            else {
                const n = asNode(items);
                if (n !== undefined)
                    out.push(n);
            }
        }
        return out;
    }
    if (!isPlainObject(container))
        return [];
    const k = String(key);
    const declared = [];
    const other = [];
    for (const p of parents) {
        const props = asNode(p['properties']);
        if (props !== undefined && Object.prototype.hasOwnProperty.call(props, k)) {
            const n = asNode(props[k]);
            if (n !== undefined)
                declared.push(n);
            continue;
        }
        let matched = false;
        const pats = asNode(p['patternProperties']);
        if (pats !== undefined) {
            for (const pattern of Object.keys(pats)) {
                if (!patternMatches(pattern, k))
                    continue;
                const n = asNode(pats[pattern]);
                if (n !== undefined) {
                    other.push(n);
                    matched = true;
                }
            }
        }
        if (!matched) {
            const ap = asNode(p['additionalProperties']);
            if (ap !== undefined)
                other.push(ap);
        }
    }
    return declared.length > 0 ? declared : other;
}
//# sourceMappingURL=schema-walk.js.map