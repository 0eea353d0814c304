/**
 * Graceful shutdown of the real `meshgate start` process under steady traffic: readiness turns
 * 503 at once, the drain delay keeps serving, no request accepted before the drain fails,
 * responses during the drain say `Connection: close`, idle keep-alive connections are closed,
 * and the process exits 0 in time, cutting what outlasts drainTimeoutSeconds.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { killCli } from '../helpers/cli.js';
import { startCli } from '../helpers/gateway.js';
import { request, startLoad, tally, waitFor, within } from '../helpers/traffic.js';
import { startUpstream } from '../helpers/upstream.js';
const UPSTREAM_DELAY_MS = 300;
let slow;
before(async () => {
    slow = await startUpstream('slow', (req, res) => {
        req.resume();
        setTimeout(() => {
            res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '2', 'x-upstream': 'slow' });
            res.end('ok');
        }, UPSTREAM_DELAY_MS);
    });
});
after(() => slow.close());
/** A keep-alive connection that makes one request, then sits idle; resolves `closedAt` when the gateway closes it. */
async function idleKeepAlive(port) {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    const closed = new Promise((resolve) => socket.on('close', () => resolve(Date.now())));
    socket.on('error', () => { });
    const answered = new Promise((resolve) => socket.on('data', (d) => {
        data += d.toString('latin1');
        if (data.includes('\r\n\r\nok'))
            resolve();
    }));
    socket.write('GET /slow/idle HTTP/1.1\r\nHost: gw\r\n\r\n');
    const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error(`no answer on the keep-alive connection: ${JSON.stringify(data)}`)), 3000).unref());
    await Promise.race([answered, timeout]);
    assert.match(data, /^HTTP\/1\.1 200/);
    return { closed };
}
async function readyzStatus(adminPort) {
    try {
        return (await fetch(`http://127.0.0.1:${adminPort}/readyz`)).status;
    }
    catch {
        return 0;
    }
}
describe('graceful shutdown', () => {
    for (const workers of [1, 2]) {
        test(`SIGTERM under load: readyz 503 at once, drain delay serves, zero failures, exit 0 (workers: ${workers})`, { timeout: 30_000 }, async (t) => {
            const delayMs = 1000;
            const cli = await startCli({ workers, drainDelaySeconds: delayMs / 1000, drainTimeoutSeconds: 5, routes: [{ path: '/slow', backendService: slow.address }] });
            t.after(() => killCli(cli));
            const idle = await idleKeepAlive(cli.port);
            const load = startLoad({ port: cli.port, path: '/slow/load', clients: 6, durationMs: 8000, stopOnError: true });
            t.after(() => load.stop());
            await new Promise((r) => setTimeout(r, 800));
            const tSig = Date.now();
            cli.child.kill('SIGTERM');
            const notReadyAfter = await waitFor(async () => (await readyzStatus(cli.adminPort)) === 503, 1000, 10);
            assert.ok(notReadyAfter >= 0 && notReadyAfter < 500, `/readyz turned 503 after ${notReadyAfter} ms`);
            // Inside the drain delay: a brand-new connection is still accepted and served, with Connection: close.
            await new Promise((r) => setTimeout(r, 300));
            const during = await request(cli.port, { path: '/slow/new-during-delay' });
            assert.equal(during.status, 200);
            assert.equal(during.headers.connection, 'close');
            const code = await within(cli.exited, 8000, 'timeout');
            const exitMs = Date.now() - tSig;
            await load.done;
            const idleClosedMs = (await idle.closed) - tSig;
            const rel = tSig - load.t0;
            const outcomes = load.outcomes;
            const beforeDrain = outcomes.filter((o) => o.startedAt < rel);
            const duringDelay = outcomes.filter((o) => o.startedAt >= rel && o.startedAt < rel + delayMs - 100);
            const late = outcomes.filter((o) => o.startedAt >= rel + delayMs - 100);
            t.diagnostic(`workers=${workers} before=${JSON.stringify(tally(beforeDrain))} delay=${JSON.stringify(tally(duringDelay))} late=${JSON.stringify(tally(late))} ` +
                `exit=${exitMs}ms idleClosed=${idleClosedMs}ms`);
            assert.equal(code, 0, `exit code ${String(code)}\n${cli.output()}`);
            assert.ok(exitMs < delayMs + 5000, `exited after ${exitMs} ms`);
            assert.ok(exitMs >= delayMs, `exited after ${exitMs} ms, before the drain delay was over`);
            assert.ok(beforeDrain.length >= 6, `only ${beforeDrain.length} requests before the drain`);
            assert.deepEqual(beforeDrain.filter((o) => o.status !== 200), [], 'every request sent before SIGTERM got 200');
            assert.ok(duringDelay.length >= 6, `only ${duringDelay.length} requests during the delay`);
            assert.deepEqual(duringDelay.filter((o) => o.status !== 200), [], 'the drain delay still serves');
            // After the delay the listener is closed: new connections are refused, nothing else.
            for (const o of late)
                assert.ok(o.status === 200 || o.error === 'ECONNREFUSED' || o.error === 'ECONNRESET', JSON.stringify(o));
            // Responses that went out after the drain began told the client to close.
            const drained = outcomes.filter((o) => o.status === 200 && o.endedAt > rel + 100);
            assert.ok(drained.length > 0);
            assert.deepEqual(drained.filter((o) => !o.connectionClose), [], 'every response during the drain says Connection: close');
            // The idle keep-alive connection was closed by the gateway when the delay ended, before exit.
            assert.ok(idleClosedMs >= delayMs - 50 && idleClosedMs <= exitMs + 50, `idle connection closed at ${idleClosedMs} ms`);
        });
    }
    test('drainTimeoutSeconds cuts a request that would take longer; exit is still 0, and prompt', { timeout: 30_000 }, async (t) => {
        let arrived = 0;
        const stuck = await startUpstream('stuck', (req) => {
            arrived++;
            req.resume(); // never answers
        });
        t.after(() => stuck.close());
        const cli = await startCli({ workers: 1, drainDelaySeconds: 0, drainTimeoutSeconds: 1, routes: [{ path: '/stuck', backendService: stuck.address, timeoutSeconds: 30 }] });
        t.after(() => killCli(cli));
        const pending = request(cli.port, { path: '/stuck/1' }).then((r) => `status ${r.status}`, (err) => `error ${err.code ?? err.message}`);
        assert.ok((await waitFor(() => arrived === 1, 2000)) >= 0);
        const tSig = Date.now();
        cli.child.kill('SIGTERM');
        const code = await within(cli.exited, 5000, 'timeout');
        const exitMs = Date.now() - tSig;
        t.diagnostic(`exit after ${exitMs} ms; the client saw ${await pending}`);
        assert.equal(code, 0);
        assert.ok(exitMs >= 900 && exitMs < 2500, `exited after ${exitMs} ms`);
        assert.match(await pending, /^error /, 'the cut request did not get a response');
    });
});
//# sourceMappingURL=shutdown.test.js.map