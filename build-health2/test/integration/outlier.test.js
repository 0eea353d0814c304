/**
 * Passive outlier detection over real traffic: an endpoint that answers 503s is ejected after
 * consecutiveFailures, traffic goes to the healthy one, `/services` shows the ejection, the
 * endpoint returns when the ejection ends, and a second ejection lasts twice as long.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { pino } from 'pino';
import { ApiGateway } from '../../src/index.js';
import { adminJson } from '../helpers/cli.js';
import { request, waitFor } from '../helpers/traffic.js';
import { echo, startUpstream } from '../helpers/upstream.js';
let failing = false;
let a;
let b;
before(async () => {
    a = await startUpstream('a', (req, res) => {
        if (!failing)
            return echo('a')(req, res);
        res.writeHead(503, { 'content-length': 0, 'x-upstream': 'a' });
        res.end();
    });
    b = await startUpstream('b');
});
after(async () => {
    await a.close();
    await b.close();
});
async function answers(port, n) {
    const out = [];
    for (let i = 0; i < n; i++) {
        const r = await request(port, { path: `/api/${i}`, headers: { connection: 'close' } });
        out.push(`${r.status} ${String(r.headers['x-upstream'])}`);
    }
    return out;
}
describe('outlier detection', () => {
    test('an endpoint returning 503s is ejected, traffic goes to the healthy one, and it returns after the ejection', { timeout: 20_000 }, async (t) => {
        const events = [];
        const logger = pino({ level: 'info' }, { write: (line) => events.push(JSON.parse(line)) });
        const gateway = new ApiGateway({
            admin: { host: '127.0.0.1', port: 0 }, listen: { host: '127.0.0.1', port: 0 }, workers: 1, logger,
            services: { svc: { endpoints: [a.address, b.address], outlierDetection: { consecutiveFailures: 3, intervalMs: 400, baseEjectionMs: 1000, maxEjectionPercent: 50 } } },
            routes: [{ path: '/api', backendService: 'svc' }],
        });
        const port = await gateway.listen();
        t.after(async () => {
            failing = false;
            await gateway.close();
        });
        const endpoint = async (address) => {
            const body = (await adminJson(gateway.adminPort, '/services')).body;
            return body.services.find((s) => s.name === 'svc').endpoints.find((e) => e.address === address);
        };
        failing = true;
        // Round-robin alternates a and b: a's third 503 (b's successes in between do not count for a) ejects it.
        const first = await answers(port, 6);
        assert.deepEqual(first.filter((x) => x === '503 a').length, 3, first.join(', '));
        const ejected = await endpoint(a.address);
        assert.equal(ejected.ejected, true);
        assert.equal(ejected.available, false);
        assert.equal(ejected.ejectionCount, 1);
        assert.ok(ejected.ejectedUntil !== null && Date.parse(ejected.ejectedUntil) > Date.now());
        assert.deepEqual(ejected.workers.map((w) => [w.pid, w.ejected]), [[process.pid, true]]);
        const ev = events.find((e) => e.event === 'outlier_ejection');
        assert.deepEqual([ev.service, ev.address, ev.ejectionMs], ['svc', a.address, 1000]);
        const requestsBefore = a.requests;
        assert.deepEqual(await answers(port, 10), Array(10).fill('200 b'), 'all traffic to the healthy endpoint while a is ejected');
        assert.equal(a.requests, requestsBefore);
        assert.equal((await endpoint(b.address)).ejected, false);
        // a recovers; it is back at the first sweep (every 400 ms) after its 1 s ejection.
        failing = false;
        const backIn = await waitFor(async () => !(await endpoint(a.address)).ejected, 3000);
        assert.ok(backIn >= 0, 'a returns');
        t.diagnostic(`a back in the rotation ${backIn} ms after it recovered (ejection 1000 ms, sweep 400 ms)`);
        assert.ok(events.some((e) => e.event === 'outlier_return' && e.address === a.address));
        assert.deepEqual(new Set(await answers(port, 6)), new Set(['200 a', '200 b']));
        // Failing again within an interval of its return (before the count decays): twice as long.
        failing = true;
        await answers(port, 6);
        const again = await endpoint(a.address);
        assert.equal(again.ejected, true);
        assert.equal(again.ejectionCount, 2);
        assert.deepEqual(events.filter((e) => e.event === 'outlier_ejection').map((e) => e.ejectionMs), [1000, 2000]);
    });
    test('detection alone never ejects the last available endpoint', { timeout: 20_000 }, async (t) => {
        const gateway = new ApiGateway({
            admin: { host: '127.0.0.1', port: 0 }, listen: { host: '127.0.0.1', port: 0 }, workers: 1, logger: pino({ level: 'silent' }),
            services: { svc: { endpoints: [a.address], outlierDetection: { consecutiveFailures: 2, intervalMs: 100, maxEjectionPercent: 100 } } },
            routes: [{ path: '/api', backendService: 'svc' }],
        });
        const port = await gateway.listen();
        t.after(async () => {
            failing = false;
            await gateway.close();
        });
        failing = true;
        assert.deepEqual(await answers(port, 6), Array(6).fill('503 a'), 'the upstream keeps answering: no 503 MG_NO_ENDPOINT from the gateway');
        const body = (await adminJson(gateway.adminPort, '/services')).body;
        assert.equal(body.services.find((s) => s.name === 'svc').endpoints[0].ejected, false);
    });
});
//# sourceMappingURL=outlier.test.js.map