/**
 * Hot reload of the real `meshgate start` process: file edits and SIGHUP swap the config in,
 * bad files are refused while the old config keeps serving, reloads under load lose no request,
 * and a request in flight finishes on the version it started with.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { ApiGateway } from '../../src/index.js';
import { adminJson, configVersion, killCli, logEvents, rewriteConfig, writeRaw } from '../helpers/cli.js';
import { startCli, type CliGateway } from '../helpers/gateway.js';
import { request, sleep, startLoad, statusOf, tally, waitFor } from '../helpers/traffic.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';

let one: TestUpstream;
let two: TestUpstream;

before(async () => {
  one = await startUpstream('one');
  two = await startUpstream('two');
});
after(async () => {
  await one.close();
  await two.close();
});

/** v1: /a and /api -> upstream "one"; v2: /b and /api -> upstream "two". */
const v1 = () => ({
  routes: [
    { name: 'a', path: '/a', backendService: one.address },
    { name: 'api', path: '/api', backendService: one.address },
  ],
});
const v2 = () => ({
  routes: [
    { name: 'b', path: '/b', backendService: two.address },
    { name: 'api', path: '/api', backendService: two.address },
  ],
});

async function start(t: { after: (fn: () => Promise<void>) => void }, config: Record<string, unknown>): Promise<CliGateway> {
  const cli = await startCli(config);
  t.after(() => killCli(cli));
  return cli;
}

