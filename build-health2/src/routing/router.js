/**
 * The router: built once per config version from the validated routes, immutable afterwards (it
 * has no method to add a route).
 *
 * Precedence (Kubernetes Gateway API HTTPRoute order), one static total order over all routes:
 *   1. path type: Exact, then PathPrefix, then RegularExpression;
 *   2. Exact and PathPrefix: the longer path first, counted in characters of the config path
 *      (PathPrefix without its trailing slash) where a `:param` segment counts 0 characters after
 *      its '/', so `/users/me` (9) beats `/users/:id` (7) which beats `/users` (6); on equal
 *      length, fewer parameters first;
 *   3. a route with a method condition first;
 *   4. more header conditions first;
 *   5. more query conditions first;
 *   6. host: an exact host first, then wildcards, longer suffix first, then no host;
 *   7. file order (RouterEntry.index).
 * The winner is the first route in that order whose path, method, host, headers and query all
 * match; so when the most specific path fails on another condition, a less specific route that
 * matches still wins. A route listing hosts of different kinds (exact, wildcards of different
 * lengths) takes one place in the order per kind, so the host the request actually matched ranks it.
 *
 * How lookup stays cheap: every Exact/PathPrefix route is registered in find-my-way as one or two
 * nodes (a PathPrefix `/api` is `/api` and `/api/*`). find-my-way returns a single node: the first
 * that matches in its depth-first order (static, then parameter, then wildcard, with
 * backtracking). For each node the builder precomputes, in precedence order, every route that
 * can match a path landing on that node: routes sharing a path with the node whose own nodes do
 * not come earlier in find-my-way's order (a path matching one of those would have landed there).
 * A route whose path provably covers the node needs no path check at match time; the others
 * (parameters, which find-my-way lets match an empty segment, overlaps such as `/a/:x/c` vs
 * `/a/b/*`, literals find-my-way cannot hold) carry a flag and are checked on the raw path.
 * RegularExpression routes follow, tested with their anchored regex.
 */
