import type { RouteConfig } from '../config/schema/index.js';
/**
 * A path rewrite, compiled once per route: a function of (path, matchedPath, params).
 * `path` is the raw request path (no query); nothing is percent-decoded.
 */
export type PathRewriter = (path: string, matchedPath: string, params: Readonly<Record<string, string>> | null) => string;
export declare function compileRewrite(route: RouteConfig): PathRewriter | null;