describe('hot reload', () => {
  test('editing the file swaps the routes in within 2 s; a removed route answers 404', async (t) => {
    const cli = await start(t, { workers: 1, ...v1() });
    assert.equal(await statusOf(cli.port, '/a'), 200);
    assert.equal(await statusOf(cli.port, '/b'), 404);

    rewriteConfig(cli, v2());
    const elapsed = await waitFor(async () => (await statusOf(cli.port, '/b')) === 200, 3000);
    assert.ok(elapsed >= 0 && elapsed < 2000, `new route answered after ${elapsed} ms`);
    t.diagnostic(`new route served ${elapsed} ms after the write`);

    const gone = await request(cli.port, { path: '/a' });
    assert.equal(gone.status, 404);
    assert.equal(gone.headers['content-type'], 'application/problem+json');
    const api = await request(cli.port, { path: '/api/x' });
    assert.equal(api.headers['x-upstream'], 'two');
    assert.equal(await configVersion(cli.adminPort), 2);
  });

  test('SIGHUP re-reads the file (here a symlink whose target changes, which the watcher cannot see)', async (t) => {
    const cli = await start(t, { workers: 1, ...v1() });
    // Point the watched path at a file in another directory, and reload once to read it.
    const realDir = mkdtempSync(join(tmpdir(), 'meshgate-real-'));
    const target = join(realDir, 'real.yaml');
    const full = (cfg: Record<string, unknown>) =>
      stringify({ logLevel: 'warn', ...cfg, listen: { host: '127.0.0.1', port: cli.port }, admin: { host: '127.0.0.1', port: cli.adminPort } });
    writeFileSync(target, full(v1()));
    const link = `${cli.file}.link`;
    symlinkSync(target, link);
    renameSync(link, cli.file); // atomic replace: the watched name is now a symlink
    assert.ok((await waitFor(async () => (await configVersion(cli.adminPort)) === 2, 3000)) >= 0, 'the symlink swap reloads');

    writeFileSync(target, full(v2())); // invisible to the directory watcher
    await sleep(500);
    assert.equal(await statusOf(cli.port, '/b'), 404, 'no reload without a signal');

    cli.child.kill('SIGHUP');
    const elapsed = await waitFor(async () => (await statusOf(cli.port, '/b')) === 200, 3000);
    assert.ok(elapsed >= 0 && elapsed < 1000, `SIGHUP reload took ${elapsed} ms`);
    assert.equal(await statusOf(cli.port, '/a'), 404);
    assert.equal(await configVersion(cli.adminPort), 3);
    assert.equal(cli.child.exitCode, null, 'SIGHUP does not stop the gateway');
  });

  test('a file changed between loading and serving is picked up when the watch starts', async (t) => {
    const file = join(mkdtempSync(join(tmpdir(), 'meshgate-race-')), 'gw.yaml');
    const yaml = (cfg: Record<string, unknown>) => stringify({ logLevel: 'warn', workers: 1, listen: { host: '127.0.0.1', port: 0 }, admin: { host: '127.0.0.1', port: 0 }, ...cfg });
    writeFileSync(file, yaml(v1()));
    const gw = await ApiGateway.fromConfigFile(file);
    writeFileSync(file, yaml(v2())); // before the gateway serves (and watches)
    const port = await gw.listen(0);
    t.after(() => gw.close());
    const elapsed = await waitFor(async () => (await statusOf(port, '/b')) === 200, 3000);
    assert.ok(elapsed >= 0, 'the file as it is now is served, not the one loaded earlier');
    assert.equal(await statusOf(port, '/a'), 404);
  });

  test('a bad new file is logged with file and key path; the old config keeps serving', async (t) => {
    const cli = await start(t, { workers: 1, ...v1() });
    const failures = () => logEvents(cli).filter((e) => e.event === 'config_reload_failed');

    // An unknown key.
    rewriteConfig(cli, { routes: [{ name: 'a', path: '/a', backendService: one.address, timeoutSecond: 5 }] });
    assert.ok((await waitFor(() => failures().length >= 1, 3000)) >= 0, `no failure logged:\n${cli.output()}`);
    const unknown = String(failures()[0]!.error);
    assert.ok(unknown.includes(cli.file), unknown);
    assert.ok(unknown.includes('routes[0].timeoutSecond'), unknown);
    assert.ok(unknown.includes('did you mean "timeoutSeconds"'), unknown);
    assert.equal(await statusOf(cli.port, '/a'), 200, 'the old config still serves');

    // A YAML syntax error.
    writeRaw(cli, 'routes:\n  - name: a\n    path: [/a\n');
    assert.ok((await waitFor(() => failures().length >= 2, 3000)) >= 0, `no failure logged:\n${cli.output()}`);
    const syntax = String(failures()[1]!.error);
    assert.ok(syntax.includes(cli.file), syntax);
    assert.match(syntax, /line \d+, column \d+/);
    assert.equal(await statusOf(cli.port, '/a'), 200);
    assert.equal(await configVersion(cli.adminPort), 1);
    assert.equal(cli.child.exitCode, null, 'the process stays up');
    const status = await adminJson<{ reloads: { failed: number } }>(cli.adminPort, '/status');
    assert.equal(status.body.reloads.failed, 2);

    // A good file afterwards is taken.
    rewriteConfig(cli, v2());
    assert.ok((await waitFor(async () => (await statusOf(cli.port, '/b')) === 200, 3000)) >= 0);
    assert.equal(await configVersion(cli.adminPort), 2);
  });

  for (const workers of [1, 2]) {
    test(`zero failed requests while the file is rewritten 8 times under load (workers: ${workers})`, async (t) => {
      const cli = await start(t, { workers, ...v1() });
      const load = startLoad({ port: cli.port, path: '/api/load', clients: 4, durationMs: 4000, maxRequestsPerClient: 20_000 });
      t.after(() => load.stop());
      for (let i = 0; i < 8; i++) {
        await sleep(400);
        rewriteConfig(cli, i % 2 === 0 ? v2() : v1(), { atomic: i % 4 < 2 });
      }
      await load.done;
      const outcomes = load.outcomes;
      const counts = tally(outcomes);
      const byUpstream = { one: outcomes.filter((o) => o.upstream === 'one').length, two: outcomes.filter((o) => o.upstream === 'two').length };
      t.diagnostic(`workers=${workers} requests=${outcomes.length} outcomes=${JSON.stringify(counts)} upstreams=${JSON.stringify(byUpstream)}`);
      const failed = outcomes.filter((o) => o.status !== 200);
      assert.deepEqual(failed.slice(0, 5), [], `${failed.length} of ${outcomes.length} requests failed`);
      assert.ok(outcomes.length >= 200, `only ${outcomes.length} requests`);
      assert.ok(byUpstream.one > 0 && byUpstream.two > 0, 'traffic followed the reloads');

      // Every reload was taken (none refused as a half-written file).
      type Status = { version: number; reloads: { succeeded: number; failed: number }; workers: { processes: Array<{ pid: number; version: number }> } };
      const status = await adminJson<Status>(cli.adminPort, '/status');
      t.diagnostic(`reloads ${JSON.stringify(status.body.reloads)}`);
      assert.equal(status.body.reloads.failed, 0);
      assert.ok(status.body.reloads.succeeded >= 6, `only ${status.body.reloads.succeeded} reloads`);
      // Every worker acknowledged the last version.
      const processes = status.body.workers.processes;
      assert.equal(processes.length, workers);
      assert.deepEqual(processes.map((p) => p.version), Array(workers).fill(status.body.version));

      // The last write (v1) reached every worker: 20 new connections all route to "one".
      await waitFor(async () => (await request(cli.port, { path: '/a' })).status === 200, 3000);
      const fresh = await Promise.all(Array.from({ length: 20 }, () => request(cli.port, { path: '/api/fresh', headers: { connection: 'close' } })));
      assert.deepEqual(fresh.map((r) => `${r.status} ${String(r.headers['x-upstream'])}`), Array(20).fill('200 one'));
    });
  }

  for (const workers of [1, 2]) {
    test(`a request in flight finishes on the version it started with (workers: ${workers})`, async (t) => {
      let slowHits = 0;
      const slow = await startUpstream('slow', (req, res) => {
        slowHits++;
        setTimeout(() => res.end(JSON.stringify({ from: 'slow', url: req.url })), 1000);
      });
      t.after(() => slow.close());
      const cli = await start(t, { workers, routes: [{ name: 'a', path: '/a', backendService: slow.address }] });

      const inFlight = request(cli.port, { path: '/a/1' });
      assert.ok((await waitFor(() => slowHits === 1, 2000)) >= 0, 'the slow upstream got the request');
      rewriteConfig(cli, { routes: [{ name: 'a', path: '/a', backendService: one.address }] });
      assert.ok((await waitFor(async () => (await configVersion(cli.adminPort)) === 2, 3000)) >= 0, 'reloaded');

      const fresh = await request(cli.port, { path: '/a/2' });
      assert.equal(fresh.status, 200);
      assert.equal(fresh.headers['x-upstream'], 'one', 'a new request uses v2');
      const old = await inFlight;
      assert.equal(old.status, 200);
      assert.deepEqual(JSON.parse(old.body), { from: 'slow', url: '/a/1' }, 'the in-flight request kept v1');
      assert.equal(slowHits, 1);
    });
  }
});