import FindMyWay from 'find-my-way';
import { compileAnchored, compileHosts, compileMethods, compileValueConditions, headersMatch, hostAllowed, methodAllowed, queryMatch, safeDecode, } from './conditions.js';
import { PARAM, R_END, R_LITERAL, R_PARAM, R_WILDCARD, nodesMeet, nodeWithin, parsePath, rankAt, hasEmptySegment, segmentsMatch, treePattern, } from './path.js';
import { RouterBuildError } from './errors.js';
const KIND_EXACT = 0;
const KIND_PREFIX = 1;
const KIND_REGEX = 2;
/** Host rank of an exact host: above any wildcard suffix length. */
const HOST_EXACT = Number.MAX_SAFE_INTEGER;
const HOST_NONE = -1;
/** One route, compiled. Every field is set in the constructor (one object shape). */
class CompiledRoute {
    value;
    index;
    name;
    pathType;
    kind;
    path;
    /** Exact/PathPrefix: the route's own tokens; null for RegularExpression. */
    segs;
    /** find-my-way tokens (widened literals are parameters); null for RegularExpression. */
    treeSegs;
    regex;
    paramNames;
    paramPositions;
    /** PathPrefix without parameters: length of the matched prefix (0 for `/`); otherwise -1. */
    prefixLength;
    score;
    paramCount;
    methods;
    headers;
    query;
    headerCount;
    queryCount;
    backendService;
    constructor(entry) {
        const config = entry.config;
        const index = entry.index;
        const name = config.name ?? `route-${index}`;
        this.value = entry.value;
        this.index = index;
        this.name = name;
        this.pathType = config.pathType ?? 'PathPrefix';
        this.kind = this.pathType === 'Exact' ? KIND_EXACT : this.pathType === 'PathPrefix' ? KIND_PREFIX : KIND_REGEX;
        this.path = config.path;
        if (this.kind === KIND_REGEX) {
            this.segs = null;
            this.treeSegs = null;
            this.regex = compileAnchored(config.path, index, name, `routes[${index}].path`);
            this.paramNames = null;
            this.paramPositions = [];
            this.prefixLength = -1;
            this.score = 0;
            this.paramCount = 0;
        }
        else {
            const parsed = parsePath(config.path, this.kind === KIND_PREFIX, index, name);
            this.segs = parsed.segs;
            this.treeSegs = parsed.treeSegs;
            this.regex = null;
            this.paramNames = parsed.paramNames.length === 0 ? null : parsed.paramNames;
            this.paramPositions = parsed.paramPositions;
            this.prefixLength = this.kind === KIND_PREFIX && parsed.paramNames.length === 0 ? parsed.normalized.length : -1;
            this.score = parsed.score;
            this.paramCount = parsed.paramNames.length;
        }
        this.methods = compileMethods(config.method);
        this.headers = compileValueConditions(config.headers, true, index, name);
        this.query = compileValueConditions(config.query, false, index, name);
        this.headerCount = this.headers === null ? 0 : this.headers.length;
        this.queryCount = this.query === null ? 0 : this.query.length;
        this.backendService = config.backendService;
    }
    /** The raw path matches this route's path (hot path, change with care). */
    pathMatches(path) {
        if (this.regex !== null)
            return this.regex.test(path);
        return segmentsMatch(path, this.segs, this.kind === KIND_PREFIX);
    }
    /** The match result for `path`, which matched this route (hot path, change with care). */
    result(path) {
        const len = path.length;
        const names = this.paramNames;
        if (names === null) {
            // PathPrefix without parameters knows its matched length; other kinds match the whole path.
            const end = this.prefixLength;
            return new Match(this.value, null, end < 0 || end === len ? path : path.slice(0, end));
        }
        // One walk over the route's segments: capture the parameters, find where the last one ends.
        const params = {};
        const positions = this.paramPositions;
        const count = this.segs.length;
        let p = 0;
        let start = 1;
        let end = 0;
        for (let seg = 0; seg < count; seg++) {
            end = path.indexOf('/', start);
            if (end === -1)
                end = len;
            if (seg === positions[p]) {
                const raw = path.slice(start, end);
                // Parameters are percent-decoded (a malformed escape is kept as received); the path is not.
                params[names[p]] = raw.indexOf('%') === -1 ? raw : (safeDecode(raw) ?? raw);
                p++;
            }
            start = end + 1;
        }
        return new Match(this.value, params, this.kind !== KIND_PREFIX || end === len ? path : path.slice(0, end));
    }
}
class Match {
    value;
    params;
    matchedPath;
    constructor(value, params, matchedPath) {
        this.value = value;
        this.params = params;
        this.matchedPath = matchedPath;
    }
}
/** A route at one place in the precedence order: the route with one class of its hosts. */
class Candidate {
    route;
    /** Exact names, or wildcard suffixes ('.example.com'); null for any host. */
    hosts;
    hostWildcard;
    /** HOST_EXACT, the wildcard suffix length, or HOST_NONE. */
    hostRank;
    /** The hosts as configured (for the table). */
    hostConfigs;
    seq;
    constructor(route, hosts, seq) {
        this.route = route;
        this.seq = seq;
        if (hosts === null) {
            this.hosts = null;
            this.hostWildcard = false;
            this.hostRank = HOST_NONE;
            this.hostConfigs = null;
        }
        else {
            this.hosts = hosts.map((h) => h.match);
            this.hostWildcard = hosts[0].wildcard;
            this.hostRank = this.hostWildcard ? hosts[0].match.length : HOST_EXACT;
            this.hostConfigs = hosts.map((h) => h.config);
        }
    }
}
/** The route's path covers every path that lands on the node: no check at match time. */
const VERIFY_NONE = 0;
/** It covers those whose parameters are non-empty: check the path only when it has an empty segment. */
const VERIFY_IF_EMPTY = 1;
/** Check the path. */
const VERIFY_ALWAYS = 2;
/** One entry of a node's candidate list. */
class Slot {
    candidate;
    /** VERIFY_NONE, VERIFY_IF_EMPTY or VERIFY_ALWAYS. */
    verify;
    constructor(candidate, verify) {
        this.candidate = candidate;
        this.verify = verify;
    }
}
function comparePrecedence(a, b) {
    const ra = a.route;
    const rb = b.route;
    return (ra.kind - rb.kind ||
        rb.score - ra.score ||
        ra.paramCount - rb.paramCount ||
        (rb.methods !== null ? 1 : 0) - (ra.methods !== null ? 1 : 0) ||
        rb.headerCount - ra.headerCount ||
        rb.queryCount - ra.queryCount ||
        (b.hostRank > a.hostRank ? 1 : b.hostRank < a.hostRank ? -1 : 0) ||
        ra.index - rb.index ||
        a.seq - b.seq);
}
/** Splits a route's hosts into classes of equal rank: all exact names, then each wildcard suffix length. */
function hostClasses(hosts) {
    if (hosts === null)
        return [null];
    const exact = hosts.filter((h) => !h.wildcard);
    const byLength = new Map();
    for (const h of hosts) {
        if (!h.wildcard)
            continue;
        const list = byLength.get(h.match.length);
        if (list === undefined)
            byLength.set(h.match.length, [h]);
        else
            list.push(h);
    }
    const out = [];
    if (exact.length > 0)
        out.push(exact);
    for (const len of [...byLength.keys()].sort((x, y) => y - x))
        out.push(byLength.get(len));
    return out;
}
// ---------------------------------------------------------------------------------------------
// Nodes and the per-node candidate lists.
/** A find-my-way node (tree tokens). */
class TreeNode {
    segs;
    open;
    pattern;
    /** The first route that registered the node (for error messages). */
    route;
    slots = [];
    constructor(segs, open, pattern, route) {
        this.segs = segs;
        this.open = open;
        this.pattern = pattern;
        this.route = route;
    }
}
/** Route nodes indexed by their tree tokens, to enumerate the ones that may share paths with a node. */
class NodeTrie {
    literal = new Map();
    param = null;
    closedHere = [];
    openHere = [];
    add(rn) {
        let t = this;
        for (const tok of rn.tree.segs) {
            if (tok === PARAM) {
                t.param ??= new NodeTrie();
                t = t.param;
            }
            else {
                let next = t.literal.get(tok);
                if (next === undefined) {
                    next = new NodeTrie();
                    t.literal.set(tok, next);
                }
                t = next;
            }
        }
        (rn.open ? t.openHere : t.closedHere).push(rn);
    }
    /**
     * Adds to `out` the routes that can match a path that find-my-way resolves to `a`: route nodes
     * that share a path with `a` and do not come before `a` in find-my-way's lookup order.
     * `after`: an earlier position already put the route node after `a`.
     */
    collect(a, depth, after, out) {
        const rank = rankAt(a.segs, a.open, depth);
        // Route nodes ending here. An open one (a wildcard at `depth`) never comes before `a`, and shares
        // paths with it unless `a` ends here. A closed one shares paths with a closed `a` of the same
        // length (the same node) or, past `a`'s own segments, with an open `a`.
        if (rank !== R_END) {
            for (const rn of this.openHere)
                if (nodesMeet(a.segs, a.open, rn.segs, rn.open))
                    out.add(rn.route);
        }
        if (rank === R_END || rank === R_WILDCARD) {
            for (const rn of this.closedHere)
                if (nodesMeet(a.segs, a.open, rn.segs, rn.open))
                    out.add(rn.route);
        }
        if (rank === R_END)
            return;
        if (rank === R_WILDCARD) {
            // `a` takes any segments from here; a literal or parameter comes before its wildcard.
            if (!after)
                return;
            for (const child of this.literal.values())
                child.collect(a, depth + 1, true, out);
            if (this.param !== null)
                this.param.collect(a, depth + 1, true, out);
        }
        else if (rank === R_LITERAL) {
            const child = this.literal.get(a.segs[depth]);
            if (child !== undefined)
                child.collect(a, depth + 1, after, out);
            if (this.param !== null)
                this.param.collect(a, depth + 1, true, out);
        }
        else if (rank === R_PARAM) {
            if (this.param !== null)
                this.param.collect(a, depth + 1, after, out);
            if (after)
                for (const child of this.literal.values())
                    child.collect(a, depth + 1, true, out);
        }
    }
}
// ---------------------------------------------------------------------------------------------
/** find-my-way must not parse the query: none is ever passed, and this avoids an object per lookup. */
const NO_QUERY = Object.freeze({});
const noQuery = () => NO_QUERY;
const noHandler = () => { };
/**
 * The path as handed to find-my-way (hot path, change with care). It percent-decodes paths once,
 * so '%' is escaped as '%25' on both sides (it escapes registered literals itself) and the
 * comparison stays literal; '?' and '#', where it would cut the path, become escapes it leaves
 * alone. Three native scans are cheaper than a regex test on the common path.
 */
