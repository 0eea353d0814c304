/**
 * Access log end to end: an in-process gateway writing to a file (one line per request, the
 * right fields, flushed at close), and the real CLI with two workers sharing one file, rotated
 * with rename + SIGUSR2 (the primary forwards it to the workers).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCli, startGateway } from '../helpers/gateway.js';
import { killCli } from '../helpers/cli.js';
import { freePort } from '../helpers/net.js';
import { startUpstream } from '../helpers/upstream.js';

type Line = Record<string, unknown>;
const TRACE = '0af7651916cd43dd8448eb211c80319c';

function readLines(file: string): Line[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line);
}

async function waitForLines(file: string, n: number, timeoutMs = 5000): Promise<Line[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = readLines(file);
    if (lines.length >= n || Date.now() > deadline) return lines;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('access log', () => {
  test('one JSON line per request with the right fields (in process, file output)', async (t) => {
    const up = await startUpstream('al');
    t.after(() => up.close());
    const dead = await freePort();
    const file = join(mkdtempSync(join(tmpdir(), 'meshgate-al-')), 'access.log');
    const gw = await startGateway({
      accessLog: { enabled: true, output: file },
      routes: [
        { name: 'api', path: '/api', backendService: up.address },
        { name: 'dead', path: '/dead', backendService: `127.0.0.1:${dead}` },
      ],
    });
    let closed = false;
    t.after(() => (closed ? undefined : gw.close()));

    const ok = await fetch(`${gw.url}/api/items?token=secret`, { headers: { 'user-agent': 'al-test/1' } });
    await ok.arrayBuffer();
    const missing = await fetch(`${gw.url}/nowhere`);
    await missing.arrayBuffer();
    const bad = await fetch(`${gw.url}/dead/x`);
    await bad.arrayBuffer();
    const traced = await fetch(`${gw.url}/api/traced`, { method: 'POST', body: 'hello', headers: { traceparent: `00-${TRACE}-b7ad6b7169203331-01` } });
    await traced.arrayBuffer();
    assert.deepEqual([ok.status, missing.status, bad.status, traced.status], [200, 404, 502, 200]);

    await gw.close(); // drain flushes the last lines
    closed = true;
    const lines = readLines(file);
    assert.equal(lines.length, 4, JSON.stringify(lines));
    const [a, b, c, d] = lines as [Line, Line, Line, Line];

    assert.equal(a.route, 'api');
    assert.equal(a.service, up.address);
    assert.equal(a.endpoint, up.address);
    assert.equal(a.method, 'GET');
    assert.equal(a.path, '/api/items');
    assert.ok(!JSON.stringify(a).includes('secret'), 'no query string by default');
    assert.equal(a.status, 200);
    assert.equal(a.errorCode, null);
    assert.equal(a.requestId, ok.headers.get('x-request-id'));
    assert.equal(a.traceId, null);
    assert.equal(a.userAgent, 'al-test/1');
    assert.equal(a.clientIp, '127.0.0.1');
    assert.equal(a.attempts, 1);
    assert.equal(a.aborted, false);
    assert.ok((a.bytesOut as number) > 0);
    assert.equal(typeof a.upstreamMs, 'number');
    assert.ok((a.durationMs as number) >= (a.upstreamMs as number));
    assert.ok(Math.abs(Date.parse(a.time as string) - Date.now()) < 60_000);

    assert.equal(b.status, 404);
    assert.equal(b.errorCode, 'MG_NO_ROUTE');
    assert.equal(b.route, null);
    assert.equal(b.endpoint, null);
    assert.equal(b.upstreamMs, null);

    assert.equal(c.status, 502);
    assert.equal(c.route, 'dead');
    assert.equal(typeof c.errorCode, 'string');
    assert.equal(c.requestId, bad.headers.get('x-request-id'));

    assert.equal(d.traceId, TRACE);
    assert.equal(d.method, 'POST');
    assert.equal(d.bytesIn, 5);
    assert.equal(d.status, 200);
  });

  test('CLI, two workers, one file: rename + SIGUSR2 reopens it at the original path', async (t) => {
    const up = await startUpstream('al-cli');
    t.after(() => up.close());
    const dir = mkdtempSync(join(tmpdir(), 'meshgate-al-'));
    const file = join(dir, 'access.log');
    const rotated = join(dir, 'access.log.1');
    const cli = await startCli({
      workers: 2,
      accessLog: { enabled: true, output: file, fields: ['requestId', 'path', 'status', 'pid'] },
      routes: [{ name: 'api', path: '/api', backendService: up.address }],
    });
    t.after(() => killCli(cli));
    const send = async (path: string, n: number): Promise<void> => {
      // New connections each time so both workers get some.
      await Promise.all(Array.from({ length: n }, async () => (await fetch(`http://127.0.0.1:${cli.port}${path}`, { headers: { connection: 'close' } })).arrayBuffer()));
    };

    await send('/api/before', 20);
    const before = await waitForLines(file, 20);
    assert.equal(before.length, 20);
    assert.ok(before.every((l) => l.path === '/api/before' && l.status === 200));

    renameSync(file, rotated);
    cli.child.kill('SIGUSR2');
    // Reopening is asynchronous: wait until the new file exists (each worker creates it on reopen).
    const deadline = Date.now() + 5000;
    while (!existsSync(file) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    assert.ok(existsSync(file), 'reopened at the original path');
    await new Promise((r) => setTimeout(r, 200)); // the other worker's reopen too
    await send('/api/after', 20);
    const after = await waitForLines(file, 20);
    assert.equal(after.length, 20, JSON.stringify(after));
    assert.ok(after.every((l) => l.path === '/api/after'));
    assert.equal(readLines(rotated).length, 20, 'nothing new in the rotated file');
    assert.equal(cli.child.exitCode, null, 'SIGUSR2 does not stop the gateway');

    // The last lines are flushed on shutdown.
    await send('/api/last', 5);
    assert.equal(await cli.stop('SIGTERM'), 0);
    const all = readLines(file);
    assert.equal(all.filter((l) => l.path === '/api/last').length, 5);
    assert.equal(new Set(all.map((l) => l.requestId)).size, all.length);
  });
});
