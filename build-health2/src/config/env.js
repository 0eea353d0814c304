/**
 * `${VAR}` / `${VAR:-default}` substitution in string values of an already-parsed config, so an
 * environment value can never inject YAML structure. `$${` escapes to a literal `${`.
 *
 * Types: a string that received at least one substitution is converted when the schema at
 * that position cannot take it as a string but takes a number/integer (numeric text) or a
 * boolean (`true`/`false`). So `port: ${PORT}` with PORT=8080 becomes 8080, while
 * `workers: ${WORKERS}` keeps `auto` and turns `4` into 4. Strings written literally in the
 * file are never converted (`port: "8080"` stays an error).
 */
import { childNodes, expand, isPlainObject, setOwn } from './schema-walk.js';
import { formatPath } from './issues.js';
// `$${` (escape), or `${...}` up to the first `}` (group 2 is undefined when it never closes).
const REF = /\$\$\{|\$\{([^}]*)(\})?/g;
const INNER = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([^]*))?$/;
const NUMERIC = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
/** Substitutes one string. Pushes issues (with the given path) for missing or malformed references. */
export function substituteString(input, env, path, issues) {
    if (!input.includes('${'))
        return { value: input, substituted: false };
    let substituted = false;
    const value = input.replace(REF, (match, inner, close) => {
        if (match === '$${')
            return '${';
        if (close === undefined) {
            issues.push({ path: formatPath(path), message: `unterminated "\${" (write "$\${" for a literal "\${")` });
            return match;
        }
        const m = INNER.exec(inner ?? '');
        if (m === null) {
            issues.push({
                path: formatPath(path),
                message: `invalid reference "${match}": use \${NAME} or \${NAME:-default} (NAME: letters, digits, _), or "$\${" for a literal "\${"`,
            });
            return match;
        }
        const name = m[1];
        const dflt = m[2];
        const v = Object.prototype.hasOwnProperty.call(env, name) ? env[name] : undefined;
        substituted = true;
        if (dflt !== undefined)
            return v === undefined || v === '' ? dflt : v;
        if (v === undefined) {
            issues.push({ path: formatPath(path), message: `environment variable ${name} is not set (use \${${name}:-default} to give a default)` });
            return '';
        }
        return v;
    });
    return { value, substituted };
}
/** Converts a substituted string to the number/boolean the schema expects there, when it cannot be a string. */
export function coerceSubstituted(value, nodes) {
    const all = expand(nodes);
    if (all.length === 0)
        return value;
    let wantsNumber = false;
    let wantsBoolean = false;
    for (const n of all) {
        if ('const' in n) {
            if (n['const'] === value)
                return value;
            if (typeof n['const'] === 'number' && NUMERIC.test(value) && Number(value) === n['const'])
                wantsNumber = true;
            if (typeof n['const'] === 'boolean')
                wantsBoolean = true;
            continue;
        }
        const t = n['type'];
        const types = typeof t === 'string' ? [t] : Array.isArray(t) ? t : [];
        if (types.length === 0 || types.includes('string'))
            return value; // a string is acceptable here
        if (types.includes('number') || types.includes('integer'))
            wantsNumber = true;
        if (types.includes('boolean'))
            wantsBoolean = true;
    }
    const trimmed = value.trim();
    if (wantsNumber && NUMERIC.test(trimmed))
        return Number(trimmed);
    if (wantsBoolean && (trimmed === 'true' || trimmed === 'false'))
        return trimmed === 'true';
    return value;
}
/**
 * Returns a copy of `value` with every string substituted (keys are left alone), plus the
 * issues found. `schema` guides the number/boolean conversion; pass `undefined` to skip it.
 */
export function substituteValue(value, env, schema) {
    const issues = [];
    const path = [];
    const walk = (v, nodes) => {
        if (typeof v === 'string') {
            const r = substituteString(v, env, path, issues);
            return r.substituted ? coerceSubstituted(r.value, nodes) : r.value;
        }
        if (Array.isArray(v)) {
            const out = new Array(v.length);
            for (let i = 0; i < v.length; i++) {
                path.push(i);
                out[i] = walk(v[i], childNodes(nodes, v, i));
                path.pop();
            }
            return out;
        }
        if (isPlainObject(v)) {
            const out = {};
            for (const k of Object.keys(v)) {
                path.push(k);
                setOwn(out, k, walk(v[k], childNodes(nodes, v, k)));
                path.pop();
            }
            return out;
        }
        return v;
    };
    const out = walk(value, schema === undefined ? [] : [schema]);
    return { value: out, issues };
}
//# sourceMappingURL=env.js.map