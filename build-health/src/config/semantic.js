/**
 * Checks the schema cannot express, run on a config that already passed the schema. Each
 * problem is an issue with the key path it belongs to.
 */
import { isIP } from 'node:net';
import { didYouMean, formatPath } from './issues.js';
/** RFC 9110 token (method names, header names). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;
const PORT = /^[0-9]{1,5}$/;
/** A DNS name (labels of letters, digits, `-`, `_`; optional trailing dot) or an IPv4 address. */
export function isValidHostName(host) {
    if (isIP(host) === 4)
        return true;
    const h = host.endsWith('.') ? host.slice(0, -1) : host;
    if (h.length === 0 || h.length > 253)
        return false;
    const labels = h.split('.');
    // An all-numeric dotted name that is not a valid IPv4 address (e.g. 300.1.1.1) is rejected.
    if (labels.every((l) => /^[0-9]+$/.test(l)))
        return false;
    return labels.every((l) => LABEL.test(l));
}
/**
 * Parses `host:port` (`[v6]:port` for IPv6). Returns the parts, or a message saying what is wrong.
 * Port must be 1-65535.
 */
export function parseHostPort(text) {
    let host;
    let portText;
    if (text.startsWith('[')) {
        const close = text.indexOf(']');
        if (close < 0)
            return 'missing "]" after the IPv6 address';
        host = text.slice(1, close);
        if (isIP(host) !== 6)
            return `"${host}" is not a valid IPv6 address`;
        if (text[close + 1] !== ':')
            return 'missing ":port" after the IPv6 address';
        portText = text.slice(close + 2);
    }
    else {
        const colon = text.lastIndexOf(':');
        if (colon < 0)
            return 'missing ":port"';
        host = text.slice(0, colon);
        portText = text.slice(colon + 1);
        if (host.includes(':'))
            return isIP(host) === 6 ? `write IPv6 addresses in brackets: [${host}]:${portText}` : `"${host}" is not a valid host`;
        if (!isValidHostName(host))
            return host === '' ? 'missing host before ":"' : `"${host}" is not a valid host name or IPv4 address`;
    }
    if (!PORT.test(portText))
        return portText === '' ? 'missing port after ":"' : `port "${portText}" is not a number`;
    const port = Number(portText);
    if (port < 1 || port > 65535)
        return `port must be 1-65535, got ${port}`;
    return { host, port };
}
/** Returns a message when `source` is not a valid JavaScript regular expression (compiled without flags). */
export function regexError(source) {
    try {
        new RegExp(source);
        return undefined;
    }
    catch (err) {
        const m = err instanceof Error ? err.message : String(err);
        // V8: "Invalid regular expression: /(/: Unterminated group"
        const short = /^Invalid regular expression: \/.*\/[a-z]*: (.*)$/s.exec(m);
        return `invalid regular expression: ${short !== null ? short[1] : m}`;
    }
}
const WILDCARD_HOSTS = new Set(['0.0.0.0', '::', '']);
/** All semantic issues of a schema-valid config. */
export function semanticIssues(config) {
    const issues = [];
    const add = (path, message) => {
        issues.push({ path: formatPath(path), message });
    };
    // Listeners: the admin port must not collide with the data-plane port.
    const listen = config.listen;
    const admin = config.admin;
    if (listen !== undefined && admin !== undefined && admin !== false && listen.port !== 0 && admin.port === listen.port) {
        const lh = listen.host ?? '0.0.0.0';
        const ah = admin.host ?? '127.0.0.1';
        if (lh === ah || WILDCARD_HOSTS.has(lh) || WILDCARD_HOSTS.has(ah))
            add(['admin', 'port'], `must differ from listen.port (${listen.port})`);
    }
    // Services.
    const services = config.services ?? {};
    for (const name of Object.keys(services)) {
        if (name.trim() === '')
            add(['services', name], 'service name must not be empty');
        const svc = services[name];
        svc.endpoints.forEach((ep, i) => {
            const isString = typeof ep === 'string';
            const address = isString ? ep : ep.address;
            const r = parseHostPort(address);
            if (typeof r === 'string')
                add(isString ? ['services', name, 'endpoints', i] : ['services', name, 'endpoints', i, 'address'], `must be host:port: ${r}`);
        });
    }
    // Routes.
    const names = new Map();
    (config.routes ?? []).forEach((route, i) => {
        const at = (...rest) => ['routes', i, ...rest];
        if (route.name !== undefined) {
            const first = names.get(route.name);
            if (first !== undefined)
                add(at('name'), `duplicate route name ${JSON.stringify(route.name)} (also routes[${first}].name)`);
            else
                names.set(route.name, i);
        }
        checkBackend(route, services, at('backendService'), add);
        checkPath(route, at, add);
        checkMethods(route, at, add);
        route.headers?.forEach((m, j) => checkValueMatch(m, at('headers', j), 'header', add));
        route.query?.forEach((m, j) => checkValueMatch(m, at('query', j), 'query', add));
        checkRewrite(route, at, add);
    });
    return issues;
}
function checkBackend(route, services, path, add) {
    const b = route.backendService;
    if (Object.prototype.hasOwnProperty.call(services, b))
        return;
    if (b.includes(':')) {
        const r = parseHostPort(b);
        if (typeof r === 'string')
            add(path, `${JSON.stringify(b)} is neither a service under services nor a valid host:port: ${r}`);
        return;
    }
    const guess = didYouMean(b, Object.keys(services));
    const hint = guess !== undefined ? ` (did you mean ${JSON.stringify(guess)}?)` : '';
    add(path, `no service named ${JSON.stringify(b)} under services${hint}; use a service name or host:port`);
}
function checkPath(route, at, add) {
    if (route.pathType === 'RegularExpression') {
        const err = regexError(route.path);
        if (err !== undefined)
            add(at('path'), err);
    }
    else if (!route.path.startsWith('/')) {
        add(at('path'), `must start with "/" (pathType ${route.pathType ?? 'PathPrefix'})`);
    }
}
function checkMethods(route, at, add) {
    const m = route.method;
    if (m === undefined)
        return;
    const bad = (v) => `${JSON.stringify(v)} is not a valid HTTP method (letters, digits and !#$%&'*+-.^_\`|~ only)`;
    if (typeof m === 'string') {
        if (!TOKEN.test(m))
            add(at('method'), bad(m));
    }
    else {
        m.forEach((v, j) => {
            if (!TOKEN.test(v))
                add(at('method', j), bad(v));
        });
    }
}
function checkValueMatch(m, path, kind, add) {
    if (kind === 'header' && !TOKEN.test(m.name))
        add([...path, 'name'], `${JSON.stringify(m.name)} is not a valid header name`);
    const type = m.type ?? (m.value === undefined ? 'Present' : 'Exact');
    if (type === 'Present') {
        if (m.value !== undefined)
            add([...path, 'value'], 'is not used with type Present (remove it, or set type Exact or RegularExpression)');
        return;
    }
    if (m.value === undefined) {
        add([...path, 'value'], `is required with type ${type}`);
        return;
    }
    if (type === 'RegularExpression') {
        const err = regexError(m.value);
        if (err !== undefined)
            add([...path, 'value'], err);
    }
}
function checkRewrite(route, at, add) {
    const pathType = route.pathType ?? 'PathPrefix';
    const rw = route.rewrite;
    if (route.stripPrefix === true && pathType !== 'PathPrefix')
        add(at('stripPrefix'), `only allowed on PathPrefix routes (this route is ${pathType})`);
    if (rw === undefined)
        return;
    const modes = [];
    if (rw.prefix !== undefined)
        modes.push('prefix');
    if (rw.regex !== undefined || rw.replacement !== undefined)
        modes.push('regex');
    if (rw.path !== undefined)
        modes.push('path');
    if (modes.length === 0) {
        add(at('rewrite'), 'must set one of: prefix, regex + replacement, path');
        return;
    }
    if (modes.length > 1) {
        add(at('rewrite'), `use only one of: prefix, regex + replacement, path (found ${modes.join(', ')})`);
    }
    if (rw.regex !== undefined && rw.replacement === undefined)
        add(at('rewrite', 'replacement'), 'is required with rewrite.regex');
    if (rw.replacement !== undefined && rw.regex === undefined)
        add(at('rewrite', 'regex'), 'is required with rewrite.replacement');
    if (rw.regex !== undefined) {
        const err = regexError(rw.regex);
        if (err !== undefined)
            add(at('rewrite', 'regex'), err);
    }
    if (rw.prefix !== undefined) {
        if (pathType !== 'PathPrefix')
            add(at('rewrite', 'prefix'), `only allowed on PathPrefix routes (this route is ${pathType})`);
        else if (route.stripPrefix === true)
            add(at('stripPrefix'), 'cannot be combined with rewrite.prefix (rewrite.prefix already replaces the matched prefix)');
    }
    if (rw.path !== undefined && !rw.path.startsWith('/'))
        add(at('rewrite', 'path'), 'must start with "/"');
}
//# sourceMappingURL=semantic.js.map