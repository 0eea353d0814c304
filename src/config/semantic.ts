/**
 * Checks the schema cannot express, run on a config that already passed the schema. Each
 * problem is an issue with the key path it belongs to.
 */
import { isIP } from 'node:net';
import type { GatewayConfig, RouteConfig, ValueMatch } from './schema/index.js';
import { didYouMean, formatPath, type ConfigIssue, type PathSegment } from './issues.js';

/** RFC 9110 token (method names, header names). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const PORT = /^[0-9]{1,5}$/;

export interface HostPort {
  /** Host without brackets (`::1` for `[::1]:80`). */
  readonly host: string;
  readonly port: number;
}

/** A DNS name (labels of letters, digits, `-`, `_`; optional trailing dot) or an IPv4 address. */
export function isValidHostName(host: string): boolean {
  if (isIP(host) === 4) return true;
  const h = host.endsWith('.') ? host.slice(0, -1) : host;
  if (h.length === 0 || h.length > 253) return false;
  const labels = h.split('.');
  // An all-numeric dotted name that is not a valid IPv4 address (e.g. 300.1.1.1) is rejected.
  if (labels.every((l) => /^[0-9]+$/.test(l))) return false;
  return labels.every((l) => LABEL.test(l));
}

/**
 * Parses `host:port` (`[v6]:port` for IPv6). Returns the parts, or a message saying what is wrong.
 * Port must be 1-65535.
 */
export function parseHostPort(text: string): HostPort | string {
  let host: string;
  let portText: string;
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) return 'missing "]" after the IPv6 address';
    host = text.slice(1, close);
    if (isIP(host) !== 6) return `"${host}" is not a valid IPv6 address`;
    if (text[close + 1] !== ':') return 'missing ":port" after the IPv6 address';
    portText = text.slice(close + 2);
  } else {
    const colon = text.lastIndexOf(':');
    if (colon < 0) return 'missing ":port"';
    host = text.slice(0, colon);
    portText = text.slice(colon + 1);
    if (host.includes(':')) return isIP(host) === 6 ? `write IPv6 addresses in brackets: [${host}]:${portText}` : `"${host}" is not a valid host`;
    if (!isValidHostName(host)) return host === '' ? 'missing host before ":"' : `"${host}" is not a valid host name or IPv4 address`;
  }
  if (!PORT.test(portText)) return portText === '' ? 'missing port after ":"' : `port "${portText}" is not a number`;
  const port = Number(portText);
  if (port < 1 || port > 65535) return `port must be 1-65535, got ${port}`;
  return { host, port };
}

/** Returns a message when `source` is not a valid JavaScript regular expression (compiled without flags). */
export function regexError(source: string): string | undefined {
  try {
    new RegExp(source);
    return undefined;
  } catch (err) {
    const m = err instanceof Error ? err.message : String(err);
    // V8: "Invalid regular expression: /(/: Unterminated group"
    const short = /^Invalid regular expression: \/.*\/[a-z]*: (.*)$/s.exec(m);
    return `invalid regular expression: ${short !== null ? short[1] : m}`;
  }
}

const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);

/** All semantic issues of a schema-valid config. */
export function semanticIssues(config: GatewayConfig): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const add = (path: readonly PathSegment[], message: string): void => {
    issues.push({ path: formatPath(path), message });
  };

  // Listeners: the admin port must not collide with the data-plane port.
  const listen = config.listen;
  const admin = config.admin;
  if (listen !== undefined && admin !== undefined && admin !== false && listen.port !== 0 && admin.port === listen.port) {
    const lh = listen.host ?? '0.0.0.0';
    const ah = admin.host ?? '127.0.0.1';
    if (lh === ah || WILDCARD_HOSTS.has(lh) || WILDCARD_HOSTS.has(ah)) add(['admin', 'port'], `must differ from listen.port (${listen.port})`);
  }

  // Services.
  const services = config.services ?? {};
  for (const name of Object.keys(services)) {
    if (name.trim() === '') add(['services', name], 'service name must not be empty');
    const svc = services[name]!;
    svc.endpoints.forEach((ep, i) => {
      const isString = typeof ep === 'string';
      const address = isString ? ep : ep.address;
      const r = parseHostPort(address);
      if (typeof r === 'string') add(isString ? ['services', name, 'endpoints', i] : ['services', name, 'endpoints', i, 'address'], `must be host:port: ${r}`);
    });
  }

  // Routes.
  const names = new Map<string, number>();
  (config.routes ?? []).forEach((route, i) => {
    const at = (...rest: PathSegment[]): PathSegment[] => ['routes', i, ...rest];
    if (route.name !== undefined) {
      const first = names.get(route.name);
      if (first !== undefined) add(at('name'), `duplicate route name ${JSON.stringify(route.name)} (also routes[${first}].name)`);
      else names.set(route.name, i);
    }
    checkBackend(route, services, at('backendService'), add);
    checkPath(route, at, add);
    checkMethods(route, at, add);
    route.headers?.forEach((m, j) => checkValueMatch(m, at('headers', j), 'header', add));
    route.query?.forEach((m, j) => checkValueMatch(m, at('query', j), 'query', add));
    checkRewrite(route, at, add);
  });
  if (config.tracing !== undefined) checkTracing(config.tracing, add);
  return issues;
}

