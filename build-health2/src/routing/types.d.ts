import type { RouteConfig } from '../config/schema/index.js';
/** What the router needs from a request. All strings are as received (no percent-decoding). */
export interface MatchInput {
    /** Upper-case method, e.g. `GET`. */
    readonly method: string;
    /** Host header value, lower-cased, without the port; '' when absent. */
    readonly host: string;
    /** Path part of the request target, without the query string. */
    readonly path: string;
    /** Raw query string without the leading '?'; '' when absent. */
    readonly query: string;
    /** Raw request headers as parsed: [name, value, name, value, ...] (names in any case). */
    readonly rawHeaders: readonly string[];
}
/** One route handed to the router builder: its validated config, its position in the file, and a payload. */
export interface RouterEntry<T> {
    readonly config: RouteConfig;
    /** Position in the config file (0-based): the last tie-breaker. */
    readonly index: number;
    /** Whatever the caller attaches (the compiled route); returned on a match. */
    readonly value: T;
}
export interface MatchResult<T> {
    readonly value: T;
    /**
     * Path parameters (`/users/:id` -> { id: '42' }), or null when the route declares none. Values are
     * percent-decoded (`%2F` -> '/'; a malformed escape is kept as received); the path is not.
     */
    readonly params: Readonly<Record<string, string>> | null;
    /**
     * For PathPrefix routes: the part of the request path the route's prefix matched (e.g. '/api/v1'
     * for route path '/api/v1' and request '/api/v1/users'); used by stripPrefix and rewrite.prefix.
     * For other path types: the whole path. It never ends with the prefix's trailing slash: for the
     * prefix `/` it is '' (stripping it leaves the path as is).
     */
    readonly matchedPath: string;
}
/** One row of the printable route table, in match order. */
export interface RouteTableRow {
    /** 1-based position in match order. */
    readonly order: number;
    /** Position of the route in the config file (0-based). A route whose hosts are of different kinds appears once per kind. */
    readonly index?: number;
    readonly name: string;
    readonly pathType: 'PathPrefix' | 'Exact' | 'RegularExpression';
    readonly path: string;
    readonly methods: readonly string[] | null;
    readonly hosts: readonly string[] | null;
    readonly headers: number;
    readonly query: number;
    readonly backendService: string;
}
export interface Router<T> {
    /** Hot path: returns the winning route for a request, or null. */
    match(input: MatchInput): MatchResult<T> | null;
    /** The compiled table in match (precedence) order. */
    table(): readonly RouteTableRow[];
}
