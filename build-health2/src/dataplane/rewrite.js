export function compileRewrite(route) {
    const rw = route.rewrite;
    if (route.stripPrefix === true) {
        return (path, matched) => ensureLeadingSlash(path.slice(trimTrailingSlash(matched).length));
    }
    if (rw === undefined)
        return null;
    if (rw.prefix !== undefined) {
        const prefix = trimTrailingSlash(rw.prefix);
        return (path, matched) => {
            const rest = path.slice(trimTrailingSlash(matched).length);
            const out = prefix + rest;
            return out === '' ? '/' : ensureLeadingSlash(out);
        };
    }
    if (rw.regex !== undefined) {
        const re = new RegExp(rw.regex);
        const replacement = rw.replacement ?? '';
        return (path) => ensureLeadingSlash(path.replace(re, replacement));
    }
    if (rw.path !== undefined) {
        // Split the template once into literal parts and parameter names.
        const parts = rw.path.split(/(:[A-Za-z_][A-Za-z0-9_]*)/);
        // The router hands out percent-decoded parameters, but a rewrite must not decode: `a%2Fb`
        // would become two segments, `x%20y` an invalid request line. So each parameter is cut from
        // the raw request path at its segment position, found once here from the route's path.
        const positions = paramSegments(route);
        const segments = parts.map((part, i) => (i % 2 === 1 ? (positions.get(part.slice(1)) ?? -1) : -1));
        return (path, _matched, params) => {
            let out = '';
            for (let i = 0; i < parts.length; i++) {
                const part = parts[i];
                if (i % 2 === 0)
                    out += part;
                else if (segments[i] >= 0)
                    out += segmentAt(path, segments[i]);
                else
                    out += params?.[part.slice(1)] ?? '';
            }
            return ensureLeadingSlash(out);
        };
    }
    return null;
}
/** `:name` -> segment index (0 = the first segment after the leading '/') in the route's path. */
function paramSegments(route) {
    const out = new Map();
    if (route.pathType === 'RegularExpression')
        return out;
    const segs = route.path.slice(1).split('/');
    for (let i = 0; i < segs.length; i++)
        if (segs[i].startsWith(':'))
            out.set(segs[i].slice(1), i);
    return out;
}
/** Segment `n` of a raw path, exactly as received ('' when the path is shorter). */
function segmentAt(path, n) {
    let start = 1;
    for (let seg = 0; seg < n; seg++) {
        const slash = path.indexOf('/', start);
        if (slash < 0)
            return '';
        start = slash + 1;
    }
    const end = path.indexOf('/', start);
    return end < 0 ? path.slice(start) : path.slice(start, end);
}
function trimTrailingSlash(p) {
    return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p === '/' ? '' : p;
}
function ensureLeadingSlash(p) {
    return p.startsWith('/') ? p : '/' + p;
}
//# sourceMappingURL=rewrite.js.map