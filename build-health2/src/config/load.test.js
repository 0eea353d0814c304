import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, didYouMean, formatPath, loadConfigFile, loadConfigFileSync, loadConfigText, parseConfigText, parseHostPort, substituteEnv, validateConfig, } from './load.js';
import { configJsonSchema } from './json-schema.js';
const FILE = 'gateway.yaml';
const EXAMPLE = `listen: { host: 0.0.0.0, port: 8080 }
admin: { host: 127.0.0.1, port: 9901 }
workers: auto
drainDelaySeconds: 0
drainTimeoutSeconds: 30
mesh: { meshType: none, mtlsMode: DISABLE }
services:
  users:
    endpoints: ["127.0.0.1:9001", { address: "127.0.0.1:9002", weight: 3 }]
routes:
  - name: users
    path: /api/v1/users
    method: GET
    backendService: users
    timeoutSeconds: 5
    stripPrefix: false
  - path: /api/v1/orders
    method: POST
    backendService: orders-service:8080
    rateLimitRps: 50
    circuitBreaker: { failureThreshold: 5, timeoutSeconds: 30, halfOpenRequests: 3 }
    retryPolicy: { maxAttempts: 3, backoffMultiplier: 2.0, initialDelayMs: 100 }
    timeoutSeconds: 5
`;
/** Runs `fn`, expects a ConfigError and returns its issues as [path, message] pairs. */
function issuesOf(fn) {
    try {
        fn();
    }
    catch (err) {
        assert.ok(err instanceof ConfigError, `expected ConfigError, got ${String(err)}`);
        return err.issues.map((i) => [i.path, i.message]);
    }
    assert.fail('expected a ConfigError, but the config was accepted');
}
const load = (yaml, env = {}) => loadConfigText(yaml, FILE, env);
test('the README example validates and keeps its data as written', () => {
    const cfg = load(EXAMPLE);
    assert.equal(cfg.listen?.port, 8080);
    assert.equal(cfg.workers, 'auto');
    assert.deepEqual(cfg.services?.['users']?.endpoints, ['127.0.0.1:9001', { address: '127.0.0.1:9002', weight: 3 }]);
    assert.equal(cfg.routes?.length, 2);
    assert.equal(cfg.routes?.[1]?.backendService, 'orders-service:8080');
    assert.deepEqual(cfg.routes?.[1]?.circuitBreaker, { failureThreshold: 5, timeoutSeconds: 30, halfOpenRequests: 3 });
});
const GOOD = [
    { desc: 'empty mapping', yaml: '{}' },
    { desc: 'JSON text', yaml: '{"listen": {"port": 0}, "routes": [{"path": "/", "backendService": "127.0.0.1:80"}]}' },
    { desc: 'admin off, workers number', yaml: 'admin: false\nworkers: 4\n' },
    { desc: 'IPv6 backend', yaml: 'routes: [{ path: /, backendService: "[::1]:8080" }]' },
    { desc: 'method list, host list', yaml: 'routes: [{ path: /, method: [GET, HEAD, PURGE], host: ["*.a.com", b.com], backendService: a:1 }]' },
    { desc: 'regex route', yaml: 'routes: [{ path: "^/v[0-9]+/.*$", pathType: RegularExpression, backendService: a:1 }]' },
    { desc: 'stripPrefix on implicit PathPrefix', yaml: 'routes: [{ path: /api, stripPrefix: true, backendService: a:1 }]' },
    { desc: 'stripPrefix false on Exact route', yaml: 'routes: [{ path: /a, pathType: Exact, stripPrefix: false, backendService: a:1 }]' },
    { desc: 'rewrite prefix', yaml: 'routes: [{ path: /api, rewrite: { prefix: /v2 }, backendService: a:1 }]' },
    { desc: 'rewrite regex', yaml: 'routes: [{ path: /api, pathType: Exact, rewrite: { regex: "^/api/(.*)", replacement: "/$1" }, backendService: a:1 }]' },
    { desc: 'rewrite path', yaml: 'routes: [{ path: /u/:id, rewrite: { path: /users/:id }, backendService: a:1 }]' },
    {
        desc: 'header and query matches',
        yaml: 'routes: [{ path: /, backendService: a:1, headers: [{ name: x-env, value: canary }, { name: x-id, type: RegularExpression, value: "^[0-9]+$" }, { name: x-p }], query: [{ name: debug, type: Present }] }]',
    },
    { desc: 'service name with dash used as backend', yaml: 'services: { orders-v2: { endpoints: ["orders:80"] } }\nroutes: [{ path: /, backendService: orders-v2 }]' },
    { desc: 'env substitution everywhere', yaml: 'listen:\n  port: ${PORT}\nroutes:\n  - path: /${P:-api}\n    backendService: ${HOST}:${BPORT}\n', env: { PORT: '8080', HOST: 'a', BPORT: '80' } },
];
for (const c of GOOD) {
    test(`accepts: ${c.desc}`, () => {
        assert.doesNotThrow(() => load(c.yaml, c.env));
    });
}
const R = 'routes:\n  - path: /\n    backendService: a:1\n';
const BAD = [
    // schema: types, bounds, required
    {
        desc: 'nested minimum (brief example)',
        yaml: `${R}  - path: /b\n    backendService: a:1\n  - path: /c\n    backendService: a:1\n    circuitBreaker: { failureThreshold: 0, timeoutSeconds: 30, halfOpenRequests: 3 }\n`,
        issues: [['routes[2].circuitBreaker.failureThreshold', 'must be >= 1']],
    },
    { desc: 'wrong type with value shown', yaml: 'listen: { port: "80" }', issues: [['listen.port', 'must be an integer, got "80"']] },
    { desc: 'not an integer', yaml: 'listen: { port: 80.5 }', issues: [['listen.port', 'must be an integer, got 80.5']] },
    { desc: 'maximum', yaml: 'listen: { port: 70000 }', issues: [['listen.port', 'must be <= 65535']] },
    { desc: 'exclusive minimum', yaml: `${R}    timeoutSeconds: 0\n`, issues: [['routes[0].timeoutSeconds', 'must be > 0']] },
    { desc: 'infinity', yaml: 'drainTimeoutSeconds: .inf', issues: [['drainTimeoutSeconds', 'must be a finite number, got Infinity']] },
    { desc: 'required key', yaml: 'routes: [{ path: / }]', issues: [['routes[0].backendService', 'is required']] },
    { desc: 'empty string', yaml: 'routes: [{ path: "", backendService: a:1 }]', issues: [['routes[0].path', 'must not be empty']] },
    { desc: 'empty list', yaml: 'services: { a: { endpoints: [] } }', issues: [['services.a.endpoints', 'must not be empty']] },
    { desc: 'root is not a mapping', yaml: '- a\n- b\n', issues: [['(root)', 'must be an object, got a list']] },
    { desc: 'list expected', yaml: 'routes: { path: / }', issues: [['routes', 'must be a list, got an object']] },
    { desc: 'literal or object union', yaml: 'services: { a: { endpoints: ["a:1"], loadBalancer: fastest } }', issues: [['services.a.loadBalancer', 'must be "round-robin", "weighted", "least-request", "random" or an object, got "fastest"']] },
    { desc: 'pattern inside a union branch', yaml: 'services: { a: { endpoints: ["a:1"], loadBalancer: { type: consistent-hash, key: "head:x" } } }', issues: [['services.a.loadBalancer.key', 'must match the pattern ^(header:.+|cookie:.+|ip)$']] },
    // unknown keys
    { desc: 'did you mean (route key)', yaml: `${R}    timeoutSecond: 5\n`, issues: [['routes[0].timeoutSecond', 'unknown key (did you mean "timeoutSeconds"?)']] },
    { desc: 'did you mean (case)', yaml: `${R}    backendservice: x\n`, issues: [['routes[0].backendservice', 'unknown key (did you mean "backendService"?)']] },
    { desc: 'did you mean (root)', yaml: 'routs: []', issues: [['routs', 'unknown key (did you mean "routes"?)']] },
    { desc: 'unknown key without a close match', yaml: `${R}    frobnicate: 1\n`, issues: [['routes[0].frobnicate', 'unknown key']] },
    { desc: '__proto__ is just an unknown key', yaml: '__proto__: { listen: 1 }', issues: [['__proto__', 'unknown key']] },
    { desc: 'key path with non-identifier key', yaml: 'services: { orders-v2: { endpoints: ["a:1"], weight: 1 } }', issues: [['services["orders-v2"].weight', 'unknown key']] },
    // unions
    { desc: 'enum-like union', yaml: 'mesh: { meshType: kuma }', issues: [['mesh.meshType', 'must be one of: none, istio, linkerd, consul']] },
    { desc: 'logLevel enum', yaml: 'logLevel: verbose', issues: [['logLevel', 'must be one of: fatal, error, warn, info, debug, trace, silent']] },
    { desc: 'workers out of range', yaml: 'workers: 0', issues: [['workers', 'must be "auto" or an integer >= 1, got 0']] },
    { desc: 'workers wrong word', yaml: 'workers: many', issues: [['workers', 'must be "auto" or an integer >= 1, got "many"']] },
    { desc: 'admin true', yaml: 'admin: true', issues: [['admin', 'must be an object or false, got true']] },
    { desc: 'admin object branch reports inside', yaml: 'admin: { port: 99999 }', issues: [['admin.port', 'must be <= 65535']] },
    {
        desc: 'endpoint object branch: unknown key and missing key',
        yaml: 'services: { a: { endpoints: [{ adress: "a:1" }] } }',
        issues: [
            ['services.a.endpoints[0].address', 'is required'],
            ['services.a.endpoints[0].adress', 'unknown key (did you mean "address"?)'],
        ],
    },
    { desc: 'endpoint wrong type', yaml: 'services: { a: { endpoints: [5] } }', issues: [['services.a.endpoints[0]', 'must be a string of at least 3 characters or an object, got 5']] },
    { desc: 'method empty list', yaml: `${R}    method: []\n`, issues: [['routes[0].method', 'must not be empty']] },
    { desc: 'method number', yaml: `${R}    method: 3\n`, issues: [['routes[0].method', 'must be a non-empty string or a non-empty list of strings, got 3']] },
    {
        desc: 'several issues at once (schema order)',
        yaml: 'workers: 0\nlisten: { port: -1 }\nroutes: [{ path: /, backendService: a:1, retryPolicy: { maxAttempts: 0, backoffMultiplier: 0.5 } }]',
        issues: [
            ['listen.port', 'must be >= 0'],
            ['workers', 'must be "auto" or an integer >= 1, got 0'],
            ['routes[0].retryPolicy.maxAttempts', 'must be >= 1'],
            ['routes[0].retryPolicy.backoffMultiplier', 'must be >= 1'],
        ],
    },
    // semantic
    { desc: 'unknown service', yaml: 'services: { users: { endpoints: ["a:1"] } }\nroutes: [{ path: /, backendService: user }]', issues: [['routes[0].backendService', 'no service named "user" under services (did you mean "users"?); use a service name or host:port']] },
    { desc: 'backend port out of range', yaml: 'routes: [{ path: /, backendService: "a:0" }]', issues: [['routes[0].backendService', '"a:0" is neither a service under services nor a valid host:port: port must be 1-65535, got 0']] },
    { desc: 'unbracketed IPv6 backend', yaml: 'routes: [{ path: /, backendService: "::1:80" }]', issues: [['routes[0].backendService', '"::1:80" is neither a service under services nor a valid host:port: write IPv6 addresses in brackets: [::1]:80']] },
    {
        desc: 'endpoint addresses',
        yaml: 'services: { a: { endpoints: ["a:99999", { address: "no-port" }, "a b:80"] } }',
        issues: [
            ['services.a.endpoints[0]', 'must be host:port: port must be 1-65535, got 99999'],
            ['services.a.endpoints[1].address', 'must be host:port: missing ":port"'],
            ['services.a.endpoints[2]', 'must be host:port: "a b" is not a valid host name or IPv4 address'],
        ],
    },
    { desc: 'bad path regex', yaml: 'routes: [{ path: "/(a", pathType: RegularExpression, backendService: a:1 }]', issues: [['routes[0].path', 'invalid regular expression: Unterminated group']] },
    { desc: 'bad header regex', yaml: `${R}    headers: [{ name: x, type: RegularExpression, value: "[" }]\n`, issues: [['routes[0].headers[0].value', 'invalid regular expression: Unterminated character class']] },
    { desc: 'bad query regex', yaml: `${R}    query: [{ name: q, type: RegularExpression, value: "a{2,1}" }]\n`, issues: [['routes[0].query[0].value', 'invalid regular expression: numbers out of order in {} quantifier']] },
    { desc: 'regex match without value', yaml: `${R}    headers: [{ name: x, type: RegularExpression }]\n`, issues: [['routes[0].headers[0].value', 'is required with type RegularExpression']] },
    { desc: 'bad rewrite regex', yaml: `${R}    rewrite: { regex: "(", replacement: "/" }\n`, issues: [['routes[0].rewrite.regex', 'invalid regular expression: Unterminated group']] },
    { desc: 'rewrite with two modes', yaml: `${R}    rewrite: { prefix: /a, path: /b }\n`, issues: [['routes[0].rewrite', 'use only one of: prefix, regex + replacement, path (found prefix, path)']] },
    { desc: 'empty rewrite', yaml: `${R}    rewrite: {}\n`, issues: [['routes[0].rewrite', 'must set one of: prefix, regex + replacement, path']] },
    { desc: 'regex without replacement', yaml: `${R}    rewrite: { regex: "^/a" }\n`, issues: [['routes[0].rewrite.replacement', 'is required with rewrite.regex']] },
    { desc: 'stripPrefix on Exact', yaml: 'routes: [{ path: /a, pathType: Exact, stripPrefix: true, backendService: a:1 }]', issues: [['routes[0].stripPrefix', 'only allowed on PathPrefix routes (this route is Exact)']] },
    { desc: 'rewrite.prefix on regex route', yaml: 'routes: [{ path: "^/a", pathType: RegularExpression, rewrite: { prefix: /b }, backendService: a:1 }]', issues: [['routes[0].rewrite.prefix', 'only allowed on PathPrefix routes (this route is RegularExpression)']] },
    { desc: 'stripPrefix with rewrite.prefix', yaml: `${R}    stripPrefix: true\n    rewrite: { prefix: /b }\n`, issues: [['routes[0].stripPrefix', 'cannot be combined with rewrite.prefix (rewrite.prefix already replaces the matched prefix)']] },
    { desc: 'duplicate route names', yaml: 'routes: [{ name: a, path: /, backendService: a:1 }, { name: b, path: /b, backendService: a:1 }, { name: a, path: /c, backendService: a:1 }]', issues: [['routes[2].name', 'duplicate route name "a" (also routes[0].name)']] },
    { desc: 'bad method token', yaml: `${R}    method: [GET, "GE T"]\n`, issues: [['routes[0].method[1]', '"GE T" is not a valid HTTP method (letters, digits and !#$%&\'*+-.^_`|~ only)']] },
    { desc: 'path without slash', yaml: 'routes: [{ path: api, backendService: a:1 }]', issues: [['routes[0].path', 'must start with "/" (pathType PathPrefix)']] },
    { desc: 'admin port equals listen port', yaml: 'listen: { port: 8080 }\nadmin: { port: 8080 }', issues: [['admin.port', 'must differ from listen.port (8080)']] },
    { desc: 'empty service name', yaml: 'services: { "": { endpoints: ["a:1"] } }', issues: [['services[""]', 'service name must not be empty']] },
    // env
    { desc: 'missing variable', yaml: `${R}    hostRewrite: \${UPSTREAM_HOST}\n`, issues: [['routes[0].hostRewrite', 'environment variable UPSTREAM_HOST is not set (use ${UPSTREAM_HOST:-default} to give a default)']] },
    { desc: 'unterminated reference', yaml: 'routes: [{ path: "/${A", backendService: a:1 }]', issues: [['routes[0].path', 'unterminated "${" (write "$${" for a literal "${")']] },
    { desc: 'substituted text that is not a number', yaml: 'listen:\n  port: ${PORT}\n', env: { PORT: 'http' }, issues: [['listen.port', 'must be an integer, got "http"']] },
];
for (const c of BAD) {
    test(`rejects: ${c.desc}`, () => {
        assert.deepEqual(issuesOf(() => load(c.yaml, c.env)), c.issues);
    });
}
test('ConfigError message: one line per issue, prefixed with the file', () => {
    try {
        load('workers: 0\nroutes: [{ path: /, backendService: a:1, timeoutSecond: 1 }]');
        assert.fail('accepted');
    }
    catch (err) {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.name, 'ConfigError');
        assert.equal(err.file, FILE);
        assert.equal(err.message, [
            'gateway.yaml: workers: must be "auto" or an integer >= 1, got 0',
            'gateway.yaml: routes[0].timeoutSecond: unknown key (did you mean "timeoutSeconds"?)',
        ].join('\n'));
    }
});
test('env: defaults, escapes, numbers and booleans by schema position', () => {
    const cfg = load([
        'listen:',
        '  port: ${PORT}',
        'workers: ${WORKERS:-auto}',
        'admin: ${ADMIN:-false}',
        'drainTimeoutSeconds: ${DRAIN}',
        'routes:',
        '  - name: ${NAME:-r1}',
        '    path: /$${literal}/${EMPTY:-x}',
        '    backendService: ${H}:${P}',
        '    stripPrefix: ${STRIP}',
        '    hostRewrite: "${H}"',
    ].join('\n'), { PORT: '8080', DRAIN: '2.5', EMPTY: '', H: '10.0.0.1', P: '80', STRIP: 'true' });
    assert.equal(cfg.listen?.port, 8080);
    assert.equal(cfg.workers, 'auto');
    assert.equal(cfg.admin, false);
    assert.equal(cfg.drainTimeoutSeconds, 2.5);
    const r = cfg.routes?.[0];
    assert.equal(r?.name, 'r1');
    assert.equal(r?.path, '/${literal}/x');
    assert.equal(r?.backendService, '10.0.0.1:80');
    assert.equal(r?.stripPrefix, true);
    assert.equal(r?.hostRewrite, '10.0.0.1');
    // A number-looking value stays a string where the schema wants a string.
    assert.equal(load('routes: [{ path: /, name: "${N}", backendService: a:1 }]', { N: '42' }).routes?.[0]?.name, '42');
    // workers: a number when the variable holds one.
    assert.equal(load('workers: ${W}', { W: '4' }).workers, 4);
});
test('env: values are data, never YAML structure', () => {
    const cfg = load('routes: [{ path: /, backendService: a:1, hostRewrite: "${V}" }]', { V: 'x\nlisten: { port: 1 }\n}]' });
    assert.equal(cfg.listen, undefined);
    assert.equal(cfg.routes?.[0]?.hostRewrite, 'x\nlisten: { port: 1 }\n}]');
});
test('env: every missing variable is reported with its key path; keys are not substituted', () => {
    assert.deepEqual(issuesOf(() => substituteEnv({ a: ['${X}', { b: 'ok ${Y} ${Z:-z}' }], '${K}': 1 }, FILE, {})), [
        ['a[0]', 'environment variable X is not set (use ${X:-default} to give a default)'],
        ['a[1].b', 'environment variable Y is not set (use ${Y:-default} to give a default)'],
    ]);
    const input = { k: '${A}' };
    assert.deepEqual(substituteEnv(input, FILE, { A: 'v' }), { k: 'v' });
    assert.deepEqual(input, { k: '${A}' }, 'input not modified');
    // One pass: a value that itself contains ${...} is not expanded again.
    assert.deepEqual(substituteEnv({ k: '${A}' }, FILE, { A: '${B}', B: 'no' }), { k: '${B}' });
});
test('YAML syntax errors carry line and column', () => {
    try {
        parseConfigText('listen:\n  port: 80\nroutes: [a, b\nworkers: 1\n', FILE);
        assert.fail('accepted');
    }
    catch (err) {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.issues.length, 1);
        const i = err.issues[0];
        assert.equal(i.line, 4);
        assert.equal(i.column, 1);
        assert.match(err.message, /^gateway\.yaml: line 4, column 1: /);
    }
});
test('YAML: duplicate keys, several documents, empty file, unresolved alias, unknown tag', () => {
    const cases = [
        ['a: 1\na: 2\n', /^gateway\.yaml: line 2, column 1: Map keys must be unique$/],
        ['a: 1\n---\nb: 2\n', /^gateway\.yaml: line 2, column 1: the file must hold a single YAML document/],
        ['', /^gateway\.yaml: the file is empty/],
        ['# only a comment\n', /^gateway\.yaml: the file is empty/],
        ['a: *nope\n', /^gateway\.yaml: .*nope/],
        ['a: !secret x\n', /^gateway\.yaml: line 1, column 4: .*!secret/],
        ['listen: { port: ${PORT} }\n', /hint: quote/],
    ];
    for (const [text, re] of cases) {
        assert.throws(() => parseConfigText(text, FILE), (err) => err instanceof ConfigError && re.test(err.message), JSON.stringify(text));
    }
});
test('YAML 1.2: yes/no and 010 are not YAML 1.1 booleans/octals', () => {
    assert.deepEqual(parseConfigText('a: yes\nb: 010\nc: 0o10\n', FILE), { a: 'yes', b: 10, c: 8 });
});
test('files: YAML, JSON, BOM, missing file, directory; async and sync agree', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'meshgate-config-'));
    try {
        const yamlFile = join(dir, 'gateway.yaml');
        writeFileSync(yamlFile, EXAMPLE);
        const jsonFile = join(dir, 'gateway.json');
        writeFileSync(jsonFile, '\uFEFF' + JSON.stringify(loadConfigText(EXAMPLE, 'x', {}), null, 2));
        const a = await loadConfigFile(yamlFile, {});
        assert.deepEqual(loadConfigFileSync(yamlFile, {}), a);
        assert.deepEqual(await loadConfigFile(jsonFile, {}), a);
        const missing = join(dir, 'nope.yaml');
        await assert.rejects(loadConfigFile(missing), (err) => err instanceof ConfigError && err.message === `${missing}: file not found` && err.file === missing);
        assert.throws(() => loadConfigFileSync(missing), (err) => err instanceof ConfigError && err.message === `${missing}: file not found`);
        await assert.rejects(loadConfigFile(dir), (err) => err instanceof ConfigError && err.message === `${dir}: is a directory, not a config file`);
        const bad = join(dir, 'bad.json');
        writeFileSync(bad, '{\n  "listen": {"port": 80},\n  "routes": [{"path": "/", "backendServic": "a:1"}]\n}\n');
        await assert.rejects(loadConfigFile(bad, {}), (err) => err instanceof ConfigError &&
            err.message === [`${bad}: routes[0].backendService: is required`, `${bad}: routes[0].backendServic: unknown key (did you mean "backendService"?)`].join('\n'));
    }
    finally {
        rmSync(dir, { recursive: true, force: true });
    }
});
test('validateConfig returns the same value typed; does not modify it', () => {
    const v = parseConfigText(EXAMPLE, FILE);
    const snapshot = JSON.stringify(v);
    assert.equal(validateConfig(v, FILE), v);
    assert.equal(JSON.stringify(v), snapshot);
});
test('helpers: formatPath, didYouMean, parseHostPort', () => {
    assert.equal(formatPath([]), '(root)');
    assert.equal(formatPath(['routes', 2, 'circuitBreaker', 'failureThreshold']), 'routes[2].circuitBreaker.failureThreshold');
    assert.equal(formatPath(['services', 'a.b', 'endpoints', 0]), 'services["a.b"].endpoints[0]');
    assert.equal(didYouMean('timeoutSecond', ['timeoutSeconds', 'path']), 'timeoutSeconds');
    assert.equal(didYouMean('pahtType', ['path', 'pathType']), 'pathType');
    assert.equal(didYouMean('xyz', ['listen', 'routes']), undefined);
    assert.deepEqual(parseHostPort('[::1]:443'), { host: '::1', port: 443 });
    assert.deepEqual(parseHostPort('orders-service:8080'), { host: 'orders-service', port: 8080 });
    assert.deepEqual(parseHostPort('10.0.0.1:1'), { host: '10.0.0.1', port: 1 });
    assert.equal(parseHostPort('[::1]'), 'missing ":port" after the IPv6 address');
    assert.equal(parseHostPort('a:65536'), 'port must be 1-65535, got 65536');
    assert.equal(parseHostPort('a:'), 'missing port after ":"');
    assert.equal(parseHostPort(':80'), 'missing host before ":"');
});
test('configJsonSchema: draft 2020-12, plain JSON, fresh copy', () => {
    const s = configJsonSchema();
    assert.equal(Object.keys(s)[0], '$schema');
    assert.equal(s['$schema'], 'https://json-schema.org/draft/2020-12/schema');
    assert.equal(s['$id'], 'https://meshgate.dev/schema/config.json');
    assert.equal(s['type'], 'object');
    const text = JSON.stringify(s);
    assert.deepEqual(JSON.parse(text), s, 'round-trips through JSON');
    assert.equal(Object.getOwnPropertySymbols(s).length, 0);
    s['properties']['x'] = 1;
    assert.equal(configJsonSchema()['properties']['x'], undefined);
});
//# sourceMappingURL=load.test.js.map