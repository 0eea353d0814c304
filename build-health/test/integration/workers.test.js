/**
 * `workers: N` with the real CLI: N worker processes serve, a killed worker is replaced (with
 * the current config) while traffic keeps flowing, reloads reach every worker, a start-up that
 * cannot listen fails cleanly, and workers do not outlive their primary.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, before, describe, test } from 'node:test';
import { adminJson, childPids, configVersion, isAlive, killCli, logEvents, rewriteConfig, runCli } from '../helpers/cli.js';
import { startCli, writeConfig } from '../helpers/gateway.js';
import { request, sleep, startLoad, tally, waitFor } from '../helpers/traffic.js';
import { startUpstream } from '../helpers/upstream.js';
let one;
let two;
before(async () => {
    one = await startUpstream('one');
    two = await startUpstream('two');
});
after(async () => {
    await one.close();
    await two.close();
});
const status = async (adminPort) => (await adminJson(adminPort, '/status')).body;
const routeTo = (up) => ({ routes: [{ name: 'api', path: '/api', backendService: up.address }] });
/** `n` requests, each on a new connection: which upstream answered each. */
async function freshConnections(port, n) {
    const replies = await Promise.all(Array.from({ length: n }, (_, i) => request(port, { path: `/api/fresh/${i}`, headers: { connection: 'close' } })));
    return replies.map((r) => `${r.status} ${String(r.headers['x-upstream'])}`);
}
describe('workers', () => {
    test('workers: 2 runs two worker processes; a SIGKILLed one is replaced on the current config while traffic flows', { timeout: 40_000 }, async (t) => {
        const cli = await startCli({ workers: 2, ...routeTo(one) });
        t.after(() => killCli(cli));
        const s1 = await status(cli.adminPort);
        assert.equal(s1.workers.expected, 2);
        assert.equal(s1.workers.live, 2);
        const pids = s1.workers.processes.map((p) => p.pid).sort();
        assert.equal(pids.length, 2);
        assert.deepEqual(childPids(cli.child.pid).sort(), pids, '/status lists the real child processes');
        assert.equal(s1.pid, cli.child.pid);
        // Reload first, so a replacement has to start on version 2, not the version it was first given.
        rewriteConfig(cli, routeTo(two));
        assert.ok((await waitFor(async () => (await configVersion(cli.adminPort)) === 2, 3000)) >= 0);
        const load = startLoad({ port: cli.port, path: '/api/load', clients: 4, durationMs: 3000 });
        t.after(() => load.stop());
        await sleep(700);
        const killAt = Date.now() - load.t0;
        const victim = pids[0];
        process.kill(victim, 'SIGKILL');
        const replacedIn = await waitFor(async () => {
            const s = await status(cli.adminPort);
            return s.workers.live === 2 && !s.workers.processes.some((p) => p.pid === victim);
        }, 5000);
        assert.ok(replacedIn >= 0, 'the dead worker was replaced');
        t.diagnostic(`replacement listening ${replacedIn} ms after the kill`);
        await load.done;
        const s2 = await status(cli.adminPort);
        assert.equal(s2.workers.restarts, 1);
        assert.deepEqual(s2.workers.processes.map((p) => [p.state, p.version]), [['listening', 2], ['listening', 2]]);
        assert.deepEqual(childPids(cli.child.pid).sort(), s2.workers.processes.map((p) => p.pid).sort());
        assert.ok(!isAlive(victim));
        // Traffic kept flowing: only requests on the killed worker's connections failed, one per client at most.
        const failed = load.outcomes.filter((o) => o.status !== 200);
        const afterKill = load.outcomes.filter((o) => o.startedAt > killAt + 200);
        t.diagnostic(`load ${JSON.stringify(tally(load.outcomes))}; after the kill ${JSON.stringify(tally(afterKill))}`);
        assert.ok(failed.length <= 4, `${failed.length} failed requests`);
        assert.ok(failed.every((o) => o.startedAt <= killAt + 500), 'no failure long after the kill');
        assert.ok(afterKill.filter((o) => o.status === 200).length >= 50, 'requests kept succeeding after the kill');
        assert.ok(load.outcomes.every((o) => o.status !== 200 || o.upstream === 'two'));
        // Every worker (the replacement included) takes the next reload.
        assert.deepEqual(await freshConnections(cli.port, 20), Array(20).fill('200 two'));
        rewriteConfig(cli, routeTo(one));
        assert.ok((await waitFor(async () => (await configVersion(cli.adminPort)) === 3, 3000)) >= 0);
        const s3 = await status(cli.adminPort);
        assert.deepEqual(s3.workers.processes.map((p) => p.version), [3, 3]);
        assert.deepEqual(await freshConnections(cli.port, 20), Array(20).fill('200 one'));
    });
    test('a worker that keeps dying young is restarted with a growing delay', { timeout: 30_000 }, async (t) => {
        const cli = await startCli({ workers: 2, ...routeTo(one) });
        t.after(() => killCli(cli));
        for (let i = 0; i < 3; i++) {
            const s = await status(cli.adminPort);
            const victim = s.workers.processes[0].pid;
            process.kill(victim, 'SIGKILL');
            const back = await waitFor(async () => {
                const now = await status(cli.adminPort);
                return now.workers.live === 2 && !now.workers.processes.some((p) => p.pid === victim);
            }, 5000);
            assert.ok(back >= 0, `replacement ${i + 1} did not come up`);
        }
        const exits = logEvents(cli).filter((e) => e.event === 'worker_exit');
        assert.deepEqual(exits.map((e) => [e.signal, e.restartInMs]), [['SIGKILL', 0], ['SIGKILL', 100], ['SIGKILL', 200]]);
        assert.equal((await status(cli.adminPort)).workers.restarts, 3);
        assert.deepEqual(await freshConnections(cli.port, 10), Array(10).fill('200 one'));
    });
    test('workers do not outlive a primary that was SIGKILLed', { timeout: 20_000 }, async (t) => {
        const cli = await startCli({ workers: 2, ...routeTo(one) });
        t.after(() => killCli(cli));
        const pids = (await status(cli.adminPort)).workers.processes.map((p) => p.pid);
        assert.equal(pids.length, 2);
        cli.child.kill('SIGKILL');
        await cli.exited;
        const goneIn = await waitFor(() => pids.every((p) => !isAlive(p)), 5000);
        assert.ok(goneIn >= 0, 'orphaned workers exited');
        t.diagnostic(`workers gone ${goneIn} ms after the primary`);
    });
    test('workers: 2 on a port in use: start fails with a message and exit 3, leaving no process behind', { timeout: 20_000 }, async (t) => {
        const blocker = net.createServer();
        await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
        t.after(() => new Promise((resolve) => blocker.close(() => resolve())));
        const port = blocker.address().port;
        const file = writeConfig({ logLevel: 'silent', workers: 2, listen: { host: '127.0.0.1', port }, admin: { host: '127.0.0.1', port: 0 }, ...routeTo(one) });
        const started = Date.now();
        const r = await runCli(['start', '--config', file], { timeoutMs: 10_000 });
        assert.equal(r.code, 3, r.stderr);
        assert.match(r.stderr, /cannot start: .*EADDRINUSE/);
        assert.ok(Date.now() - started < 8000, 'it did not hang');
    });
});
//# sourceMappingURL=workers.test.js.map