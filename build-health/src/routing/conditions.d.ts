/**
 * The non-path conditions of a route: method, host, headers, query. Compiled once per config
 * version into small fixed-shape objects; the runtime functions below allocate nothing unless a
 * query value has to be percent-decoded or sliced for a regular expression.
 */
import type { ValueMatch } from '../config/schema/index.js';
export declare const MATCH_PRESENT = 0;
export declare const MATCH_EXACT = 1;
export declare const MATCH_REGEX = 2;
/** One header or query condition. Header names are stored lower-case. */
export declare class ValueCondition {
    readonly name: string;
    readonly kind: number;
    readonly value: string;
    readonly regex: RegExp | null;
    /** UTF-8 bytes of `name` and `value`, to compare percent-encoded query text without decoding it. */
    readonly nameBytes: Uint8Array;
    readonly valueBytes: Uint8Array;
    constructor(name: string, kind: number, value: string, regex: RegExp | null);
}
/** Anchors a config regular expression to the whole input; throws RouterBuildError when it does not compile. */
export declare function compileAnchored(source: string, routeIndex: number, routeName: string, keyPath: string): RegExp;
/**
 * Compiles `headers` or `query` conditions. As in the Gateway API, only the first entry for a name
 * counts (header names compared case-insensitively). Returns null when there are none.
 */
export declare function compileValueConditions(list: readonly ValueMatch[] | undefined, header: boolean, routeIndex: number, routeName: string): ValueCondition[] | null;
/** Upper-cased, de-duplicated methods, or null for any method. */
export declare function compileMethods(method: string | readonly string[] | undefined): string[] | null;
/** A host entry: exact (`api.example.com`) or wildcard (`*.example.com`, kept as the suffix `.example.com`). */
export interface HostEntry {
    readonly config: string;
    readonly wildcard: boolean;
    /** Exact: the name; wildcard: the suffix, with its leading dot. Lower-case. */
    readonly match: string;
}
/** Parses the route's hosts, lower-cased and de-duplicated; null for any host. */
export declare function compileHosts(host: string | readonly string[] | undefined, routeIndex: number, routeName: string): HostEntry[] | null;
export declare function methodAllowed(methods: readonly string[], method: string): boolean;
/**
 * `hosts`: exact names, or wildcard suffixes ('.example.com') when `wildcard`. A wildcard needs at
 * least one label before the suffix: `*.example.com` matches `a.example.com`, `a.b.example.com`,
 * not `example.com`.
 */
export declare function hostAllowed(hosts: readonly string[], wildcard: boolean, host: string): boolean;
/** All conditions hold. A repeated header is judged by its first occurrence. */
export declare function headersMatch(conds: readonly ValueCondition[], raw: readonly string[]): boolean;
/** decodeURIComponent, or null for a malformed escape. ('+' is not turned into a space.) */
export declare function safeDecode(s: string): string | null;
/**
 * All conditions hold. A repeated parameter is judged by its first occurrence. Values are compared
 * percent-decoded ('+' stays '+'); a malformed escape does not match.
 */
export declare function queryMatch(conds: readonly ValueCondition[], q: string): boolean;
