/**
 * The non-path conditions of a route: method, host, headers, query. Compiled once per config
 * version into small fixed-shape objects; the runtime functions below allocate nothing unless a
 * query value has to be percent-decoded or sliced for a regular expression.
 */
import type { ValueMatch } from '../config/schema/index.js';
import { RouterBuildError, regexProblem } from './errors.js';

export const MATCH_PRESENT = 0;
export const MATCH_EXACT = 1;
export const MATCH_REGEX = 2;

/** One header or query condition. Header names are stored lower-case. */
export class ValueCondition {
  readonly name: string;
  readonly kind: number;
  readonly value: string;
  readonly regex: RegExp | null;

  constructor(name: string, kind: number, value: string, regex: RegExp | null) {
    this.name = name;
    this.kind = kind;
    this.value = value;
    this.regex = regex;
  }
}

/** Anchors a config regular expression to the whole input; throws RouterBuildError when it does not compile. */
export function compileAnchored(source: string, routeIndex: number, routeName: string, keyPath: string): RegExp {
  try {
    return new RegExp(`^(?:${source})$`);
  } catch (err) {
    throw new RouterBuildError(routeIndex, routeName, keyPath, regexProblem(err));
  }
}

/**
 * Compiles `headers` or `query` conditions. As in the Gateway API, only the first entry for a name
 * counts (header names compared case-insensitively). Returns null when there are none.
 */
export function compileValueConditions(
  list: readonly ValueMatch[] | undefined,
  header: boolean,
  routeIndex: number,
  routeName: string,
): ValueCondition[] | null {
  if (list === undefined || list.length === 0) return null;
  const field = header ? 'headers' : 'query';
  const out: ValueCondition[] = [];
  const seen = new Set<string>();
  list.forEach((m, j) => {
    const at = `routes[${routeIndex}].${field}[${j}]`;
    const name = header ? m.name.toLowerCase() : m.name;
    if (name === '') throw new RouterBuildError(routeIndex, routeName, `${at}.name`, 'must not be empty');
    if (seen.has(name)) return;
    seen.add(name);
    const type = m.type ?? (m.value === undefined ? 'Present' : 'Exact');
    if (type === 'Present') {
      if (m.value !== undefined) {
        throw new RouterBuildError(routeIndex, routeName, `${at}.value`, 'is not used with type Present (remove it, or set type Exact or RegularExpression)');
      }
      out.push(new ValueCondition(name, MATCH_PRESENT, '', null));
      return;
    }
    if (m.value === undefined) throw new RouterBuildError(routeIndex, routeName, `${at}.value`, `is required with type ${type}`);
    if (type === 'Exact') out.push(new ValueCondition(name, MATCH_EXACT, m.value, null));
    else out.push(new ValueCondition(name, MATCH_REGEX, m.value, compileAnchored(m.value, routeIndex, routeName, `${at}.value`)));
  });
  return out;
}

/** Upper-cased, de-duplicated methods, or null for any method. */
export function compileMethods(method: string | readonly string[] | undefined): string[] | null {
  if (method === undefined) return null;
  const list = typeof method === 'string' ? [method] : method;
  const out: string[] = [];
  for (const m of list) {
    const u = m.toUpperCase();
    if (!out.includes(u)) out.push(u);
  }
  return out.length === 0 ? null : out;
}

/** A host entry: exact (`api.example.com`) or wildcard (`*.example.com`, kept as the suffix `.example.com`). */
export interface HostEntry {
  readonly config: string;
  readonly wildcard: boolean;
  /** Exact: the name; wildcard: the suffix, with its leading dot. Lower-case. */
  readonly match: string;
}

/** Parses the route's hosts, lower-cased and de-duplicated; null for any host. */
export function compileHosts(host: string | readonly string[] | undefined, routeIndex: number, routeName: string): HostEntry[] | null {
  if (host === undefined) return null;
  const list = typeof host === 'string' ? [host] : host;
  const out: HostEntry[] = [];
  list.forEach((h, j) => {
    const at = typeof host === 'string' ? `routes[${routeIndex}].host` : `routes[${routeIndex}].host[${j}]`;
    const lower = h.toLowerCase();
    let entry: HostEntry;
    if (lower.startsWith('*.')) {
      const suffix = lower.slice(1);
      if (suffix.length < 2 || suffix.includes('*')) throw new RouterBuildError(routeIndex, routeName, at, `invalid wildcard host ${JSON.stringify(h)}`);
      entry = { config: lower, wildcard: true, match: suffix };
    } else {
      if (lower === '' || lower.includes('*')) {
        throw new RouterBuildError(
          routeIndex,
          routeName,
          at,
          `invalid host ${JSON.stringify(h)}: use an exact name or a leading "*." wildcard (omit host to match any host)`,
        );
      }
      entry = { config: lower, wildcard: false, match: lower };
    }
    if (!out.some((e) => e.config === entry.config)) out.push(entry);
  });
  return out.length === 0 ? null : out;
}

