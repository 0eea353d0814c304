export type Token = string | null;
export declare const PARAM: null;
export interface ParsedPath {
    /** The route's own tokens. */
    readonly segs: readonly Token[];
    /** What find-my-way gets: widened literals are PARAM. */
    readonly treeSegs: readonly Token[];
    /** Parameter names, in path order ([] when none). */
    readonly paramNames: readonly string[];
    /** Segment position of each parameter. */
    readonly paramPositions: readonly number[];
    /** The path the route matches, as printed (PathPrefix: without its trailing slash). */
    readonly normalized: string;
    /** Precedence length: characters of `normalized`, each `:name` counted as 0. */
    readonly score: number;
}
/**
 * Parses the path of an Exact or PathPrefix route. Throws RouterBuildError for what cannot match
 * as written: no leading '/', '?' or '#', a bare '*' segment, a malformed or repeated `:param`.
 */
export declare function parsePath(path: string, prefix: boolean, routeIndex: number, routeName: string): ParsedPath;
/** The find-my-way pattern of a node: parameters are named p0, p1...; ':' in a literal is escaped as '::'. */
export declare function treePattern(treeSegs: readonly Token[], open: boolean): string;
/** Some path is in both `a` (tree semantics) and `b` (route semantics). */
export declare function nodesMeet(a: readonly Token[], aOpen: boolean, b: readonly Token[], bOpen: boolean): boolean;
/**
 * Every path of `a` (tree semantics) is in `b` (route semantics). With `assumeNonEmpty`, only the
 * paths of `a` whose parameters are non-empty are considered.
 */
export declare function nodeWithin(a: readonly Token[], aOpen: boolean, b: readonly Token[], bOpen: boolean, assumeNonEmpty: boolean): boolean;
/** What a node has at segment position i, in find-my-way's lookup order (see the builder). */
export declare const R_LITERAL = 0;
export declare const R_PARAM = 1;
export declare const R_WILDCARD = 2;
export declare const R_END = 3;
export declare function rankAt(segs: readonly Token[], open: boolean, i: number): number;
/**
 * Whether the raw `path` matches `segs`: exactly (`prefix` false) or as a prefix of whole segments.
 * No allocation. `path` starts with '/'.
 */
export declare function segmentsMatch(path: string, segs: readonly Token[], prefix: boolean): boolean;
/** Whether some segment of `path` is empty ('/', '//' inside, or a trailing '/'). */
export declare function hasEmptySegment(path: string): boolean;
