import { RouterBuildError, regexProblem } from './errors.js';
export const MATCH_PRESENT = 0;
export const MATCH_EXACT = 1;
export const MATCH_REGEX = 2;
const utf8 = new TextEncoder();
/** One header or query condition. Header names are stored lower-case. */
export class ValueCondition {
    name;
    kind;
    value;
    regex;
    /** UTF-8 bytes of `name` and `value`, to compare percent-encoded query text without decoding it. */
    nameBytes;
    valueBytes;
    constructor(name, kind, value, regex) {
        this.name = name;
        this.kind = kind;
        this.value = value;
        this.regex = regex;
        this.nameBytes = utf8.encode(name);
        this.valueBytes = utf8.encode(value);
    }
}
/** Anchors a config regular expression to the whole input; throws RouterBuildError when it does not compile. */
export function compileAnchored(source, routeIndex, routeName, keyPath) {
    try {
        return new RegExp(`^(?:${source})$`);
    }
    catch (err) {
        throw new RouterBuildError(routeIndex, routeName, keyPath, regexProblem(err));
    }
}
/**
 * Compiles `headers` or `query` conditions. As in the Gateway API, only the first entry for a name
 * counts (header names compared case-insensitively). Returns null when there are none.
 */
export function compileValueConditions(list, header, routeIndex, routeName) {
    if (list === undefined || list.length === 0)
        return null;
    const field = header ? 'headers' : 'query';
    const out = [];
    const seen = new Set();
    list.forEach((m, j) => {
        const at = `routes[${routeIndex}].${field}[${j}]`;
        const name = header ? m.name.toLowerCase() : m.name;
        if (name === '')
            throw new RouterBuildError(routeIndex, routeName, `${at}.name`, 'must not be empty');
        if (seen.has(name))
            return;
        seen.add(name);
        const type = m.type ?? (m.value === undefined ? 'Present' : 'Exact');
        if (type === 'Present') {
            if (m.value !== undefined) {
                throw new RouterBuildError(routeIndex, routeName, `${at}.value`, 'is not used with type Present (remove it, or set type Exact or RegularExpression)');
            }
            out.push(new ValueCondition(name, MATCH_PRESENT, '', null));
            return;
        }
        if (m.value === undefined)
            throw new RouterBuildError(routeIndex, routeName, `${at}.value`, `is required with type ${type}`);
        if (type === 'Exact')
            out.push(new ValueCondition(name, MATCH_EXACT, m.value, null));
        else
            out.push(new ValueCondition(name, MATCH_REGEX, m.value, compileAnchored(m.value, routeIndex, routeName, `${at}.value`)));
    });
    return out;
}
/** Upper-cased, de-duplicated methods, or null for any method. */
export function compileMethods(method) {
    if (method === undefined)
        return null;
    const list = typeof method === 'string' ? [method] : method;
    const out = [];
    for (const m of list) {
        const u = m.toUpperCase();
        if (!out.includes(u))
            out.push(u);
    }
    return out.length === 0 ? null : out;
}
/** Parses the route's hosts, lower-cased and de-duplicated; null for any host. */
export function compileHosts(host, routeIndex, routeName) {
    if (host === undefined)
        return null;
    const list = typeof host === 'string' ? [host] : host;
    const out = [];
    list.forEach((h, j) => {
        const at = typeof host === 'string' ? `routes[${routeIndex}].host` : `routes[${routeIndex}].host[${j}]`;
        const lower = h.toLowerCase();
        let entry;
        if (lower.startsWith('*.')) {
            const suffix = lower.slice(1);
            if (suffix.length < 2 || suffix.includes('*'))
                throw new RouterBuildError(routeIndex, routeName, at, `invalid wildcard host ${JSON.stringify(h)}`);
            entry = { config: lower, wildcard: true, match: suffix };
        }
        else {
            if (lower === '' || lower.includes('*')) {
                throw new RouterBuildError(routeIndex, routeName, at, `invalid host ${JSON.stringify(h)}: use an exact name or a leading "*." wildcard (omit host to match any host)`);
            }
            entry = { config: lower, wildcard: false, match: lower };
        }
        if (!out.some((e) => e.config === entry.config))
            out.push(entry);
    });
    return out.length === 0 ? null : out;
}
// ---------------------------------------------------------------------------------------------
// Runtime (hot path, change with care).
export function methodAllowed(methods, method) {
    for (let i = 0; i < methods.length; i++)
        if (methods[i] === method)
            return true;
    return false;
}
/**
 * `hosts`: exact names, or wildcard suffixes ('.example.com') when `wildcard`. A wildcard needs at
 * least one label before the suffix: `*.example.com` matches `a.example.com`, `a.b.example.com`,
 * not `example.com`.
 */
