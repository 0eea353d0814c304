import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RequestContext } from '../dataplane/context.js';
import type { Snapshot } from '../engine/snapshot.js';
import { validateConfig } from '../config/load.js';
import { ACCESS_LOG_FIELDS, DEFAULT_ACCESS_LOG_FIELDS, type AccessLogField } from '../config/schema/observability.js';
import { AccessLog, createAccessLog, formatMs, resolveAccessLog } from './access-log.js';
import { headerValue } from '../dataplane/http1/headers.js';
import { traceIdOf } from './tracing/propagation.js';
import { waitFor } from '../../test/helpers/traffic.js';

type Line = Record<string, unknown>;
const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE}-00f067aa0ba902b7-01`;

function request(target = '/users/7?token=secret', headers: string[] = ['Host', 'x', 'User-Agent', 'curl/8 "quoted"', 'traceparent', TRACEPARENT]): RequestContext {
  const ctx = new RequestContext('req-1', false, {} as Snapshot, 'GET', target, headers, 1, true, 'x', false, -1, false, false, '10.0.0.9');
  ctx.status = 200;
  ctx.bodyBytes = 12;
  ctx.responseBytes = 345;
  ctx.attempts = 1;
  ctx.upstreamSentHr = ctx.startedHr + 1;
  ctx.upstreamHeadHr = ctx.startedHr + 3.5;
  ctx.doneHr = ctx.startedHr + 4.25;
  ctx.route = { name: 'users', service: { name: 'users-svc' } } as unknown as RequestContext['route'];
  ctx.endpoint = { address: '127.0.0.1:8080' } as unknown as RequestContext['endpoint'];
  return ctx;
}

function collect(fields?: AccessLogField[], sampleRate?: number): { log: AccessLog; lines: string[] } {
  const lines: string[] = [];
  const log = new AccessLog(resolveAccessLog({ enabled: true, ...(fields ? { fields } : {}), ...(sampleRate !== undefined ? { sampleRate } : {}) }), { write: (l: string) => lines.push(l) });
  return { log, lines };
}

describe('access log', () => {
  it('writes every default field, in order, one line per request', () => {
    const { log, lines } = collect();
    const ctx = request();
    log.requestDone(ctx);
    assert.equal(lines.length, 1);
    assert.ok(lines[0]!.endsWith('}\n'));
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual(Object.keys(rec), [...DEFAULT_ACCESS_LOG_FIELDS]);
    assert.equal(rec.time, new Date(ctx.startedAt).toISOString());
    assert.equal(rec.requestId, 'req-1');
    assert.equal(rec.traceId, TRACE);
    assert.equal(rec.route, 'users');
    assert.equal(rec.service, 'users-svc');
    assert.equal(rec.endpoint, '127.0.0.1:8080');
    assert.equal(rec.method, 'GET');
    assert.equal(rec.path, '/users/7', 'never the query string by default');
    assert.ok(!lines[0]!.includes('secret'));
    assert.equal(rec.status, 200);
    assert.equal(rec.errorCode, null);
    assert.equal(rec.bytesIn, 12);
    assert.equal(rec.bytesOut, 345);
    assert.equal(rec.durationMs, 4.25);
    assert.equal(rec.upstreamMs, 2.5);
    assert.equal(rec.attempts, 1);
    assert.equal(rec.clientIp, '10.0.0.9');
    assert.equal(rec.userAgent, 'curl/8 "quoted"');
    assert.equal(rec.aborted, false);
  });

  it('writes only the selected fields, in the documented order whatever the config order', () => {
    const { log, lines } = collect(['status', 'method', 'path']);
    log.requestDone(request());
    assert.equal(lines[0], '{"method":"GET","path":"/users/7","status":200}\n');
    const none = collect([]);
    none.log.requestDone(request());
    assert.equal(none.lines[0], '{}\n');
  });

  it('adds the query string only when asked (without its "?"), and pid/hostname only when asked', () => {
    const { log, lines } = collect(['path', 'query', 'pid']);
    log.requestDone(request());
    log.requestDone(request('/plain'));
    assert.deepEqual(JSON.parse(lines[0]!), { path: '/users/7', query: 'token=secret', pid: process.pid });
    assert.deepEqual(JSON.parse(lines[1]!), { path: '/plain', query: null, pid: process.pid });
    assert.equal(ACCESS_LOG_FIELDS.length, DEFAULT_ACCESS_LOG_FIELDS.length + 3);
  });

  it('nulls what a request never reached: no route, no endpoint, no upstream, no headers', () => {
    const { log, lines } = collect();
    const ctx = new RequestContext('r2', false, {} as Snapshot, 'POST', '/nope', [], 1, true, '', false, -1, false, false, '::1');
    ctx.status = 404;
    ctx.errorCode = 'MG_NO_ROUTE';
    log.requestDone(ctx);
    const rec = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(rec.route, null);
    assert.equal(rec.service, null);
    assert.equal(rec.endpoint, null);
    assert.equal(rec.upstreamMs, null);
    assert.equal(rec.traceId, null);
    assert.equal(rec.userAgent, null);
    assert.equal(rec.errorCode, 'MG_NO_ROUTE');
    assert.equal(rec.attempts, 0);
  });

  it('samples successes but always keeps errors (status >= 500 or a gateway error code)', () => {
    const { log, lines } = collect(['status', 'errorCode'], 0.25);
    let dice = 0;
    log.random = () => (dice++ % 4) / 4; // 0, .25, .5, .75: one in four is under the rate
    for (let i = 0; i < 100; i++) log.requestDone(request());
    assert.equal(lines.length, 25);
    const rolled = dice;
    const err = request();
    err.status = 502;
    err.errorCode = 'MG_UPSTREAM_REFUSED';
    const plain500 = request();
    plain500.status = 503;
    const limited = request();
    limited.status = 429;
    limited.errorCode = 'MG_RATE_LIMITED';
    for (let i = 0; i < 10; i++) {
      log.requestDone(err);
      log.requestDone(plain500);
      log.requestDone(limited);
    }
    assert.equal(lines.length, 25 + 30);
    assert.equal(dice, rolled, 'no dice rolled for errors');
    const zero = collect(['status'], 0);
    zero.log.requestDone(request());
    zero.log.requestDone(err);
    assert.deepEqual(zero.lines, ['{"status":502}\n']);
  });

  it('formats time as ISO 8601 (cached per second) and follows route/endpoint changes', () => {
    const { log, lines } = collect(['time', 'route', 'service', 'endpoint']);
    const base = Date.UTC(2026, 0, 31, 23, 59, 58);
    for (const ms of [base, base + 7, base + 42, base + 999, base + 1000, base + 1005, base + 2000, base - 1, 0]) {
      const ctx = request();
      (ctx as { startedAt: number }).startedAt = ms;
      log.requestDone(ctx);
      assert.equal((JSON.parse(lines.at(-1)!) as Line).time, new Date(ms).toISOString());
    }
    const other = request();
    other.route = { name: 'r"2', service: { name: 's2' } } as unknown as RequestContext['route'];
    other.endpoint = null;
    for (const ctx of [request(), other, request()]) log.requestDone(ctx);
    assert.deepEqual(lines.slice(-3).map((l) => { const r = JSON.parse(l) as Line; return [r.route, r.service, r.endpoint]; }), [
      ['users', 'users-svc', '127.0.0.1:8080'],
      ['r"2', 's2', null],
      ['users', 'users-svc', '127.0.0.1:8080'],
    ]);
  });

  it('follows every input of the cached runs from one request to the next', () => {
    const { log, lines } = collect();
    const variants: Array<[string, (ctx: RequestContext) => void, (rec: Line) => unknown, unknown]> = [
      ['status', (c) => (c.status = 503), (r) => r.status, 503],
      ['errorCode', (c) => (c.errorCode = 'MG_UPSTREAM_RESET'), (r) => r.errorCode, 'MG_UPSTREAM_RESET'],
      ['attempts', (c) => (c.attempts = 3), (r) => r.attempts, 3],
      ['attempts over 9', (c) => (c.attempts = 12), (r) => r.attempts, 12],
      ['aborted', (c) => (c.aborted = true), (r) => r.aborted, true],
      ['method', (c) => ((c as { method: string }).method = 'DELETE'), (r) => r.method, 'DELETE'],
      ['clientIp', (c) => ((c as { clientAddress: string }).clientAddress = '::1'), (r) => r.clientIp, '::1'],
      ['userAgent', (c) => (c as { rawHeaders: string[] }).rawHeaders.splice(3, 1, 'other/1 \u00e9'), (r) => r.userAgent, 'other/1 \u00e9'],
      ['service name', (c) => (c.route = { name: 'users', service: { name: 'b\u00e4r' } } as unknown as RequestContext['route']), (r) => r.service, 'b\u00e4r'],
    ];
    for (const [what, change, read, expected] of variants) {
      const before = request();
      const changed = request();
      change(changed);
      for (const ctx of [before, changed, before]) log.requestDone(ctx);
      const [a, b, c] = lines.slice(-3).map((l) => JSON.parse(l) as Line);
      assert.equal(read(b!), expected, `${what} changed`);
      assert.notDeepEqual(read(a!), expected, `${what} before`);
      assert.deepEqual(a, { ...c, time: a!.time, durationMs: a!.durationMs }, `${what} back as it was`);
      assert.deepEqual(Object.keys(b!), [...DEFAULT_ACCESS_LOG_FIELDS], `${what}: every field, in order`);
    }
  });

  it('writes the right runs when routes, endpoints, methods and outcomes alternate from line to line', () => {
    const { log, lines } = collect(['route', 'service', 'endpoint', 'method', 'status', 'errorCode']);
    const routes = [
      { name: 'a', service: { name: 'sa' } },
      { name: 'b', service: { name: 'sb' } },
      null,
    ] as unknown as Array<RequestContext['route']>;
    const endpoints = [{ address: '10.0.0.1:80' }, { address: '10.0.0.2:80' }, null] as unknown as Array<RequestContext['endpoint']>;
    const outcomes: Array<[number, RequestContext['errorCode']]> = [[200, null], [503, 'MG_CIRCUIT_OPEN'], [404, null], [503, null]];
    const expected: Line[] = [];
    for (let i = 0; i < 60; i++) {
      const ctx = request();
      ctx.route = routes[i % 3]!;
      ctx.endpoint = endpoints[(i >> 1) % 3]!;
      (ctx as { method: string }).method = i % 5 === 0 ? 'POST' : 'GET';
      [ctx.status, ctx.errorCode] = outcomes[i % 4]!;
      log.requestDone(ctx);
      const route = ctx.route as { name: string; service: { name: string } } | null;
      expected.push({
        route: route?.name ?? null, service: route?.service.name ?? null, endpoint: (ctx.endpoint as { address: string } | null)?.address ?? null,
        method: ctx.method, status: ctx.status, errorCode: ctx.errorCode,
      });
    }
    assert.deepEqual(lines.map((l) => JSON.parse(l) as Line), expected);
  });

  it('keeps its run caches bounded when endpoints keep changing, and its lines right across the emptying', () => {
    const { log, lines } = collect(['endpoint', 'status']);
    const n = 2500; // past RUN_CACHE_LIMIT (1024) twice
    for (let i = 0; i < n; i++) {
      const ctx = request();
      // Each new endpoint, then an old one again, so both a fresh run and one from before an emptying are written.
      const k = i % 2 === 0 ? i : Math.max(0, i - 1001);
      ctx.endpoint = { address: `10.0.${k >> 8}.${k & 255}:80` } as unknown as RequestContext['endpoint'];
      log.requestDone(ctx);
      assert.equal((JSON.parse(lines.at(-1)!) as Line).endpoint, `10.0.${k >> 8}.${k & 255}:80`);
    }
    const runs = (log as unknown as { midRuns: Map<string, unknown> }).midRuns;
    assert.ok(runs.size <= 1024, `${runs.size} cached runs`);
  });

  it('quotes strings as JSON.stringify does: plain ASCII as is, everything else escaped', () => {
    const cases = [
      '', '/users/7', 'curl/8.5.0 (x86_64-pc-linux-gnu)', '~!@#$%^&*()_+`-={}[]|:;<>,.?/',
      'a"b', 'back\\slash', '\\', '"', 'tab\there', 'nl\nx', '\r', '\u0000', '\u0001\u001f', '\u007f', 'del\u007fx',
      'café', 'naïve/ü', '\u00ff', 'Ω≈ç√', '€', '日本語', '😀', 'emoji 😀 mid', '\u2028\u2029',
      '\ud800', '\udfff', 'x\ud83dy', '\ude00z', '\ud83d\ude00', '\udbff\udbff',
    ];
    const { log, lines } = collect(['path', 'userAgent']);
    for (const v of cases) {
      const path = v.replaceAll('?', ''); // a "?" would start the query
      log.requestDone(request(path, ['User-Agent', v]));
      const json = JSON.stringify(v);
      assert.equal(lines.at(-1), `{"path":${JSON.stringify(path)},"userAgent":${json}}\n`, `same text as JSON.stringify for ${json}`);
      assert.deepEqual(JSON.parse(lines.at(-1)!), { path, userAgent: v }, 'parses back to the original');
    }
    // Lone surrogates cannot be UTF-8: they are escaped, so the line stays valid UTF-8 JSON.
    log.requestDone(request('\ud800', []));
    assert.equal(lines.at(-1), '{"path":"\\ud800","userAgent":null}\n');
    // Strings go four characters at a time, then one by one: a character to escape is found at
    // every position of a group and of the tail, whatever the length.
    for (let n = 1; n <= 11; n++) {
      for (let at = 0; at < n; at++) {
        for (const odd of ['"', '\\', '\n', '\u007f', 'é', '\u0100', '\ud83d\ude00']) {
          const v = 'a'.repeat(at) + odd + 'b'.repeat(n - at - 1);
          log.requestDone(request('/', ['User-Agent', v]));
          assert.equal(lines.at(-1), `{"path":"/","userAgent":${JSON.stringify(v)}}\n`, `${JSON.stringify(v)}`);
        }
      }
    }
  });

  it('writes lines with quotes, control characters and non-ASCII as valid JSON, byte counts and all', async () => {
    const path = '/caf\u00e9/"q"/\\/\u0001/\u65e5';
    const ua = 'agent \ud800 \u00e9 "x"\n';
    const { log, lines } = collect(['path', 'userAgent']);
    log.requestDone(request(path, ['User-Agent', ua]));
    assert.deepEqual(JSON.parse(lines[0]!), { path, userAgent: ua });
    // Through the chunked file writer: multi-byte lines are counted in bytes, none is cut.
    const file = join(mkdtempSync(join(tmpdir(), 'meshgate-al-')), 'access.log');
    const fileLog = createAccessLog({ enabled: true, output: file, fields: ['path', 'userAgent', 'status'] })!;
    const n = 3000; // several 256 KiB chunks
    for (let i = 0; i < n; i++) fileLog.requestDone(request(i % 2 === 0 ? `${path}/${'\u20ac'.repeat(i % 50)}` : `/plain/${i}`, ['User-Agent', ua]));
    const huge = '/' + '\u00e9'.repeat(150_000); // one line over a chunk (300 KB in UTF-8): written alone, whole
    fileLog.requestDone(request(huge, []));
    await fileLog.close();
    const written = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    assert.equal(written.length, n + 1);
    assert.equal((JSON.parse(written[n]!) as Line).path, huge);
    for (let i = 0; i < n; i++) {
      const rec = JSON.parse(written[i]!) as Line;
      assert.equal(rec.path, i % 2 === 0 ? `${path}/${'\u20ac'.repeat(i % 50)}` : `/plain/${i}`);
      assert.equal(rec.userAgent, ua, 'the lone surrogate went out escaped, so it reads back as it was');
    }
  });

  it('writes to a file exactly the lines format() gives, numbers at their extremes included', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'meshgate-al-')), 'access.log');
    const all = [...ACCESS_LOG_FIELDS];
    const fileLog = createAccessLog({ enabled: true, output: file, fields: all })!;
    const expected: string[] = [];
    const numbers = [0, 1, 9, 10, 99, 100, 999, 1000, 65535, 2 ** 31 - 1, 2 ** 31, Number.MAX_SAFE_INTEGER, 1e21, 0.5];
    const durations = [0, 0.0004, 0.001, 0.05, 1.5, 999.999, 1e6, 2e9, 1e15, -1];
    for (let i = 0; i < 400; i++) {
      const ctx = request(i % 3 === 0 ? `/q/${i}?a=${i}&b="x"` : `/p/${'x'.repeat(i)}`, i % 2 === 0 ? ['User-Agent', `ua/${i % 5}`] : []);
      ctx.bodyBytes = numbers[i % numbers.length]!;
      ctx.responseBytes = numbers[(i * 7) % numbers.length]!;
      ctx.attempts = i % 12;
      ctx.status = [200, 404, 503][i % 3]!;
      ctx.errorCode = i % 3 === 2 ? 'MG_CIRCUIT_OPEN' : null;
      ctx.upstreamSentHr = i % 4 === 0 ? 0 : ctx.startedHr + 1;
      ctx.upstreamHeadHr = ctx.upstreamSentHr + durations[i % durations.length]!;
      ctx.doneHr = ctx.startedHr + durations[(i * 3) % durations.length]!;
      // A new log per line: its format() assembles into a buffer of exactly the line's bound, so a
      // bound too small shows as a cut line.
      expected.push(new AccessLog(resolveAccessLog({ enabled: true, fields: all }), { write: () => {} }).format(ctx, ctx.doneHr));
      fileLog.requestDone(ctx);
    }
    await fileLog.close();
    const written = readFileSync(file, 'utf8').split(/(?<=\n)/);
    assert.deepEqual(written, expected);
    for (const line of written) assert.deepEqual(Object.keys(JSON.parse(line) as Line), all);
    const big = JSON.parse(expected.find((l) => l.includes('"bytesIn":1e+21'))!) as Line;
    assert.equal(big.bytesIn, 1e21, 'a number beyond the fast path is written as String() prints it');
  });

  it('writes the start time of every request, when lines come out of order across seconds', () => {
    const { log, lines } = collect(['time']);
    const base = Date.UTC(2026, 10, 27, 7, 59, 59, 998);
    // Finishing order is not starting order: times step back and forth over second boundaries.
    const offsets = [0, 1, 2, 1, 3, 0, 1002, 5, 1001, 999, 1000, 2000, -1, 2001, 1, 86_400_000, 7];
    for (const off of offsets) {
      const ctx = request();
      (ctx as { startedAt: number }).startedAt = base + off;
      log.requestDone(ctx);
    }
    assert.deepEqual(
      lines.map((l) => (JSON.parse(l) as Line).time),
      offsets.map((off) => new Date(base + off).toISOString()),
    );
  });

  it('writes whole lines to stdout (the default output), a line longer than a pipe chunk included', () => {
    // A child process logs to its stdout, a pipe read here.
    const script = `
      import { AccessLog, resolveAccessLog } from ${JSON.stringify(new URL('./access-log.js', import.meta.url).href)};
      import { RequestContext } from ${JSON.stringify(new URL('../dataplane/context.js', import.meta.url).href)};
      const log = new AccessLog(resolveAccessLog({ enabled: true, fields: ['path', 'userAgent', 'status'] }));
      for (let i = 0; i < 2000; i++) {
        const ua = i === 1000 ? 'x'.repeat(6000) : 'agent/' + i;
        const ctx = new RequestContext('id', false, {}, 'GET', '/caf\u00e9/' + i, ['User-Agent', ua], 1, true, '', false, -1, false, false, '::1');
        ctx.status = 200;
        log.requestDone(ctx);
      }
      await log.close();
    `;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', maxBuffer: 1 << 24 });
    assert.equal(out.status, 0, out.stderr);
    const written = out.stdout.split('\n').filter((l) => l !== '');
    assert.equal(written.length, 2000);
    written.forEach((l, i) => {
      const rec = JSON.parse(l) as Line;
      assert.equal(rec.path, `/caf\u00e9/${i}`);
      assert.equal(rec.userAgent, i === 1000 ? 'x'.repeat(6000) : `agent/${i}`);
    });
  });

  it('prints durations as Math.round(ms * 1000) / 1000 would', () => {
    for (const ms of [0, 0.0004, 0.0005, 0.001, 0.01, 0.1, 0.5, 1, 1.5, 1.05, 1.005, 1.0004, 2.3456, 10, 99.999, 123.4565, 1000, 65536.25, 1e7 + 0.123]) {
      assert.equal(formatMs(ms), String(Math.round(ms * 1000) / 1000), String(ms));
    }
    for (let i = 0; i < 10_000; i++) {
      const ms = Math.random() * 10 ** (i % 7);
      assert.equal(formatMs(ms), String(Math.round(ms * 1000) / 1000), String(ms));
    }
  });

  it('escapes a client-supplied request id', () => {
    const { log, lines } = collect(['requestId']);
    const ctx = new RequestContext('a"b\\c', true, {} as Snapshot, 'GET', '/', [], 1, true, '', false, -1, false, false, '::1');
    log.requestDone(ctx);
    assert.deepEqual(JSON.parse(lines[0]!), { requestId: 'a"b\\c' });
  });

  it('parses W3C traceparent and rejects invalid ones', () => {
    assert.equal(traceIdOf(TRACEPARENT), TRACE);
    assert.equal(traceIdOf(null), null);
    assert.equal(traceIdOf(''), null);
    assert.equal(traceIdOf(TRACEPARENT.toUpperCase()), null, 'uppercase hex is invalid');
    assert.equal(traceIdOf(`00-${'0'.repeat(32)}-00f067aa0ba902b7-01`), null, 'all-zero trace id');
    assert.equal(traceIdOf(`00-${TRACE}-0000000000000000-01`), null, 'all-zero parent id');
    assert.equal(traceIdOf(`ff-${TRACE}-00f067aa0ba902b7-01`), null, 'version ff');
    assert.equal(traceIdOf(`${TRACEPARENT}-extra`), null, 'version 00 has exactly 55 characters');
    assert.equal(traceIdOf(`01-${TRACE}-00f067aa0ba902b7-01-extra`), TRACE, 'a later version may add fields');
    assert.equal(traceIdOf(`01-${TRACE}-00f067aa0ba902b7-01x`), null);
    assert.equal(traceIdOf(`00-${TRACE.slice(1)}-00f067aa0ba902b7-01`), null);
  });

  it('finds headers case-insensitively, first one wins', () => {
    assert.equal(headerValue(['A', '1', 'TraceParent', 'x', 'traceparent', 'y'], 'traceparent'), 'x');
    assert.equal(headerValue(['A', '1'], 'user-agent'), null);
  });

  it('is off by default and validates its config', () => {
    assert.equal(createAccessLog(undefined), null);
    assert.equal(createAccessLog({}), null);
    assert.equal(createAccessLog({ enabled: false, output: '/nonexistent/x.log' }), null);
    assert.deepEqual(resolveAccessLog({}).sampleRate, 1);
    assert.equal(resolveAccessLog({}).output, 'stdout');
    assert.doesNotThrow(() => validateConfig({ accessLog: { enabled: true, output: 'stdout', fields: ['time', 'query'], sampleRate: 0.5, format: 'json' } }, 't'));
    assert.throws(() => validateConfig({ accessLog: { enabled: true, fields: ['nope'] } }, 't'));
    assert.throws(() => validateConfig({ accessLog: { sampleRate: 2 } }, 't'));
    assert.throws(() => validateConfig({ accessLog: { format: 'text' } }, 't'));
    assert.throws(() => validateConfig({ accessLog: { enabled: true, extra: 1 } }, 't'));
  });

  it('writes a lone line within its flush interval, and a held run of lines in order', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'meshgate-al-')), 'access.log');
    const log = createAccessLog({ enabled: true, output: file, fields: ['path'] })!;
    const read = (): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    log.requestDone(request('/lone'));
    await waitFor(() => read().length > 0, 3000);
    assert.deepEqual(read(), ['{"path":"/lone"}'], 'quiet traffic: the line does not wait for more requests');
    for (let i = 0; i < 150; i++) log.requestDone(request(`/r/${i}`));
    await log.close();
    const paths = read().map((l) => (JSON.parse(l) as Line).path);
    assert.deepEqual(paths, ['/lone', ...Array.from({ length: 150 }, (_, i) => `/r/${i}`)]);
  });

  it('fails at start on a file it cannot open; writes, flushes and closes a file', async () => {
    assert.throws(() => createAccessLog({ enabled: true, output: '/nonexistent-dir/access.log' }), /ENOENT/);
    const file = join(mkdtempSync(join(tmpdir(), 'meshgate-al-')), 'access.log');
    const log = createAccessLog({ enabled: true, output: file, fields: ['requestId', 'status'] })!;
    for (let i = 0; i < 500; i++) log.requestDone(request());
    await log.close();
    log.requestDone(request()); // after close: dropped, never throws
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');
    assert.equal(lines.length, 500);
    assert.deepEqual(JSON.parse(lines[499]!), { requestId: 'req-1', status: 200 });
  });
});
