/**
 * The `meshgate` executable as a user runs it: validate, schema, start, usage errors, version,
 * and `${ENV}` substitution through `start`.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { killCli, runCli } from '../helpers/cli.js';
import { startCli, writeConfig } from '../helpers/gateway.js';
import { request } from '../helpers/traffic.js';
import { startUpstream } from '../helpers/upstream.js';
let up;
before(async () => {
    up = await startUpstream('env-upstream');
});
after(() => up.close());
const good = () => ({
    listen: { host: '127.0.0.1', port: 0 },
    services: { users: { endpoints: ['127.0.0.1:9001'] } },
    routes: [
        { name: 'users', path: '/users', backendService: 'users' },
        { name: 'orders', path: '/orders', backendService: '127.0.0.1:9003', timeoutSeconds: 5 },
    ],
});
/** routes[1] has a misspelt key. */
const badFile = () => {
    const cfg = good();
    cfg.routes[1].timeoutSecond = 5;
    delete cfg.routes[1].timeoutSeconds;
    return writeConfig(cfg);
};
/** The repository's package.json (found upwards: the tests run from a build folder). */
function packageJson() {
    for (let url = new URL('./', import.meta.url); url.pathname !== '/'; url = new URL('../', url)) {
        try {
            const pkg = JSON.parse(readFileSync(new URL('package.json', url), 'utf8'));
            if (pkg.name === 'meshgate')
                return pkg;
        }
        catch {
            // keep looking
        }
    }
    throw new Error('package.json not found');
}
function assertNamesTheProblem(stderr, file) {
    assert.ok(stderr.includes(`${file}: routes[1].timeoutSecond:`), stderr);
    assert.ok(stderr.includes('did you mean "timeoutSeconds"'), stderr);
}
describe('meshgate CLI', () => {
    test('validate: a good file exits 0 and says so', async () => {
        const file = writeConfig(good());
        const r = await runCli(['validate', '--config', file]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, `${file}: valid (2 routes, 1 services)\n`);
        assert.equal(r.stderr, '');
    });
    test('validate: a bad file exits 1 naming the file, the key path and the nearest key', async () => {
        const file = badFile();
        const r = await runCli(['validate', '--config', file]);
        assert.equal(r.code, 1);
        assertNamesTheProblem(r.stderr, file);
        assert.equal(r.stdout, '');
    });
    test('validate: every problem is listed, one line each; a missing file is named', async () => {
        const cfg = good();
        cfg.workers = 0;
        cfg.routes[0].pathType = 'Prefix';
        const file = writeConfig(cfg);
        const r = await runCli(['validate', '--config', file]);
        assert.equal(r.code, 1);
        const lines = r.stderr.trim().split('\n');
        assert.ok(lines.length >= 2, r.stderr);
        assert.ok(lines.every((l) => l.startsWith(`${file}: `)), r.stderr);
        assert.ok(lines.some((l) => l.includes('workers')), r.stderr);
        assert.ok(lines.some((l) => l.includes('routes[0].pathType')), r.stderr);
        const missing = await runCli(['validate', '--config', '/nonexistent/gateway.yaml']);
        assert.equal(missing.code, 1);
        assert.equal(missing.stderr, '/nonexistent/gateway.yaml: file not found\n');
    });
    test('schema prints a JSON Schema with the config keys', async () => {
        const r = await runCli(['schema']);
        assert.equal(r.code, 0, r.stderr);
        const schema = JSON.parse(r.stdout);
        assert.match(schema.$schema, /json-schema\.org/);
        assert.equal(schema.properties.routes?.type, 'array');
        const routeKeys = Object.keys(schema.properties.routes?.items?.properties ?? {});
        for (const k of ['path', 'method', 'backendService', 'rateLimitRps', 'circuitBreaker', 'retryPolicy', 'timeoutSeconds'])
            assert.ok(routeKeys.includes(k), k);
        for (const k of ['listen', 'admin', 'workers', 'drainDelaySeconds', 'drainTimeoutSeconds', 'mesh', 'services'])
            assert.ok(k in schema.properties, k);
    });
    test('start with a bad file exits 1 with the same message, and never listens', async () => {
        const file = badFile();
        const r = await runCli(['start', '--config', file], { timeoutMs: 10_000 });
        assert.equal(r.code, 1);
        assertNamesTheProblem(r.stderr, file);
        const validate = await runCli(['validate', '--config', file]);
        assert.equal(r.stderr, validate.stderr);
    });
    test('usage errors exit 2: unknown command, unknown option, missing --config', async () => {
        const [unknown, option, noConfig, none] = await Promise.all([runCli(['launch']), runCli(['start', '--conifg', 'x.yaml']), runCli(['validate']), runCli([])]);
        assert.equal(unknown.code, 2);
        assert.match(unknown.stderr, /unknown command "launch"/);
        assert.match(unknown.stderr, /Usage:/);
        assert.equal(option.code, 2);
        assert.match(option.stderr, /--conifg/);
        assert.equal(noConfig.code, 2);
        assert.match(noConfig.stderr, /--config/);
        assert.equal(none.code, 2);
        assert.match(none.stdout + none.stderr, /Usage:/);
    });
    test('--version prints the package version; --help the usage', async () => {
        const pkg = packageJson();
        for (const flag of ['--version', '-v']) {
            const r = await runCli([flag]);
            assert.equal(r.code, 0);
            assert.equal(r.stdout, `${pkg.version}\n`);
        }
        const help = await runCli(['--help']);
        assert.equal(help.code, 0);
        assert.match(help.stdout, /meshgate start --config <file>/);
    });
    test('start substitutes ${ENV} (the upstream port comes from the environment)', { timeout: 30_000 }, async (t) => {
        const cli = await startCli({ workers: 1, routes: [{ path: '/env', backendService: '127.0.0.1:${UPSTREAM_PORT}', timeoutSeconds: '${ROUTE_TIMEOUT:-5}' }] }, { env: { UPSTREAM_PORT: String(up.port) } });
        t.after(() => killCli(cli));
        const r = await request(cli.port, { path: '/env/x' });
        assert.equal(r.status, 200);
        assert.equal(r.headers['x-upstream'], 'env-upstream');
        const config = (await (await fetch(`http://127.0.0.1:${cli.adminPort}/config`)).json());
        assert.equal(config.config.routes[0].backendService, up.address);
        assert.equal(config.config.routes[0].timeoutSeconds, 5);
    });
    test('start with an unset ${ENV} exits 1 naming the variable and the key path', async () => {
        const file = writeConfig({ listen: { host: '127.0.0.1', port: 0 }, routes: [{ path: '/env', backendService: '127.0.0.1:${MESHGATE_TEST_UNSET}' }] });
        const env = { ...process.env };
        delete env.MESHGATE_TEST_UNSET;
        const r = await runCli(['start', '--config', file], { env, timeoutMs: 10_000 });
        assert.equal(r.code, 1);
        assert.ok(r.stderr.includes(`${file}: routes[0].backendService: environment variable MESHGATE_TEST_UNSET is not set`), r.stderr);
    });
    test('start exits 3 and names the listener when a port is taken', async (t) => {
        const blocker = net.createServer();
        await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
        t.after(() => new Promise((resolve) => blocker.close(() => resolve())));
        const taken = blocker.address().port;
        const file = writeConfig({ logLevel: 'silent', workers: 1, listen: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: taken }, routes: [] });
        const r = await runCli(['start', '--config', file], { timeoutMs: 10_000 });
        assert.equal(r.code, 3);
        assert.match(r.stderr, new RegExp(`^meshgate: cannot start: admin listener: .*EADDRINUSE.*${taken}`));
    });
    test('a YAML syntax error is reported with line and column', async () => {
        const file = writeConfig({});
        writeFileSync(file, 'routes:\n  - path: /a\n    backendService: [x\n');
        const r = await runCli(['validate', '--config', file]);
        assert.equal(r.code, 1);
        assert.match(r.stderr, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: line \\d+, column \\d+: `));
    });
});
//# sourceMappingURL=cli.test.js.map