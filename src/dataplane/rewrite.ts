import type { RouteConfig } from '../config/schema/index.js';

/**
 * A path rewrite, compiled once per route: a function of (path, matchedPath, params).
 * `path` is the raw request path (no query); nothing is percent-decoded.
 */
export type PathRewriter = (path: string, matchedPath: string, params: Readonly<Record<string, string>> | null) => string;

export function compileRewrite(route: RouteConfig): PathRewriter | null {
  const rw = route.rewrite;
  if (route.stripPrefix === true) {
    return (path, matched) => ensureLeadingSlash(path.slice(trimTrailingSlash(matched).length));
  }
  if (rw === undefined) return null;
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
    return (_path, _matched, params) => {
      let out = '';
      for (let i = 0; i < parts.length; i++) {
        const part = parts[i]!;
        out += i % 2 === 1 ? (params?.[part.slice(1)] ?? '') : part;
      }
      return ensureLeadingSlash(out);
    };
  }
  return null;
}

function trimTrailingSlash(p: string): string {
  return p.length > 1 && p.endsWith('/') ? p.slice(0, -1) : p === '/' ? '' : p;
}

function ensureLeadingSlash(p: string): string {
  return p.startsWith('/') ? p : '/' + p;
}
