/**
 * Path patterns for Exact and PathPrefix routes: parsing the config path, the set relations the
 * builder needs to precompute per-node candidate lists, and the runtime segment check.
 *
 * A path is seen as its segments: `path.slice(1).split('/')`, so `/` is [''], `/api` is ['api'],
 * `/api/` is ['api', ''] and `//x` is ['', 'x']. Matching is literal and case-sensitive on the raw
 * request path: nothing is decoded, `%2F` is not a separator, `//` is an empty segment.
 *
 * A pattern token is a literal segment (a string) or PARAM (null): `:name`, one non-empty segment.
 *
 * A *node* is what the builder registers in find-my-way: `segs` and `open`.
 *   closed: paths with exactly segs.length segments  (find-my-way `/a/:p0`)
 *   open:   paths with more than segs.length segments (find-my-way `/a/:p0/*`; `/*` for [])
 * An Exact route is one closed node; a PathPrefix route is its closed node plus its open node
 * (the prefix `/` is the open node [] alone).
 *
 * Each node exists twice: `tree` tokens, what find-my-way sees, and `true` tokens, the route's own.
 * They differ in two ways. find-my-way's parameters also match an empty segment; ours do not.
 * A literal that find-my-way cannot hold (one containing `*`) is registered as a parameter
 * ("widened") and checked literally at match time.
 */
import { RouterBuildError } from './errors.js';
export const PARAM = null;
const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/**
 * Parses the path of an Exact or PathPrefix route. Throws RouterBuildError for what cannot match
 * as written: no leading '/', '?' or '#', a bare '*' segment, a malformed or repeated `:param`.
 */
export function parsePath(path, prefix, routeIndex, routeName) {
    const at = `routes[${routeIndex}].path`;
    const fail = (problem) => {
        throw new RouterBuildError(routeIndex, routeName, at, problem);
    };
    if (path.charCodeAt(0) !== 47)
        fail(`must start with "/" (pathType ${prefix ? 'PathPrefix' : 'Exact'})`);
    if (path.includes('?') || path.includes('#'))
        fail('must not contain "?" or "#" (match the query string with `query`)');
    let normalized = path;
    // PathPrefix: a trailing slash is ignored; the prefix '/' becomes '' (it matches every path).
    if (prefix && normalized.charCodeAt(normalized.length - 1) === 47)
        normalized = normalized.slice(0, -1);
    const parts = normalized === '' ? [] : normalized.slice(1).split('/');
    const segs = [];
    const treeSegs = [];
    const paramNames = [];
    const paramPositions = [];
    let score = normalized.length;
    for (let i = 0; i < parts.length; i++) {
        const part = parts[i];
        if (part.charCodeAt(0) === 58 /* : */) {
            const name = part.slice(1);
            if (!PARAM_NAME.test(name) || name === '__proto__') {
                fail(`invalid path parameter ${JSON.stringify(part)}: a parameter is a whole segment ":name" (letters, digits, "_")`);
            }
            if (paramNames.includes(name))
                fail(`path parameter ":${name}" appears twice`);
            paramNames.push(name);
            paramPositions.push(i);
            segs.push(PARAM);
            treeSegs.push(PARAM);
            score -= part.length;
        }
        else if (part === '*') {
            fail(prefix
                ? '"*" is not a wildcard here: a PathPrefix route already matches everything below its prefix (drop the "/*")'
                : '"*" is not a wildcard: use pathType PathPrefix or RegularExpression');
        }
        else {
            segs.push(part);
            // find-my-way reads '*' anywhere as a wildcard and cannot escape it: register such a literal
            // as a parameter and check it at match time.
            if (part.includes('*')) {
                treeSegs.push(PARAM);
            }
            else {
                treeSegs.push(part);
            }
        }
    }
    return { segs, treeSegs, paramNames, paramPositions, normalized, score };
}
/** The find-my-way pattern of a node: parameters are named p0, p1...; ':' in a literal is escaped as '::'. */
export function treePattern(treeSegs, open) {
    let out = '';
    for (let i = 0; i < treeSegs.length; i++) {
        const t = treeSegs[i];
        out += t === PARAM ? `/:p${i}` : `/${t.replaceAll(':', '::')}`;
    }
    return open ? `${out}/*` : out;
}
// ---------------------------------------------------------------------------------------------
// Set relations, used at build time only. `a` is a tree node (find-my-way semantics: a parameter
// matches any segment, even ''); `b` is a route's own node (a parameter is non-empty).
function tokenMeets(a, b) {
    if (a === PARAM)
        return true;
    if (b === PARAM)
        return a !== '';
    return a === b;
}
function tokenWithin(a, b, assumeNonEmpty) {
    if (b === PARAM)
        return a === PARAM ? assumeNonEmpty : a !== '';
    return a === b;
}
/** Some path is in both `a` (tree semantics) and `b` (route semantics). */
export function nodesMeet(a, aOpen, b, bOpen) {
    const m = a.length;
    const n = b.length;
    if (!aOpen && !bOpen && m !== n)
        return false;
    if (!aOpen && bOpen && m <= n)
        return false;
    if (aOpen && !bOpen && n <= m)
        return false;
    const k = m < n ? m : n;
    for (let i = 0; i < k; i++)
        if (!tokenMeets(a[i], b[i]))
            return false;
    return true;
}
/**
 * Every path of `a` (tree semantics) is in `b` (route semantics). With `assumeNonEmpty`, only the
 * paths of `a` whose parameters are non-empty are considered.
 */
export function nodeWithin(a, aOpen, b, bOpen, assumeNonEmpty) {
    const m = a.length;
    const n = b.length;
    if (!bOpen) {
        if (aOpen || m !== n)
            return false;
    }
    else if (aOpen ? m < n : m <= n) {
        return false;
    }
    for (let i = 0; i < n; i++)
        if (!tokenWithin(a[i], b[i], assumeNonEmpty))
            return false;
    return true;
}
/** What a node has at segment position i, in find-my-way's lookup order (see the builder). */
export const R_LITERAL = 0;
export const R_PARAM = 1;
export const R_WILDCARD = 2;
export const R_END = 3;
export function rankAt(segs, open, i) {
    if (i < segs.length)
        return segs[i] === PARAM ? R_PARAM : R_LITERAL;
    return open ? R_WILDCARD : R_END;
}
// ---------------------------------------------------------------------------------------------
// Runtime (hot path, change with care).
/**
 * Whether the raw `path` matches `segs`: exactly (`prefix` false) or as a prefix of whole segments.
 * No allocation. `path` starts with '/'.
 */
export function segmentsMatch(path, segs, prefix) {
    const len = path.length;
    let pos = 1;
    for (let i = 0; i < segs.length; i++) {
        if (pos > len)
            return false; // the path has fewer segments
        let end = path.indexOf('/', pos);
        if (end === -1)
            end = len;
        const t = segs[i];
        if (t === PARAM) {
            if (end === pos)
                return false;
        }
        else if (end - pos !== t.length || !path.startsWith(t, pos)) {
            return false;
        }
        pos = end + 1;
    }
    return prefix || pos === len + 1;
}
/** Whether some segment of `path` is empty ('/', '//' inside, or a trailing '/'). */
export function hasEmptySegment(path) {
    return path.charCodeAt(path.length - 1) === 47 || path.indexOf('//') !== -1;
}
//# sourceMappingURL=path.js.map