function treePath(path) {
    if (path.indexOf('%') === -1 && path.indexOf('?') === -1 && path.indexOf('#') === -1)
        return path;
    return path.replaceAll('%', '%25').replaceAll('?', '%3F').replaceAll('#', '%23');
}
class CompiledRouter {
    #tree;
    /** Candidates when no node matches: the RegularExpression routes. */
    #fallback;
    #table;
    constructor(tree, fallback, table) {
        this.#tree = tree;
        this.#fallback = fallback;
        this.#table = table;
    }
    // Hot path, change with care: no allocation besides find-my-way's lookup and the result, no
    // closures, no regex construction, no Object.keys.
    match(input) {
        const path = input.path;
        let slots = this.#fallback;
        const tree = this.#tree;
        if (tree !== null && path.charCodeAt(0) === 47 /* / */) {
            let found = null;
            try {
                found = tree.find('GET', treePath(path));
            }
            catch {
                found = null; // never expected: the escaped path is always decodable
            }
            if (found !== null)
                slots = found.store;
        }
        // -1: not known yet whether the path has an empty segment; 0: no; 1: yes.
        let empty = -1;
        for (let i = 0; i < slots.length; i++) {
            const slot = slots[i];
            const c = slot.candidate;
            const r = c.route;
            if (r.methods !== null && !methodAllowed(r.methods, input.method))
                continue;
            if (c.hosts !== null && !hostAllowed(c.hosts, c.hostWildcard, input.host))
                continue;
            const verify = slot.verify;
            if (verify !== VERIFY_NONE) {
                if (verify === VERIFY_IF_EMPTY && empty === -1)
                    empty = hasEmptySegment(path) ? 1 : 0;
                if ((verify === VERIFY_ALWAYS || empty === 1) && !r.pathMatches(path))
                    continue;
            }
            if (r.headers !== null && !headersMatch(r.headers, input.rawHeaders))
                continue;
            if (r.query !== null && !queryMatch(r.query, input.query))
                continue;
            return r.result(path);
        }
        return null;
    }
    table() {
        return this.#table;
    }
}
/**
 * find-my-way's compiled mode (its tree turned into generated JavaScript) makes lookups 1.5-3x
 * faster, but costs build time and memory per node: on by default up to this many nodes.
 */
