/**
 * Active health checks over real sockets: an endpoint whose health endpoint fails leaves the
 * rotation and comes back after healthyThreshold passes; a TCP check of a closed port; the
 * verdict survives a reload that keeps the service; with workers: 2 the checks run once (in the
 * primary) and every worker, a replacement included, stops sending to the unhealthy endpoint.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { ApiGateway } from '../../src/index.js';
import { adminJson, killCli, logEvents } from '../helpers/cli.js';
import { startCli } from '../helpers/gateway.js';
import { freePort } from '../helpers/net.js';
import { request, sleep, waitFor } from '../helpers/traffic.js';
import { echo, startUpstream } from '../helpers/upstream.js';
async function checkedUpstream(name) {
    const c = { up: null, health: { status: 200, checks: 0 }, traffic: 0 };
    c.up = await startUpstream(name, (req, res) => {
        if (req.url === '/healthz') {
            c.health.checks++;
            res.writeHead(c.health.status, { 'content-length': 0 });
            res.end();
            return;
        }
        c.traffic++;
        echo(name)(req, res);
    });
    return c;
}
const servicesView = async (adminPort) => (await adminJson(adminPort, '/services')).body;
const endpointView = async (adminPort, service, address) => (await servicesView(adminPort)).services.find((s) => s.name === service).endpoints.find((e) => e.address === address);
/** Which upstream answered each of `n` requests (sequential, each on a new connection). */
async function answers(port, n, path = '/api/x') {
    const out = [];
    for (let i = 0; i < n; i++) {
        const r = await request(port, { path, headers: { connection: 'close' } });
        out.push(r.status === 200 ? String(r.headers['x-upstream']) : `status ${r.status}`);
    }
    return out;
}
/** An in-process gateway whose JSON log lines are kept in `events`. */
async function startLogged(config) {
    const events = [];
    const logger = pino({ level: 'info' }, { write: (line) => events.push(JSON.parse(line)) });
    const gateway = new ApiGateway({ ...config, admin: { host: '127.0.0.1', port: 0 }, listen: { host: '127.0.0.1', port: 0 }, workers: 1, logger });
    const port = await gateway.listen();
    return { gateway, port, adminPort: gateway.adminPort, events };
}
const CHECK = { path: '/healthz', intervalMs: 100, timeoutMs: 500, healthyThreshold: 2, unhealthyThreshold: 2 };
let a;
let b;
before(async () => {
    a = await checkedUpstream('a');
    b = await checkedUpstream('b');
});
after(async () => {
    await a.up.close();
    await b.up.close();
});
const twoEndpoints = (extraRoutes = []) => ({
    services: { svc: { endpoints: [a.up.address, b.up.address], healthCheck: CHECK } },
    routes: [{ name: 'api', path: '/api', backendService: 'svc' }, ...(extraRoutes ?? [])],
});
describe('active health checks', () => {
    test('a failing health endpoint takes its endpoint out of the rotation until it passes healthyThreshold times', { timeout: 20_000 }, async (t) => {
        a.health.status = 200;
        const gw = await startLogged(twoEndpoints());
        t.after(() => gw.gateway.close());
        const first = await answers(gw.port, 6);
        assert.deepEqual(new Set(first), new Set(['a', 'b']), `both serve at first: ${first.join(' ')}`);
        const view = await servicesView(gw.adminPort);
        const svc = view.services.find((s) => s.name === 'svc');
        assert.equal(svc.loadBalancer, 'round-robin');
        assert.equal(svc.healthCheck.path, '/healthz');
        assert.deepEqual(svc.circuitBreakers, []);
        assert.deepEqual(view.processes.answered, [process.pid]);
        a.health.status = 500;
        const outIn = await waitFor(async () => !(await endpointView(gw.adminPort, 'svc', a.up.address)).healthy, 3000);
        assert.ok(outIn >= 0, 'a is marked unhealthy');
        t.diagnostic(`unhealthy ${outIn} ms after its health endpoint turned 500 (interval 100 ms, threshold 2)`);
        const down = await endpointView(gw.adminPort, 'svc', a.up.address);
        assert.equal(down.available, false);
        assert.equal(down.health.lastCheck.detail, 'status 500');
        assert.ok(down.health.consecutiveFailures >= 2);
        assert.deepEqual(down.workers.map((w) => w.healthy), [false], 'the data plane applies the verdict');
        const trafficBefore = a.traffic;
        const during = await answers(gw.port, 12);
        assert.deepEqual(during, Array(12).fill('b'), 'all traffic goes to the healthy endpoint');
        assert.equal(a.traffic, trafficBefore);
        const ev = gw.events.filter((e) => e.event === 'endpoint_health');
        assert.deepEqual(ev.map((e) => [e.service, e.address, e.healthy]), [['svc', a.up.address, false]]);
        a.health.status = 200;
        const backIn = await waitFor(async () => (await endpointView(gw.adminPort, 'svc', a.up.address)).healthy, 3000);
        assert.ok(backIn >= 0, 'a comes back');
        const up = await endpointView(gw.adminPort, 'svc', a.up.address);
        assert.ok(up.health.consecutivePasses >= 2, 'after healthyThreshold passes');
        const later = await answers(gw.port, 6);
        assert.deepEqual(new Set(later), new Set(['a', 'b']), `both serve again: ${later.join(' ')}`);
        assert.deepEqual(gw.events.filter((e) => e.event === 'endpoint_health').map((e) => e.healthy), [false, true]);
    });
    test('a TCP check against a closed port marks the endpoint unhealthy', { timeout: 20_000 }, async (t) => {
        const closed = await freePort();
        const closedAddr = `127.0.0.1:${closed}`;
        const gw = await startLogged({
            services: { svc: { endpoints: [a.up.address, closedAddr], healthCheck: { type: 'tcp', intervalMs: 100, timeoutMs: 300, unhealthyThreshold: 1 } } },
            routes: [{ path: '/api', backendService: 'svc' }],
        });
        t.after(() => gw.gateway.close());
        assert.ok((await waitFor(async () => !(await endpointView(gw.adminPort, 'svc', closedAddr)).healthy, 3000)) >= 0);
        const dead = await endpointView(gw.adminPort, 'svc', closedAddr);
        assert.equal(dead.health.lastCheck.detail, 'ECONNREFUSED');
        assert.equal((await endpointView(gw.adminPort, 'svc', a.up.address)).healthy, true, 'the open port passes');
        assert.deepEqual(await answers(gw.port, 8), Array(8).fill('a'));
        // The port opens: two passes (default healthyThreshold) bring it back.
        const server = net.createServer((s) => s.destroy());
        await new Promise((r) => server.listen(closed, '127.0.0.1', r));
        t.after(() => new Promise((r) => server.close(() => r())));
        assert.ok((await waitFor(async () => (await endpointView(gw.adminPort, 'svc', closedAddr)).healthy, 3000)) >= 0);
    });
    test('the verdict and the check schedule survive a reload that keeps the service', { timeout: 20_000 }, async (t) => {
        a.health.status = 200;
        const gw = await startLogged(twoEndpoints());
        t.after(async () => {
            a.health.status = 200;
            await gw.gateway.close();
        });
        a.health.status = 500;
        assert.ok((await waitFor(async () => !(await endpointView(gw.adminPort, 'svc', a.up.address)).healthy, 3000)) >= 0);
        const checksBefore = (await endpointView(gw.adminPort, 'svc', a.up.address)).health.checks;
        // A new version: one more route, the same service. A fresh state would be healthy again
        // (endpoints start healthy) and take requests until two checks failed.
        const version = await gw.gateway.reload(twoEndpoints([{ name: 'more', path: '/more', backendService: 'svc' }]));
        assert.equal(version, 2);
        const trafficBefore = a.traffic;
        assert.deepEqual(await answers(gw.port, 10, '/more/x'), Array(10).fill('b'), 'the new version does not send to the unhealthy endpoint');
        assert.equal(a.traffic, trafficBefore);
        const view = await servicesView(gw.adminPort);
        assert.equal(view.version, 2);
        const ep = view.services.find((s) => s.name === 'svc').endpoints.find((e) => e.address === a.up.address);
        assert.equal(ep.healthy, false);
        assert.ok(ep.health.checks >= checksBefore, 'the checker was not restarted');
        assert.deepEqual(gw.events.filter((e) => e.event === 'endpoint_health').map((e) => e.healthy), [false], 'no flap across the reload');
        // Dropping the health check puts the endpoint back in the rotation.
        await gw.gateway.reload({ services: { svc: { endpoints: [a.up.address, b.up.address] } }, routes: [{ name: 'api', path: '/api', backendService: 'svc' }] });
        const unchecked = await endpointView(gw.adminPort, 'svc', a.up.address);
        assert.deepEqual([unchecked.healthy, unchecked.health, unchecked.workers[0].healthy], [true, null, true]);
        assert.deepEqual(new Set(await answers(gw.port, 6)), new Set(['a', 'b']));
    });
    test('workers: 2: checks run once, in the primary; every worker, a replacement too, stops sending to the unhealthy endpoint', { timeout: 40_000 }, async (t) => {
        a.health.status = 200;
        const cli = await startCli({
            workers: 2,
            services: { svc: { endpoints: [a.up.address, b.up.address], healthCheck: CHECK } },
            routes: [{ name: 'api', path: '/api', backendService: 'svc' }],
        });
        t.after(async () => {
            a.health.status = 200;
            await killCli(cli);
        });
        // One checker per gateway: ~10 checks a second per endpoint (85-100 ms gaps), not one set per worker.
        const c0 = b.health.checks;
        await sleep(1000);
        const perSecond = b.health.checks - c0;
        t.diagnostic(`checks of one endpoint in 1 s with 2 workers: ${perSecond}`);
        assert.ok(perSecond >= 3 && perSecond <= 13, `one checker, not one per worker (${perSecond})`);
        a.health.status = 500;
        const allOut = async () => {
            const ep = await endpointView(cli.adminPort, 'svc', a.up.address);
            return !ep.healthy && ep.workers.length === 2 && ep.workers.every((w) => !w.healthy);
        };
        assert.ok((await waitFor(allOut, 5000)) >= 0, 'both workers apply the verdict');
        const view = await servicesView(cli.adminPort);
        assert.equal(view.processes.answered.length, 2);
        assert.deepEqual(view.processes.missing, []);
        const trafficBefore = a.traffic;
        const replies = await Promise.all(Array.from({ length: 30 }, (_, i) => request(cli.port, { path: `/api/${i}`, headers: { connection: 'close' } })));
        assert.deepEqual([...new Set(replies.map((r) => `${r.status} ${String(r.headers['x-upstream'])}`))], ['200 b']);
        assert.equal(a.traffic, trafficBefore, 'no worker sent to the unhealthy endpoint');
        // A replacement worker starts with the primary's verdicts.
        const victim = view.processes.answered[0];
        process.kill(victim, 'SIGKILL');
        const replaced = await waitFor(async () => {
            const v = await servicesView(cli.adminPort);
            return v.processes.answered.length === 2 && !v.processes.answered.includes(victim);
        }, 8000);
        assert.ok(replaced >= 0, 'the killed worker was replaced');
        const ep = await endpointView(cli.adminPort, 'svc', a.up.address);
        assert.deepEqual(ep.workers.map((w) => w.healthy), [false, false], 'the replacement knows a is unhealthy at once');
        const unhealthyEvents = logEvents(cli).filter((e) => e.event === 'endpoint_health' && e.healthy === false);
        assert.equal(unhealthyEvents.length, 1, 'one transition, logged once by the primary');
        assert.equal(unhealthyEvents[0].pid, cli.child.pid);
        a.health.status = 200;
        const allBack = async () => {
            const e = await endpointView(cli.adminPort, 'svc', a.up.address);
            return e.healthy && e.workers.length === 2 && e.workers.every((w) => w.healthy);
        };
        assert.ok((await waitFor(allBack, 5000)) >= 0, 'both workers take it back');
    });
});
//# sourceMappingURL=health.test.js.map