// ---------------------------------------------------------------------------------------------
// Runtime (hot path, change with care).

export function methodAllowed(methods: readonly string[], method: string): boolean {
  for (let i = 0; i < methods.length; i++) if (methods[i] === method) return true;
  return false;
}

/**
 * `hosts`: exact names, or wildcard suffixes ('.example.com') when `wildcard`. A wildcard needs at
 * least one label before the suffix: `*.example.com` matches `a.example.com`, `a.b.example.com`,
 * not `example.com`.
 */
export function hostAllowed(hosts: readonly string[], wildcard: boolean, host: string): boolean {
  if (wildcard) {
    for (let i = 0; i < hosts.length; i++) {
      const s = hosts[i]!;
      if (host.length > s.length && host.endsWith(s)) return true;
    }
    return false;
  }
  for (let i = 0; i < hosts.length; i++) if (hosts[i] === host) return true;
  return false;
}

/** `raw` (any case) equals `lower` (already lower-case), ASCII case-insensitively. */
function equalsLowerAscii(raw: string, lower: string): boolean {
  const n = raw.length;
  if (n !== lower.length) return false;
  for (let i = 0; i < n; i++) {
    let c = raw.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

/** All conditions hold. A repeated header is judged by its first occurrence. */
export function headersMatch(conds: readonly ValueCondition[], raw: readonly string[]): boolean {
  const n = raw.length - 1;
  for (let c = 0; c < conds.length; c++) {
    const cond = conds[c]!;
    const name = cond.name;
    let value: string | null = null;
    for (let i = 0; i < n; i += 2) {
      const h = raw[i]!;
      if (h === name || equalsLowerAscii(h, name)) {
        value = raw[i + 1]!;
        break;
      }
    }
    if (value === null) return false;
    if (cond.kind === MATCH_EXACT) {
      if (value !== cond.value) return false;
    } else if (cond.kind === MATCH_REGEX) {
      if (!cond.regex!.test(value)) return false;
    }
  }
  return true;
}

/** Index of char code `ch` in s[from, to), or `to`. A bounded scan: an unbounded indexOf per pair would make a long query quadratic. */
function scanTo(s: string, ch: number, from: number, to: number): number {
  for (let i = from; i < to; i++) if (s.charCodeAt(i) === ch) return i;
  return to;
}

function hasPercent(s: string, from: number, to: number): boolean {
  return scanTo(s, 37 /* % */, from, to) !== to;
}

/** decodeURIComponent, or null for a malformed escape. ('+' is not turned into a space.) */
export function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/**
 * Start of the value of the first `name` parameter in the raw query string (the key compared
 * percent-decoded, case-sensitively), or -1 when absent. For a key without '=', the value is ''
 * and the start is the end of the key.
 */
function queryValueStart(q: string, name: string): number {
  const len = q.length;
  let pos = 0;
  while (pos < len) {
    let amp = q.indexOf('&', pos);
    if (amp === -1) amp = len;
    const eq = scanTo(q, 61 /* = */, pos, amp);
    if (hasPercent(q, pos, eq) ? safeDecode(q.slice(pos, eq)) === name : eq - pos === name.length && q.startsWith(name, pos)) {
      return eq < amp ? eq + 1 : eq;
    }
    pos = amp + 1;
  }
  return -1;
}

/** All conditions hold. Values are compared percent-decoded; a malformed escape does not match. */
export function queryMatch(conds: readonly ValueCondition[], q: string): boolean {
  for (let c = 0; c < conds.length; c++) {
    const cond = conds[c]!;
    const start = queryValueStart(q, cond.name);
    if (start === -1) return false;
    if (cond.kind === MATCH_PRESENT) continue;
    let end = q.indexOf('&', start);
    if (end === -1) end = q.length;
    if (cond.kind === MATCH_EXACT && !hasPercent(q, start, end)) {
      // No escape: compare in place, no allocation.
      if (end - start !== cond.value.length || !q.startsWith(cond.value, start)) return false;
      continue;
    }
    const raw = q.slice(start, end);
    const value = hasPercent(raw, 0, raw.length) ? safeDecode(raw) : raw;
    if (value === null) return false;
    if (cond.kind === MATCH_EXACT ? value !== cond.value : !cond.regex!.test(value)) return false;
  }
  return true;
}