const COMPILE_MAX_NODES = 1000;
/**
 * Builds the router for one config version. Throws RouterBuildError for a route it cannot compile
 * (invalid regular expression, unsupported path syntax, malformed host...).
 */
export function buildRouter(entries, options = {}) {
    const routes = entries.map((e) => new CompiledRoute(e));
    // The precedence order.
    const candidates = [];
    const candidatesOf = new Map();
    routes.forEach((route, i) => {
        const config = entries[i].config;
        const own = [];
        for (const cls of hostClasses(compileHosts(config.host, route.index, route.name))) {
            const c = new Candidate(route, cls, candidates.length);
            candidates.push(c);
            own.push(c);
        }
        candidatesOf.set(route, own);
    });
    candidates.sort(comparePrecedence);
    const rank = new Map();
    candidates.forEach((c, i) => rank.set(c, i));
    const byRank = (x, y) => rank.get(x.candidate) - rank.get(y.candidate);
    // Tree nodes and route nodes.
    const nodes = new Map();
    const routeNodes = new Map();
    const trie = new NodeTrie();
    const regexSlots = [];
    for (const route of routes) {
        if (route.kind === KIND_REGEX) {
            for (const c of candidatesOf.get(route))
                regexSlots.push(new Slot(c, VERIFY_ALWAYS));
            continue;
        }
        const shapes = route.kind === KIND_EXACT ? [false] : route.segs.length === 0 ? [true] : [false, true];
        const own = [];
        for (const open of shapes) {
            const pattern = treePattern(route.treeSegs, open);
            let node = nodes.get(pattern);
            if (node === undefined) {
                node = new TreeNode(route.treeSegs, open, pattern, route);
                nodes.set(pattern, node);
            }
            const rn = { route, tree: node, segs: route.segs, open };
            own.push(rn);
            trie.add(rn);
        }
        routeNodes.set(route, own);
    }
    regexSlots.sort(byRank);
    let tree = null;
    if (nodes.size > 0) {
        tree = FindMyWay({
            ignoreTrailingSlash: false,
            ignoreDuplicateSlashes: false,
            caseSensitive: true,
            maxParamLength: Number.MAX_SAFE_INTEGER,
            querystringParser: noQuery,
        });
        for (const node of nodes.values()) {
            const routesHere = new Set();
            trie.collect(node, 0, false, routesHere);
            const slots = [];
            for (const route of routesHere) {
                // No runtime check when every path of the node is a path of the route.
                const own = routeNodes.get(route);
                const verify = own.some((rn) => nodeWithin(node.segs, node.open, rn.segs, rn.open, false))
                    ? VERIFY_NONE
                    : own.some((rn) => nodeWithin(node.segs, node.open, rn.segs, rn.open, true))
                        ? VERIFY_IF_EMPTY
                        : VERIFY_ALWAYS;
                for (const c of candidatesOf.get(route))
                    slots.push(new Slot(c, verify));
            }
            slots.sort(byRank);
            node.slots = slots.concat(regexSlots);
            try {
                tree.on('GET', node.pattern, noHandler, node.slots);
            }
            catch (err) {
                // Not expected: parsePath only lets through what find-my-way accepts.
                const r = node.route;
                throw new RouterBuildError(r.index, r.name, `routes[${r.index}].path`, `unsupported path: ${err instanceof Error ? err.message : String(err)}`);
            }
        }
        if (options.compileTree ?? nodes.size <= COMPILE_MAX_NODES)
            tree.compile();
    }
    const table = candidates.map((c, i) => Object.freeze({
        order: i + 1,
        index: c.route.index,
        name: c.route.name,
        pathType: c.route.pathType,
        path: c.route.path,
        methods: c.route.methods === null ? null : Object.freeze([...c.route.methods]),
        hosts: c.hostConfigs === null ? null : Object.freeze([...c.hostConfigs]),
        headers: c.route.headerCount,
        query: c.route.queryCount,
        backendService: c.route.backendService,
    }));
    return new CompiledRouter(tree, regexSlots, Object.freeze(table));
}
//# sourceMappingURL=router.js.map