/** Tracing: an http(s) exporter URL, `encoding` only with OTLP, batches no larger than the queue. */
function checkTracing(tracing: NonNullable<GatewayConfig['tracing']>, add: Add): void {
  const exporter = tracing.exporter;
  if (exporter !== undefined) {
    if (exporter.endpoint !== undefined) {
      let url: URL | null = null;
      try {
        url = new URL(exporter.endpoint);
      } catch {
        // reported below
      }
      if (url === null || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
        add(['tracing', 'exporter', 'endpoint'], `must be an http:// or https:// URL, got ${JSON.stringify(exporter.endpoint)}`);
      }
    }
    if (exporter.kind === 'zipkin' && exporter.encoding !== undefined) add(['tracing', 'exporter', 'encoding'], 'only applies to kind otlp (Zipkin takes JSON)');
  }
  const batch = tracing.batch;
  if (batch !== undefined) {
    const queue = batch.maxQueueSize ?? 2048;
    if ((batch.maxBatchSize ?? 512) > queue) add(['tracing', 'batch', 'maxBatchSize'], `must be <= maxQueueSize (${queue})`);
  }
}

type Add = (path: readonly PathSegment[], message: string) => void;

function checkBackend(route: RouteConfig, services: Record<string, unknown>, path: PathSegment[], add: Add): void {
  const b = route.backendService;
  if (Object.prototype.hasOwnProperty.call(services, b)) return;
  if (b.includes(':')) {
    const r = parseHostPort(b);
    if (typeof r === 'string') add(path, `${JSON.stringify(b)} is neither a service under services nor a valid host:port: ${r}`);
    return;
  }
  const guess = didYouMean(b, Object.keys(services));
  const hint = guess !== undefined ? ` (did you mean ${JSON.stringify(guess)}?)` : '';
  add(path, `no service named ${JSON.stringify(b)} under services${hint}; use a service name or host:port`);
}

function checkPath(route: RouteConfig, at: (...rest: PathSegment[]) => PathSegment[], add: Add): void {
  if (route.pathType === 'RegularExpression') {
    const err = regexError(route.path);
    if (err !== undefined) add(at('path'), err);
  } else if (!route.path.startsWith('/')) {
    add(at('path'), `must start with "/" (pathType ${route.pathType ?? 'PathPrefix'})`);
  }
}

function checkMethods(route: RouteConfig, at: (...rest: PathSegment[]) => PathSegment[], add: Add): void {
  const m = route.method;
  if (m === undefined) return;
  const bad = (v: string): string => `${JSON.stringify(v)} is not a valid HTTP method (letters, digits and !#$%&'*+-.^_\`|~ only)`;
  if (typeof m === 'string') {
    if (!TOKEN.test(m)) add(at('method'), bad(m));
  } else {
    m.forEach((v, j) => {
      if (!TOKEN.test(v)) add(at('method', j), bad(v));
    });
  }
}

function checkValueMatch(m: ValueMatch, path: PathSegment[], kind: 'header' | 'query', add: Add): void {
  if (kind === 'header' && !TOKEN.test(m.name)) add([...path, 'name'], `${JSON.stringify(m.name)} is not a valid header name`);
  const type = m.type ?? (m.value === undefined ? 'Present' : 'Exact');
  if (type === 'Present') {
    if (m.value !== undefined) add([...path, 'value'], 'is not used with type Present (remove it, or set type Exact or RegularExpression)');
    return;
  }
  if (m.value === undefined) {
    add([...path, 'value'], `is required with type ${type}`);
    return;
  }
  if (type === 'RegularExpression') {
    const err = regexError(m.value);
    if (err !== undefined) add([...path, 'value'], err);
  }
}

function checkRewrite(route: RouteConfig, at: (...rest: PathSegment[]) => PathSegment[], add: Add): void {
  const pathType = route.pathType ?? 'PathPrefix';
  const rw = route.rewrite;
  if (route.stripPrefix === true && pathType !== 'PathPrefix') add(at('stripPrefix'), `only allowed on PathPrefix routes (this route is ${pathType})`);
  if (rw === undefined) return;
  const modes: string[] = [];
  if (rw.prefix !== undefined) modes.push('prefix');
  if (rw.regex !== undefined || rw.replacement !== undefined) modes.push('regex');
  if (rw.path !== undefined) modes.push('path');
  if (modes.length === 0) {
    add(at('rewrite'), 'must set one of: prefix, regex + replacement, path');
    return;
  }
  if (modes.length > 1) {
    add(at('rewrite'), `use only one of: prefix, regex + replacement, path (found ${modes.join(', ')})`);
  }
  if (rw.regex !== undefined && rw.replacement === undefined) add(at('rewrite', 'replacement'), 'is required with rewrite.regex');
  if (rw.replacement !== undefined && rw.regex === undefined) add(at('rewrite', 'regex'), 'is required with rewrite.replacement');
  if (rw.regex !== undefined) {
    const err = regexError(rw.regex);
    if (err !== undefined) add(at('rewrite', 'regex'), err);
  }
  if (rw.prefix !== undefined) {
    if (pathType !== 'PathPrefix') add(at('rewrite', 'prefix'), `only allowed on PathPrefix routes (this route is ${pathType})`);
    else if (route.stripPrefix === true) add(at('stripPrefix'), 'cannot be combined with rewrite.prefix (rewrite.prefix already replaces the matched prefix)');
  }
  if (rw.path !== undefined && !rw.path.startsWith('/')) add(at('rewrite', 'path'), 'must start with "/"');
}
