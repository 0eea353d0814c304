import type { Router, RouterEntry } from './types.js';
export interface BuildRouterOptions {
    /** Compile the path tree to JavaScript. Default: when it has at most 1000 nodes (about 500 routes). */
    readonly compileTree?: boolean;
}
/**
 * Builds the router for one config version. Throws RouterBuildError for a route it cannot compile
 * (invalid regular expression, unsupported path syntax, malformed host...).
 */
export declare function buildRouter<T>(entries: readonly RouterEntry<T>[], options?: BuildRouterOptions): Router<T>;
