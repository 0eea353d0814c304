/**
 * The admin listener: probe semantics through start-up, running and draining; /config; /routes
 * in match order (JSON and aligned text); problem+json for what it does not serve.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ApiGateway } from '../../src/index.js';
import { silentLogger, startGateway } from '../helpers/gateway.js';
import { freePort } from '../helpers/net.js';
import { request, sleep } from '../helpers/traffic.js';
import { startUpstream } from '../helpers/upstream.js';
let up;
before(async () => {
    up = await startUpstream('up');
});
after(() => up.close());
async function get(port, path, init = {}) {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, init);
    return { status: res.status, type: res.headers.get('content-type') ?? '', text: await res.text(), headers: res.headers };
}
/** Routes in file order, deliberately not in match order. */
const routes = () => [
    { name: 'api', path: '/api', backendService: up.address },
    { name: 'users-exact', path: '/api/users', pathType: 'Exact', backendService: up.address },
    { name: 'users', path: '/api/users', backendService: 'users' },
    { name: 'users-canary', path: '/api/users', headers: [{ name: 'x-canary', value: '1' }], backendService: 'users' },
    { name: 'api-get', path: '/api', method: 'GET', backendService: up.address },
    { name: 'api-later', path: '/api', backendService: up.address },
];
describe('admin API', () => {
    test('/livez, /readyz, /startupz while starting, running and draining', { timeout: 30_000 }, async () => {
        // Two worker processes take a moment to start: the admin listener answers before they listen.
        const adminPort = await freePort();
        const gateway = new ApiGateway({
            workers: 2, drainDelaySeconds: 0.6, admin: { host: '127.0.0.1', port: adminPort }, logger: silentLogger,
            routes: [{ path: '/', backendService: up.address }],
        });
        const listening = gateway.listen(0, '127.0.0.1');
        listening.catch(() => { }); // awaited below; a failure must not count as unhandled meanwhile
        const seen = [];
        for (let i = 0; i < 300; i++) {
            const probes = await Promise.all(['/livez', '/readyz', '/startupz'].map((p) => get(adminPort, p).then((r) => r.status, () => 0)));
            if (probes[0] === 0) {
                await sleep(5);
                continue;
            }
            const line = probes.join(' ');
            if (seen.at(-1) !== line)
                seen.push(line);
            if (line === '200 200 200')
                break;
            await sleep(5);
        }
        const port = await listening;
        assert.equal(seen[0], '200 503 503', `starting: live, not ready, not started (${seen.join(' | ')})`);
        assert.equal(seen.at(-1), '200 200 200');
        const ready = await get(adminPort, '/readyz');
        assert.deepEqual(JSON.parse(ready.text), { status: 'ready', version: 1 });
        const closing = gateway.close();
        const draining = await Promise.all(['/livez', '/readyz', '/startupz'].map((p) => get(adminPort, p)));
        assert.deepEqual(draining.map((r) => r.status), [200, 503, 200], 'draining: live, not ready, started');
        assert.equal(draining[1].type, 'application/problem+json');
        assert.equal(JSON.parse(draining[1].text).code, 'MG_NOT_READY');
        // Still serving during the drain delay.
        assert.equal((await request(port, { path: '/x' })).status, 200);
        await closing;
        await assert.rejects(fetch(`http://127.0.0.1:${adminPort}/livez`), 'the admin listener is closed after shutdown');
    });
    test('/config shows the effective config and its version', async (t) => {
        const gw = await startGateway({ services: { users: { endpoints: [up.address] } }, routes: routes() });
        t.after(() => gw.close());
        const r = await get(gw.adminPort, '/config');
        assert.equal(r.status, 200);
        assert.equal(r.type, 'application/json');
        const body = JSON.parse(r.text);
        assert.equal(body.version, 1);
        assert.deepEqual(body.config.services, { users: { endpoints: [up.address] } });
        assert.deepEqual(body.config.routes.map((x) => x.name), routes().map((x) => x.name));
        assert.equal(body.config.workers, 1);
        assert.equal('logger' in body.config, false);
        gw.gateway.addRoute({ name: 'added', path: '/added', backendService: up.address });
        assert.equal(await gw.gateway.reload(), 2);
        const after = JSON.parse((await get(gw.adminPort, '/config')).text);
        assert.equal(after.version, 2);
        assert.equal(after.config.routes.at(-1).name, 'added');
    });
    test('/routes lists the compiled table in match order; ?format=text aligns it', async (t) => {
        const gw = await startGateway({ services: { users: { endpoints: [up.address] } }, routes: routes() });
        t.after(() => gw.close());
        const r = await get(gw.adminPort, '/routes');
        assert.equal(r.status, 200);
        const body = JSON.parse(r.text);
        assert.equal(body.version, 1);
        // Exact first; then the longer prefix (header matches first); then /api: method match first, then file order.
        assert.deepEqual(body.routes.map((x) => x.name), ['users-exact', 'users-canary', 'users', 'api-get', 'api', 'api-later']);
        assert.deepEqual(body.routes.map((x) => x.order), [1, 2, 3, 4, 5, 6]);
        assert.deepEqual(body.routes[1], { ...body.routes[1], pathType: 'PathPrefix', path: '/api/users', headers: 1, backendService: 'users' });
        // The table is what the data plane does: the canary header wins over the plain prefix.
        const canary = await request(gw.port, { path: '/api/users/7', headers: { 'x-canary': '1' } });
        assert.equal(canary.status, 200);
        const text = await get(gw.adminPort, '/routes?format=text');
        assert.equal(text.status, 200);
        assert.match(text.type, /^text\/plain/);
        const lines = text.text.trimEnd().split('\n');
        assert.equal(lines.length, 1 + 6);
        assert.match(lines[0], /^#\s+NAME\s+MATCH\s+PATH\s+METHODS\s+HOSTS\s+HDR\s+QRY\s+BACKEND$/);
        // Aligned: every column starts at the same offset on every line.
        for (const column of ['NAME', 'PATH', 'BACKEND']) {
            const at = lines[0].indexOf(column);
            for (const line of lines.slice(1)) {
                assert.ok(line[at - 1] === ' ' && line[at] !== ' ' && line[at] !== undefined, `column ${column} misaligned in ${JSON.stringify(line)}`);
            }
        }
        assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/)[1]), ['users-exact', 'users-canary', 'users', 'api-get', 'api', 'api-later']);
        assert.match(lines[1], /^1\s+users-exact\s+Exact\s+\/api\/users\s+\*\s+\*\s+0\s+0\s+127\.0\.0\.1:\d+$/);
    });
    test('unknown paths are 404 and other methods 405, as problem+json', async (t) => {
        const gw = await startGateway({ routes: [{ path: '/', backendService: up.address }] });
        t.after(() => gw.close());
        const missing = await get(gw.adminPort, '/nope', { headers: { 'x-request-id': 'req-42' } });
        assert.equal(missing.status, 404);
        assert.equal(missing.type, 'application/problem+json');
        const doc = JSON.parse(missing.text);
        assert.deepEqual(Object.keys(doc).sort(), ['code', 'detail', 'instance', 'status', 'title', 'type']);
        assert.equal(doc.status, 404);
        assert.equal(doc.instance, 'req-42');
        assert.match(String(doc.detail), /\/nope/);
        const post = await get(gw.adminPort, '/config', { method: 'POST' });
        assert.equal(post.status, 405);
        assert.equal(post.type, 'application/problem+json');
        assert.equal(post.headers.get('allow'), 'GET, HEAD');
        const head = await get(gw.adminPort, '/livez', { method: 'HEAD' });
        assert.equal(head.status, 200);
        assert.equal(head.text, '');
    });
    test('a malformed request target does not take the admin listener down', async (t) => {
        const gw = await startGateway({ routes: [{ path: '/', backendService: up.address }] });
        t.after(() => gw.close());
        const reply = await new Promise((resolve, reject) => {
            const socket = net.connect(gw.adminPort, '127.0.0.1', () => socket.write('GET http://[ HTTP/1.1\r\nHost: x\r\n\r\n'));
            let data = '';
            socket.on('data', (d) => {
                data += d.toString('latin1');
                if (data.includes('}')) {
                    socket.destroy();
                    resolve(data);
                }
            });
            socket.on('error', reject);
        });
        assert.match(reply, /^HTTP\/1\.1 400 /);
        assert.equal((await get(gw.adminPort, '/livez')).status, 200);
    });
});
//# sourceMappingURL=admin.test.js.map