/**
 * The TypeScript API as PRODUCT.md shows it: construct, addRoute/addService, listen, reload,
 * close, over real sockets.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { ApiGateway, ConfigError } from '../../src/index.js';
import { silentLogger } from '../helpers/gateway.js';
import { request, waitFor } from '../helpers/traffic.js';
import { startUpstream } from '../helpers/upstream.js';
let orders;
let users;
before(async () => {
    orders = await startUpstream('orders');
    users = await startUpstream('users');
});
after(async () => {
    await orders.close();
    await users.close();
});
/** The PRODUCT.md constructor, plus what a test needs: admin on a free port, no logs. */
function productGateway() {
    return new ApiGateway({
        meshType: 'istio',
        mtlsMode: 'STRICT',
        sidecarPort: 15001,
        controlPlaneEndpoint: 'istiod.istio-system:15012',
        admin: { host: '127.0.0.1', port: 0 },
        logger: silentLogger,
    });
}
function portIsFree(port) {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once('error', () => resolve(false));
        server.listen(port, '0.0.0.0', () => server.close(() => resolve(true)));
    });
}
describe('ApiGateway', () => {
    test('the PRODUCT.md example: a POST route with its policies goes through', async (t) => {
        const gateway = productGateway();
        gateway.addRoute({
            path: '/api/v1/orders',
            method: 'POST',
            backendService: orders.address,
            rateLimitRps: 50,
            circuitBreaker: { failureThreshold: 5, timeoutSeconds: 30, halfOpenRequests: 3 },
            retryPolicy: { maxAttempts: 3, backoffMultiplier: 2.0, initialDelayMs: 100 },
            timeoutSeconds: 5,
        });
        const port = await gateway.listen(0);
        t.after(() => gateway.close());
        assert.ok(port > 0);
        assert.equal(gateway.port, port);
        assert.equal(gateway.version, 1);
        const r = await request(port, { method: 'POST', path: '/api/v1/orders', headers: { 'content-type': 'application/json' }, body: '{"item":"book"}' });
        assert.equal(r.status, 200);
        const echo = JSON.parse(r.body);
        assert.equal(echo.method, 'POST');
        assert.equal(echo.url, '/api/v1/orders');
        assert.equal(echo.body, '{"item":"book"}');
        assert.equal(echo.server, 'orders');
        const get = await request(port, { path: '/api/v1/orders' });
        assert.equal(get.status, 404, 'the route is POST only');
        // The mesh keys land under mesh: in the effective config.
        const cfg = (await (await fetch(`http://127.0.0.1:${gateway.adminPort}/config`)).json());
        assert.deepEqual(cfg.config.mesh, { meshType: 'istio', mtlsMode: 'STRICT', sidecarPort: 15001, controlPlaneEndpoint: 'istiod.istio-system:15012' });
    });
    test('addService + addRoute after listen take effect at reload()', async (t) => {
        const gateway = productGateway();
        gateway.addRoute({ path: '/api/v1/orders', backendService: orders.address });
        const port = await gateway.listen(0);
        t.after(() => gateway.close());
        gateway.addService('users', { endpoints: [users.address] });
        gateway.addRoute({ path: '/api/v1/users', method: 'GET', backendService: 'users' });
        assert.equal((await request(port, { path: '/api/v1/users/1' })).status, 404, 'staged, not applied');
        assert.equal(await gateway.reload(), 2);
        assert.equal(gateway.version, 2);
        const r = await request(port, { path: '/api/v1/users/1' });
        assert.equal(r.status, 200);
        assert.equal(r.headers['x-upstream'], 'users');
        assert.equal((await request(port, { path: '/api/v1/orders' })).status, 200, 'the earlier route still serves');
    });
    test('reload() with an invalid route throws ConfigError; the old config keeps serving; the bad route is dropped', async (t) => {
        const gateway = productGateway();
        gateway.addRoute({ path: '/api/v1/orders', backendService: orders.address });
        const port = await gateway.listen(0);
        t.after(() => gateway.close());
        gateway.addRoute({ path: '/api/v1/users', backendService: 'users-without-port' });
        await assert.rejects(gateway.reload(), (err) => {
            assert.ok(err instanceof ConfigError);
            assert.equal(err.issues[0]?.path, 'routes[1].backendService');
            assert.match(err.message, /routes\[1\]\.backendService/);
            return true;
        });
        assert.equal(gateway.version, 1);
        assert.equal((await request(port, { path: '/api/v1/orders' })).status, 200);
        // An unknown key, with the nearest valid key.
        gateway.addRoute({ path: '/x', backendService: orders.address, timeoutSecond: 1 });
        await assert.rejects(gateway.reload(), /routes\[1\]\.timeoutSecond: .*did you mean "timeoutSeconds"/);
        // The refused routes are gone: the next good change applies on its own.
        gateway.addRoute({ path: '/api/v1/users', backendService: users.address });
        assert.equal(await gateway.reload(), 2);
        assert.equal((await request(port, { path: '/api/v1/users' })).headers['x-upstream'], 'users');
    });
    test('timeoutSeconds answers 504 problem+json when the upstream is too slow', async (t) => {
        const stuck = await startUpstream('stuck', (req) => req.resume());
        t.after(() => stuck.close());
        const gateway = productGateway();
        gateway.addRoute({ path: '/slow', backendService: stuck.address, timeoutSeconds: 0.3 });
        const port = await gateway.listen(0);
        t.after(() => gateway.close());
        const started = Date.now();
        const r = await request(port, { path: '/slow', headers: { 'x-request-id': 'abc-1' } });
        const took = Date.now() - started;
        assert.equal(r.status, 504);
        assert.equal(r.headers['content-type'], 'application/problem+json');
        const doc = JSON.parse(r.body);
        assert.equal(doc.status, 504);
        assert.equal(doc.code, 'MG_UPSTREAM_TIMEOUT');
        assert.equal(doc.instance, 'abc-1');
        assert.ok(took >= 280 && took < 2000, `answered after ${took} ms`);
    });
    test('close() lets in-flight requests finish, resolves, and frees the ports', async (t) => {
        const slow = await startUpstream('slow', (req, res) => {
            req.resume();
            setTimeout(() => res.end('done'), 300);
        });
        t.after(() => slow.close());
        const gateway = productGateway();
        gateway.addRoute({ path: '/', backendService: slow.address });
        const port = await gateway.listen(0);
        const adminPort = gateway.adminPort;
        let settled = false;
        const inFlight = request(port, { path: '/work' }).finally(() => (settled = true));
        assert.ok((await waitFor(() => slow.requests === 1, 2000)) >= 0);
        // close() twice (a second signal, two owners): the second call also waits for the whole shutdown.
        const first = gateway.close();
        await gateway.close();
        assert.equal(settled, true, 'the second close() resolved only after the in-flight request finished');
        const r = await inFlight;
        assert.equal(r.status, 200);
        assert.equal(r.body, 'done');
        assert.equal(r.headers.connection, 'close');
        await first;
        assert.equal(await portIsFree(port), true, 'data-plane port is free');
        assert.equal(await portIsFree(adminPort), true, 'admin port is free');
        await assert.rejects(request(port, { path: '/' }), /ECONNREFUSED/);
    });
    test('listen() twice and reload() before listen() are errors; listen() may be retried after EADDRINUSE', async (t) => {
        const blocker = net.createServer();
        await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
        const taken = blocker.address().port;
        const gateway = productGateway();
        gateway.addRoute({ path: '/', backendService: orders.address });
        await assert.rejects(gateway.reload(), /listen\(\) first/);
        await assert.rejects(gateway.listen(taken, '127.0.0.1'), /EADDRINUSE/);
        await new Promise((resolve) => blocker.close(() => resolve()));
        const port = await gateway.listen(taken, '127.0.0.1');
        t.after(() => gateway.close());
        assert.equal(port, taken);
        assert.equal((await request(port, { path: '/' })).status, 200);
        await assert.rejects(gateway.listen(0), /already called/);
    });
    test('workers: 2 through the API, on port 0', { timeout: 20_000 }, async (t) => {
        const gateway = new ApiGateway({ workers: 2, admin: { host: '127.0.0.1', port: 0 }, logger: silentLogger, routes: [{ path: '/', backendService: orders.address }] });
        const port = await gateway.listen(0, '127.0.0.1');
        t.after(() => gateway.close());
        const replies = await Promise.all(Array.from({ length: 10 }, () => request(port, { path: '/w', headers: { connection: 'close' } })));
        assert.deepEqual(replies.map((r) => r.status), Array(10).fill(200));
        gateway.addRoute({ path: '/users', backendService: users.address });
        assert.equal(await gateway.reload(), 2);
        const after = await Promise.all(Array.from({ length: 10 }, () => request(port, { path: '/users', headers: { connection: 'close' } })));
        assert.deepEqual(after.map((r) => r.headers['x-upstream']), Array(10).fill('users'));
    });
});
//# sourceMappingURL=api.test.js.map