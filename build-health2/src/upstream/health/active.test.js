import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { compileExpectedStatuses, compileHealthCheck, HealthChecker, networkProbe } from './active.js';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function waitFor(check, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    while (!check()) {
        if (Date.now() > deadline)
            return false;
        await sleep(5);
    }
    return true;
}
function probeOnce(target, cfg) {
    return new Promise((resolve) => {
        networkProbe(target, compileHealthCheck(cfg), (ok, detail) => resolve({ ok, detail }));
    });
}
function capture() {
    const events = [];
    const logger = pino({ level: 'info' }, { write: (line) => events.push(JSON.parse(line)) });
    return { events, logger };
}
const config = (services) => ({ services, routes: [] });
describe('expected statuses', () => {
    it('compiles codes and ranges; the default passes 200-399', () => {
        const t = compileExpectedStatuses([204, '300-302', '500-500']);
        assert.deepEqual([200, 204, 300, 302, 303, 500, 501].map((s) => t[s]), [0, 1, 1, 1, 0, 1, 0]);
        const d = compileHealthCheck({}).passes;
        assert.deepEqual([199, 200, 399, 400, 503].map((s) => d[s]), [0, 1, 1, 0, 0]);
        assert.throws(() => compileExpectedStatuses(['300-200']), /empty/);
    });
});
describe('network probes', () => {
    let server;
    let port = 0;
    let status = 200;
    const seen = [];
    const hung = new Set();
    before(async () => {
        server = http.createServer((req, res) => {
            seen.push({ url: req.url ?? '', host: req.headers.host ?? '', connection: req.headers.connection ?? '' });
            if (req.url === '/hang') {
                hung.add(res);
                return;
            }
            res.writeHead(status, { 'content-length': 2 });
            res.end('ok');
        });
        await new Promise((r) => server.listen(0, '127.0.0.1', r));
        port = server.address().port;
    });
    after(async () => {
        for (const res of hung)
            res.destroy();
        await new Promise((r) => server.close(r));
    });
    const target = () => ({ host: '127.0.0.1', port, address: `127.0.0.1:${port}` });
    it('HTTP: GET path with Host = the endpoint address (or `host`) and Connection: close; status decides', async () => {
        status = 200;
        assert.deepEqual(await probeOnce(target(), { path: '/healthz' }), { ok: true, detail: 'status 200' });
        assert.deepEqual(seen.at(-1), { url: '/healthz', host: `127.0.0.1:${port}`, connection: 'close' });
        status = 500;
        assert.deepEqual(await probeOnce(target(), { path: '/healthz', host: 'svc.internal' }), { ok: false, detail: 'status 500' });
        assert.equal(seen.at(-1).host, 'svc.internal');
        assert.equal((await probeOnce(target(), { expectedStatuses: [500] })).ok, true);
        status = 200;
        assert.deepEqual(await probeOnce(target(), { path: '/a b' }), { ok: false, detail: 'ERR_UNESCAPED_CHARACTERS' }, 'a bad path fails the check, never throws');
    });
    it('HTTP: a response slower than timeoutMs fails', async () => {
        const started = Date.now();
        const r = await probeOnce(target(), { path: '/hang', timeoutMs: 100 });
        assert.deepEqual(r, { ok: false, detail: 'timeout after 100 ms' });
        assert.ok(Date.now() - started < 1000);
    });
    it('HTTP and TCP: a closed port fails; TCP: an open port passes', async () => {
        const closed = net.createServer();
        await new Promise((r) => closed.listen(0, '127.0.0.1', r));
        const closedPort = closed.address().port;
        await new Promise((r) => closed.close(r));
        const dead = { host: '127.0.0.1', port: closedPort, address: `127.0.0.1:${closedPort}` };
        assert.deepEqual(await probeOnce(dead, {}), { ok: false, detail: 'ECONNREFUSED' });
        assert.deepEqual(await probeOnce(dead, { type: 'tcp' }), { ok: false, detail: 'ECONNREFUSED' });
        assert.deepEqual(await probeOnce(target(), { type: 'tcp' }), { ok: true, detail: 'connected' });
    });
});
/** A probe whose verdict per address the test sets; counts calls. */
function fakeProbe(results) {
    const calls = new Map();
    const probe = (target, _check, done) => {
        calls.set(target.address, (calls.get(target.address) ?? 0) + 1);
        const t = setTimeout(() => {
            const ok = results.get(target.address) ?? true;
            done(ok, ok ? 'status 200' : 'status 500');
        }, 1);
        return () => clearTimeout(t);
    };
    return { probe, calls };
}
describe('HealthChecker', () => {
    const hc = { intervalMs: 50, healthyThreshold: 2, unhealthyThreshold: 3 };
    it('starts healthy, checks at once, flips after the thresholds and logs each transition', async (t) => {
        const { events, logger } = capture();
        const results = new Map([['a:1', true]]);
        const { probe, calls } = fakeProbe(results);
        const updates = [];
        const checker = new HealthChecker(logger, (u) => updates.push(u), { probe });
        t.after(() => checker.stop());
        checker.update(config({ svc: { endpoints: ['a:1'], healthCheck: hc } }));
        assert.deepEqual(checker.entries(), [{ service: 'svc', address: 'a:1', healthy: true }]);
        assert.ok(await waitFor(() => (calls.get('a:1') ?? 0) >= 1, 300), 'the first check runs at once (within the spread)');
        results.set('a:1', false);
        assert.ok(await waitFor(() => updates.length === 1, 2000));
        assert.deepEqual(updates[0], { service: 'svc', address: 'a:1', healthy: false });
        assert.equal(checker.status('svc', 'a:1').consecutiveFailures, 3);
        const ev = events.find((e) => e.event === 'endpoint_health');
        assert.deepEqual([ev.service, ev.address, ev.healthy, ev.detail], ['svc', 'a:1', false, 'status 500']);
        results.set('a:1', true);
        assert.ok(await waitFor(() => updates.length === 2, 2000));
        assert.deepEqual(updates[1], { service: 'svc', address: 'a:1', healthy: true });
        assert.equal(checker.status('svc', 'a:1').consecutivePasses, 2);
        assert.equal(events.filter((e) => e.event === 'endpoint_health').length, 2);
    });
    it('checks every intervalMs (never later), without overlapping', async (t) => {
        const { logger } = capture();
        const { probe, calls } = fakeProbe(new Map());
        const checker = new HealthChecker(logger, () => { }, { probe });
        t.after(() => checker.stop());
        checker.update(config({ svc: { endpoints: ['a:1', 'b:1'], healthCheck: { intervalMs: 100 } } }));
        await sleep(560);
        for (const addr of ['a:1', 'b:1']) {
            const n = calls.get(addr) ?? 0;
            assert.ok(n >= 4 && n <= 8, `${addr}: ${n} checks in 560 ms at 100 ms (85-100 ms gaps)`);
        }
    });
    it('update: unchanged checkers keep verdict and schedule; removed ones stop (healthy again); changed ones recheck', async (t) => {
        const { logger } = capture();
        const results = new Map([['a:1', false], ['b:1', true]]);
        const { probe, calls } = fakeProbe(results);
        const updates = [];
        const checker = new HealthChecker(logger, (u) => updates.push(u), { probe });
        t.after(() => checker.stop());
        const base = { svc: { endpoints: ['a:1', 'b:1'], healthCheck: { ...hc, intervalMs: 200 } } };
        checker.update(config(base));
        assert.ok(await waitFor(() => updates.length === 1, 3000));
        assert.equal(checker.status('svc', 'a:1').healthy, false);
        // The same service again (another service added): nothing restarts.
        const before = calls.get('a:1');
        checker.update(config({ ...base, other: { endpoints: ['c:1'] } }));
        assert.equal(checker.status('svc', 'a:1').healthy, false);
        await sleep(20);
        assert.equal(calls.get('a:1'), before, 'no immediate re-check: the schedule is kept');
        assert.equal(checker.size, 2, 'the unchecked service has no checkers');
        // Changed settings: verdict kept, checked again at once.
        checker.update(config({ svc: { endpoints: ['a:1', 'b:1'], healthCheck: { ...hc, intervalMs: 200, path: '/other' } } }));
        assert.equal(checker.status('svc', 'a:1').healthy, false);
        assert.ok(await waitFor(() => calls.get('a:1') > before, 150), 'rechecked at once');
        // a:1 leaves the service, the check of b:1 stays.
        checker.update(config({ svc: { endpoints: ['b:1'], healthCheck: hc } }));
        assert.deepEqual(updates.at(-1), { service: 'svc', address: 'a:1', healthy: true });
        assert.deepEqual(checker.entries().map((e) => e.address), ['b:1']);
        const frozen = calls.get('a:1');
        await sleep(250);
        assert.equal(calls.get('a:1'), frozen, 'stopped');
        // The health check is dropped: nothing is checked.
        checker.update(config({ svc: { endpoints: ['b:1'] } }));
        assert.equal(checker.size, 0);
    });
    it('stop() cancels everything; update() afterwards does nothing', async () => {
        const { logger } = capture();
        const { probe, calls } = fakeProbe(new Map());
        const checker = new HealthChecker(logger, () => { }, { probe });
        checker.update(config({ svc: { endpoints: ['a:1'], healthCheck: { intervalMs: 50 } } }));
        await sleep(80);
        checker.stop();
        const n = calls.get('a:1') ?? 0;
        checker.update(config({ svc: { endpoints: ['a:1'], healthCheck: { intervalMs: 50 } } }));
        await sleep(150);
        assert.equal(calls.get('a:1') ?? 0, n);
        assert.equal(checker.size, 0);
    });
});
//# sourceMappingURL=active.test.js.map