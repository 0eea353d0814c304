/**
 * Turning TypeBox validation errors into one readable issue per problem: a JS-style key path
 * (`routes[2].circuitBreaker.failureThreshold`) and a short message (`must be >= 1`), with
 * "did you mean" for unknown keys and one message per union instead of one per branch.
 */
import { ValueErrorType } from '@sinclair/typebox/errors';
import { expand, isPlainObject, jsonTypeOf, nodeTypes, typeFits } from './schema-walk.js';
const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** `['routes', 2, 'circuitBreaker']` -> `routes[2].circuitBreaker`; `[]` -> `(root)`. */
export function formatPath(segments) {
    if (segments.length === 0)
        return '(root)';
    let out = '';
    for (const s of segments) {
        if (typeof s === 'number')
            out += `[${s}]`;
        else if (IDENT.test(s))
            out += out === '' ? s : `.${s}`;
        else
            out += `[${JSON.stringify(s)}]`;
    }
    return out;
}
/** Splits a JSON pointer and types each segment by the value it walks through (array index -> number). */
export function pointerToSegments(pointer, root) {
    if (pointer === '')
        return [];
    const raw = pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    const out = [];
    let cur = root;
    for (const s of raw) {
        if (Array.isArray(cur) && /^(0|[1-9]\d*)$/.test(s)) {
            out.push(Number(s));
            cur = cur[Number(s)];
        }
        else {
            out.push(s);
            cur = isPlainObject(cur) && Object.prototype.hasOwnProperty.call(cur, s) ? cur[s] : undefined;
        }
    }
    return out;
}
// ---------------------------------------------------------------------------------------------
// did you mean
/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a, b) {
    const m = a.length;
    const n = b.length;
    if (m === 0)
        return n;
    if (n === 0)
        return m;
    let prev2 = new Array(n + 1).fill(0);
    let prev = Array.from({ length: n + 1 }, (_, j) => j);
    let cur = new Array(n + 1).fill(0);
    for (let i = 1; i <= m; i++) {
        cur[0] = i;
        for (let j = 1; j <= n; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            let d = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                d = Math.min(d, prev2[j - 2] + 1);
            cur[j] = d;
        }
        [prev2, prev, cur] = [prev, cur, prev2];
    }
    return prev[n];
}
/** The candidate closest to `input` (case-insensitive edit distance), or undefined when none is reasonably close. */
export function didYouMean(input, candidates) {
    const lower = input.toLowerCase();
    const limit = lower.length <= 3 ? 1 : lower.length <= 6 ? 2 : 3;
    let best;
    let bestD = Infinity;
    let bestExact = Infinity;
    for (const c of candidates) {
        if (c === input)
            continue;
        const d = editDistance(lower, c.toLowerCase());
        if (d > limit || d >= c.length)
            continue;
        const exact = editDistance(input, c);
        if (d < bestD || (d === bestD && exact < bestExact)) {
            best = c;
            bestD = d;
            bestExact = exact;
        }
    }
    return best;
}
// ---------------------------------------------------------------------------------------------
// describing values and schemas
/** A short rendering of an offending value for messages (never used for secret nodes). */
export function showValue(value) {
    switch (jsonTypeOf(value)) {
        case 'string': {
            const s = value;
            return JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);
        }
        case 'array':
            return 'a list';
        case 'object':
            return 'an object';
        case 'undefined':
            return 'nothing';
        default:
            return String(value);
    }
}
function isSecret(node) {
    return node['x-secret'] === true;
}
function got(node, value) {
    return isSecret(node) ? '' : `, got ${showValue(value)}`;
}
function num(node, key) {
    const v = node[key];
    return typeof v === 'number' ? v : undefined;
}
function rangeText(node) {
    const min = num(node, 'minimum');
    const max = num(node, 'maximum');
    const xmin = num(node, 'exclusiveMinimum');
    const xmax = num(node, 'exclusiveMaximum');
    if (min !== undefined && max !== undefined)
        return ` from ${min} to ${max}`;
    const parts = [];
    if (min !== undefined)
        parts.push(`>= ${min}`);
    if (xmin !== undefined)
        parts.push(`> ${xmin}`);
    if (max !== undefined)
        parts.push(`<= ${max}`);
    if (xmax !== undefined)
        parts.push(`< ${xmax}`);
    return parts.length > 0 ? ` ${parts.join(' and ')}` : '';
}
const PLURAL = { string: 'strings', integer: 'integers', number: 'numbers', boolean: 'booleans', object: 'objects', array: 'lists' };
/** "an integer >= 1", "a non-empty string", "\"auto\"", "a list of strings", ... */
export function describeSchema(node) {
    const alts = expand([node]);
    if (alts.length !== 1 || alts[0] !== node)
        return joinAlternatives(alts.map(describeSchema));
    if ('const' in node)
        return JSON.stringify(node['const']);
    const enumValues = node['enum'];
    if (Array.isArray(enumValues))
        return `one of ${enumValues.map((v) => JSON.stringify(v)).join(', ')}`;
    const t = nodeTypes(node)[0];
    switch (t) {
        case 'integer':
            return `an integer${rangeText(node)}`;
        case 'number':
            return `a number${rangeText(node)}`;
        case 'string': {
            const min = num(node, 'minLength');
            if (min === 1)
                return 'a non-empty string';
            if (min !== undefined && min > 1)
                return `a string of at least ${min} characters`;
            return 'a string';
        }
        case 'boolean':
            return 'true or false';
        case 'null':
            return 'null';
        case 'array': {
            const items = isPlainObject(node['items']) ? nodeTypes(node['items'])[0] : undefined;
            const of = items !== undefined && PLURAL[items] !== undefined ? ` of ${PLURAL[items]}` : '';
            return `${num(node, 'minItems') === 1 ? 'a non-empty list' : 'a list'}${of}`;
        }
        case 'object':
            return 'an object';
        default:
            return 'a value';
    }
}
function joinAlternatives(parts) {
    const uniq = [...new Set(parts)];
    if (uniq.length <= 1)
        return uniq[0] ?? 'a value';
    return `${uniq.slice(0, -1).join(', ')} or ${uniq[uniq.length - 1]}`;
}
function typeWord(node) {
    const t = nodeTypes(node)[0];
    switch (t) {
        case 'integer':
            return 'an integer';
        case 'number':
            return 'a number';
        case 'string':
            return 'a string';
        case 'boolean':
            return 'true or false';
        case 'array':
            return 'a list';
        case 'object':
            return 'an object';
        case 'null':
            return 'null';
        default:
            return describeSchema(node);
    }
}
// ---------------------------------------------------------------------------------------------
// TypeBox errors -> issues
function messageFor(e) {
    const s = e.schema;
    switch (e.type) {
        case ValueErrorType.ObjectRequiredProperty:
            return 'is required';
        case ValueErrorType.Integer:
        case ValueErrorType.Number:
        case ValueErrorType.String:
        case ValueErrorType.Boolean:
        case ValueErrorType.Array:
        case ValueErrorType.Object:
        case ValueErrorType.Null:
            if (typeof e.value === 'number' && !Number.isFinite(e.value) && (e.type === ValueErrorType.Number || e.type === ValueErrorType.Integer))
                return `must be a finite number${got(s, e.value)}`;
            return `must be ${typeWord(s)}${got(s, e.value)}`;
        case ValueErrorType.IntegerMinimum:
        case ValueErrorType.NumberMinimum:
            return `must be >= ${num(s, 'minimum')}`;
        case ValueErrorType.IntegerExclusiveMinimum:
        case ValueErrorType.NumberExclusiveMinimum:
            return `must be > ${num(s, 'exclusiveMinimum')}`;
        case ValueErrorType.IntegerMaximum:
        case ValueErrorType.NumberMaximum:
            return `must be <= ${num(s, 'maximum')}`;
        case ValueErrorType.IntegerExclusiveMaximum:
        case ValueErrorType.NumberExclusiveMaximum:
            return `must be < ${num(s, 'exclusiveMaximum')}`;
        case ValueErrorType.IntegerMultipleOf:
        case ValueErrorType.NumberMultipleOf:
            return `must be a multiple of ${num(s, 'multipleOf')}`;
        case ValueErrorType.StringMinLength: {
            const min = num(s, 'minLength') ?? 0;
            return min <= 1 ? 'must not be empty' : `must be at least ${min} characters long`;
        }
        case ValueErrorType.StringMaxLength:
            return `must be at most ${num(s, 'maxLength')} characters long`;
        case ValueErrorType.StringPattern:
            return `must match the pattern ${String(s['pattern'])}`;
        case ValueErrorType.StringFormat:
            return `must be a valid ${String(s['format'])}`;
        case ValueErrorType.ArrayMinItems: {
            const min = num(s, 'minItems') ?? 0;
            return min <= 1 ? 'must not be empty' : `must have at least ${min} items`;
        }
        case ValueErrorType.ArrayMaxItems:
            return `must have at most ${num(s, 'maxItems')} items`;
        case ValueErrorType.ArrayUniqueItems:
            return 'must not contain duplicate items';
        case ValueErrorType.ObjectMinProperties:
            return `must have at least ${num(s, 'minProperties')} keys`;
        case ValueErrorType.ObjectMaxProperties:
            return `must have at most ${num(s, 'maxProperties')} keys`;
        case ValueErrorType.Literal:
            return `must be ${JSON.stringify(s['const'])}${got(s, e.value)}`;
        default: {
            const m = e.message;
            return m.length > 0 ? m[0].toLowerCase() + m.slice(1) : 'is invalid';
        }
    }
}
function unknownKeyMessage(e, key) {
    const props = e.schema['properties'];
    const known = isPlainObject(props) ? Object.keys(props) : [];
    const guess = didYouMean(key, known);
    return guess === undefined ? 'unknown key' : `unknown key (did you mean ${JSON.stringify(guess)}?)`;
}
function unionIssues(e, root, out) {
    const s = e.schema;
    const path = formatPath(pointerToSegments(e.path, root));
    const branches = Array.isArray(s['anyOf']) ? s['anyOf'] : [];
    const flat = expand([s]);
    // Enum-like: every alternative is a literal.
    if (flat.length > 0 && flat.every((n) => 'const' in n)) {
        out.push({ path, message: `must be one of: ${flat.map((n) => String(n['const'])).join(', ')}` });
        return;
    }
    // Exactly one structured branch fits the value's type: report that branch's own errors (deeper paths).
    const fits = [];
    branches.forEach((b, i) => {
        if (expand([b]).some((n) => typeFits(n, e.value) && !('const' in n)))
            fits.push(i);
    });
    if (fits.length === 1) {
        const b = branches[fits[0]];
        const jt = jsonTypeOf(e.value);
        const iter = e.errors[fits[0]];
        if ((jt === 'object' || jt === 'array') && iter !== undefined && !('anyOf' in b)) {
            const before = out.length;
            for (const sub of iter)
                convertError(sub, root, out);
            if (out.length > before)
                return;
        }
    }
    out.push({ path, message: `must be ${describeSchema(s)}${got(s, e.value)}` });
}
function convertError(e, root, out) {
    if (e.type === ValueErrorType.Union) {
        unionIssues(e, root, out);
        return;
    }
    const segments = pointerToSegments(e.path, root);
    if (e.type === ValueErrorType.ObjectAdditionalProperties) {
        const key = segments[segments.length - 1];
        out.push({ path: formatPath(segments), message: unknownKeyMessage(e, String(key ?? '')) });
        return;
    }
    out.push({ path: formatPath(segments), message: messageFor(e) });
}
/** Converts TypeBox errors for `root` into issues: one per key path (the first error at a path wins). */
export function issuesFromErrors(errors, root) {
    const all = [];
    for (const e of errors)
        convertError(e, root, all);
    const seen = new Set();
    const out = [];
    for (const i of all) {
        if (seen.has(i.path))
            continue;
        seen.add(i.path);
        out.push(i);
    }
    return out;
}
//# sourceMappingURL=issues.js.map