export function hostAllowed(hosts, wildcard, host) {
    if (wildcard) {
        for (let i = 0; i < hosts.length; i++) {
            const s = hosts[i];
            if (host.length > s.length && host.endsWith(s))
                return true;
        }
        return false;
    }
    for (let i = 0; i < hosts.length; i++)
        if (hosts[i] === host)
            return true;
    return false;
}
/** `raw` (any case) equals `lower` (already lower-case), ASCII case-insensitively. */
function equalsLowerAscii(raw, lower) {
    const n = raw.length;
    if (n !== lower.length)
        return false;
    for (let i = 0; i < n; i++) {
        let c = raw.charCodeAt(i);
        if (c >= 65 && c <= 90)
            c += 32;
        if (c !== lower.charCodeAt(i))
            return false;
    }
    return true;
}
/** All conditions hold. A repeated header is judged by its first occurrence. */
export function headersMatch(conds, raw) {
    const n = raw.length - 1;
    for (let c = 0; c < conds.length; c++) {
        const cond = conds[c];
        const name = cond.name;
        let value = null;
        for (let i = 0; i < n; i += 2) {
            const h = raw[i];
            if (h === name || equalsLowerAscii(h, name)) {
                value = raw[i + 1];
                break;
            }
        }
        if (value === null)
            return false;
        if (cond.kind === MATCH_EXACT) {
            if (value !== cond.value)
                return false;
        }
        else if (cond.kind === MATCH_REGEX) {
            if (!cond.regex.test(value))
                return false;
        }
    }
    return true;
}
/** decodeURIComponent, or null for a malformed escape. ('+' is not turned into a space.) */
export function safeDecode(s) {
    try {
        return decodeURIComponent(s);
    }
    catch {
        return null;
    }
}
/** Hex digit values by char code, -1 for others. */
const HEX = new Int8Array(128).fill(-1);
for (let i = 0; i < 10; i++)
    HEX[48 + i] = i;
for (let i = 0; i < 6; i++) {
    HEX[65 + i] = 10 + i;
    HEX[97 + i] = 10 + i;
}
function hexAt(s, i) {
    const c = s.charCodeAt(i);
    return c < 128 ? HEX[c] : -1;
}
const DECODED_EQUAL = 1;
const DECODED_DIFFERENT = 0;
const DECODED_UNKNOWN = -1;
/**
 * Whether s[from, to), percent-decoded, equals the text whose UTF-8 bytes are `target`, without
 * decoding (no allocation, no exception: a long query of malformed escapes costs no more than
 * any other). A malformed escape is DECODED_DIFFERENT, as decodeURIComponent would throw;
 * DECODED_UNKNOWN when the text holds a raw non-ASCII character (the caller decodes).
 */
function decodedEquals(s, from, to, target) {
    const n = target.length;
    let j = 0;
    let i = from;
    while (i < to) {
        let c = s.charCodeAt(i);
        if (c === 37 /* % */) {
            const hi = i + 2 < to ? hexAt(s, i + 1) : -1;
            const lo = hi < 0 ? -1 : hexAt(s, i + 2);
            if (lo < 0)
                return DECODED_DIFFERENT;
            c = (hi << 4) | lo;
            i += 3;
        }
        else if (c > 127) {
            return DECODED_UNKNOWN;
        }
        else {
            i++;
        }
        if (j === n || c !== target[j])
            return DECODED_DIFFERENT;
        j++;
    }
    return j === n ? DECODED_EQUAL : DECODED_DIFFERENT;
}
/**
 * Start of the value of the first parameter named like `cond` in the raw query string, or -1.
 * Keys are compared percent-decoded and case-sensitively. For a key without '=', the value is ''
 * and the start is the end of the key. Linear in the query length: the next '=' and '%' are
 * remembered across pairs (a fresh indexOf per pair would make `a&a&a...&b=1` quadratic).
 */
function queryValueStart(q, cond) {
    const name = cond.name;
    const len = q.length;
    let pos = 0;
    let nextEq = -2; // position of the next '=' at or after pos; -1: none left; -2: not searched yet
    let nextPct = -2;
    while (pos < len) {
        let amp = q.indexOf('&', pos);
        if (amp === -1)
            amp = len;
        if (nextEq !== -1 && nextEq < pos)
            nextEq = q.indexOf('=', pos);
        const eq = nextEq !== -1 && nextEq < amp ? nextEq : amp;
        if (nextPct !== -1 && nextPct < pos)
            nextPct = q.indexOf('%', pos);
        let same = nextPct !== -1 && nextPct < eq ? decodedEquals(q, pos, eq, cond.nameBytes) : DECODED_UNKNOWN;
        if (same === DECODED_UNKNOWN)
            same = eq - pos === name.length && q.startsWith(name, pos) ? DECODED_EQUAL : DECODED_DIFFERENT;
        if (same === DECODED_EQUAL)
            return eq < amp ? eq + 1 : eq;
        pos = amp + 1;
    }
    return -1;
}
/**
 * All conditions hold. A repeated parameter is judged by its first occurrence. Values are compared
 * percent-decoded ('+' stays '+'); a malformed escape does not match.
 */
export function queryMatch(conds, q) {
    for (let c = 0; c < conds.length; c++) {
        const cond = conds[c];
        const start = queryValueStart(q, cond);
        if (start === -1)
            return false;
        if (cond.kind === MATCH_PRESENT)
            continue;
        let end = q.indexOf('&', start);
        if (end === -1)
            end = q.length;
        const pct = q.indexOf('%', start);
        const escaped = pct !== -1 && pct < end;
        if (cond.kind === MATCH_EXACT) {
            if (!escaped) {
                if (end - start !== cond.value.length || !q.startsWith(cond.value, start))
                    return false;
                continue;
            }
            const same = decodedEquals(q, start, end, cond.valueBytes);
            if (same === DECODED_EQUAL)
                continue;
            if (same === DECODED_DIFFERENT || safeDecode(q.slice(start, end)) !== cond.value)
                return false;
            continue;
        }
        const raw = q.slice(start, end);
        const value = escaped ? safeDecode(raw) : raw;
        if (value === null || !cond.regex.test(value))
            return false;
    }
    return true;
}
//# sourceMappingURL=conditions.js.map