/**
 * What the gateway answers itself (RFC 9457 problem+json) and how it behaves when upstreams or
 * clients fail: 404/413/502/503/504, truncated upstream responses, clients that go away. After
 * every failure the gateway must still serve.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type http from 'node:http';
import { startGateway } from '../helpers/gateway.js';
import { freePort } from '../helpers/net.js';
import { startUpstream, type TestUpstream } from '../helpers/upstream.js';
import { startRawUpstream, type RawUpstream } from '../helpers/raw-upstream.js';
import { expectClosed, httpRequest, problemOf, rawConnect, rawRequest, type HttpResult } from '../helpers/http1.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Checks an RFC 9457 problem response: content type, every member, instance = the request id. */
function expectProblem(res: HttpResult, status: number, code: string): ReturnType<typeof problemOf> {
  assert.equal(res.status, status, res.body.toString());
  assert.equal(res.headers['content-type'], 'application/problem+json');
  const doc = problemOf(res);
  assert.equal(doc.status, status);
  assert.equal(doc.code, code);
  assert.match(doc.type, /^https:\/\//);
  assert.ok(doc.title.length > 0, 'title');
  assert.ok(doc.detail.length > 0, 'detail');
  assert.match(doc.instance, UUID);
  assert.equal(doc.instance, res.headers['x-request-id']);
  assert.equal(Number(res.headers['content-length']), res.body.length);
  return doc;
}

/** Resolves when the upstream request's socket closes (the gateway aborted it). */
function closeOf(req: http.IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (req.socket.destroyed) resolve();
    else req.socket.once('close', () => resolve());
  });
}

describe('errors: problem+json answers', () => {
  let up: TestUpstream;
  let gw: Awaited<ReturnType<typeof startGateway>>;
  let deadPort: number;
  /** The upstream requests that are being held (never answered) by the /hang route. */
  const hung: http.IncomingMessage[] = [];
  const hungWaiters: Array<() => void> = [];

  before(async () => {
    up = await startUpstream('errors', (req, res) => {
      if (req.url?.startsWith('/hang')) {
        hung.push(req);
        req.resume();
        for (const w of hungWaiters.splice(0)) w();
        return; // never answers
      }
      let n = 0;
      req.on('data', (c: Buffer) => (n += c.length));
      req.on('end', () => res.end(JSON.stringify({ url: req.url, bodyLength: n })));
    });
    deadPort = await freePort();
    gw = await startGateway({
      maxBodyBytes: 1000,
      routes: [
        { name: 'small', path: '/small', maxBodyBytes: 100, backendService: up.address },
        { name: 'large', path: '/large', maxBodyBytes: 5000, backendService: up.address },
        { name: 'hang', path: '/hang', timeoutSeconds: 0.3, backendService: up.address },
        { name: 'slow-upload', path: '/slow-upload', timeoutSeconds: 0.3, backendService: up.address },
        { name: 'dead', path: '/dead', backendService: `127.0.0.1:${deadPort}` },
        { name: 'ok', path: '/ok', backendService: up.address },
      ],
    });
  });
  after(async () => {
    await gw.close();
    await up.close();
  });

  function nextHung(): Promise<http.IncomingMessage> {
    const have = hung.length;
    return new Promise((resolve) => {
      const check = () => (hung.length > have ? resolve(hung[hung.length - 1]!) : hungWaiters.push(check));
      check();
    });
  }

  test('404 when no route matches', async () => {
    const doc = expectProblem(await httpRequest(gw.port, { path: '/nowhere?x=1' }), 404, 'MG_NO_ROUTE');
    assert.equal(doc.type, 'https://meshgate.dev/problems/no-route');
    assert.match(doc.detail, /\/nowhere/);
  });

  test('413 for a Content-Length over the top-level maxBodyBytes; the upstream never sees it', async () => {
    const before = up.requests;
    const res = await httpRequest(gw.port, { method: 'POST', path: '/ok', body: Buffer.alloc(1001) });
    expectProblem(res, 413, 'MG_BODY_TOO_LARGE');
    assert.equal(up.requests, before);
    assert.equal((await httpRequest(gw.port, { method: 'POST', path: '/ok', body: Buffer.alloc(1000) })).status, 200, 'exactly the limit passes');
  });

  test('413 with the route-level maxBodyBytes, which overrides the top-level one both ways', async () => {
    expectProblem(await httpRequest(gw.port, { method: 'POST', path: '/small', body: Buffer.alloc(101) }), 413, 'MG_BODY_TOO_LARGE');
    assert.equal((await httpRequest(gw.port, { method: 'POST', path: '/small', body: Buffer.alloc(100) })).status, 200);
    assert.equal((await httpRequest(gw.port, { method: 'POST', path: '/large', body: Buffer.alloc(4000) })).status, 200, 'route limit above the top-level one');
    expectProblem(await httpRequest(gw.port, { method: 'POST', path: '/large', body: Buffer.alloc(5001) }), 413, 'MG_BODY_TOO_LARGE');
  });

  test('413 for a chunked body that grows past the limit; the upstream request is aborted', async () => {
    const conn = await rawConnect(gw.port);
    const upstreamReq = new Promise<http.IncomingMessage>((resolve) => up.server.once('request', resolve));
    conn.write('POST /ok/chunked HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n');
    conn.write(`258\r\n${'a'.repeat(600)}\r\n`);
    const req = await upstreamReq; // the body streams: the upstream already has the request
    const aborted = closeOf(req);
    conn.write(`258\r\n${'b'.repeat(600)}\r\n`);
    const [res] = await conn.responses(1);
    assert.equal(res!.status, 413);
    assert.equal(res!.headers['content-type'], 'application/problem+json');
    assert.equal(JSON.parse(res!.body.toString()).code, 'MG_BODY_TOO_LARGE');
    assert.equal(res!.headers.connection, 'close');
    await expectClosed(conn);
    await aborted;
  });

  test('502 when the upstream refuses the connection', async () => {
    const doc = expectProblem(await httpRequest(gw.port, { path: '/dead' }), 502, 'MG_UPSTREAM_REFUSED');
    assert.match(doc.detail, new RegExp(`127\\.0\\.0\\.1:${deadPort}`));
  });

  test('503 when every endpoint of the service is unhealthy', async () => {
    const closed = await freePort();
    const gw2 = await startGateway({
      services: { down: { endpoints: [`127.0.0.1:${closed}`], healthCheck: { type: 'tcp', intervalMs: 100, timeoutMs: 200, unhealthyThreshold: 1 } } },
      routes: [{ path: '/', backendService: 'down' }],
    });
    try {
      let res = await httpRequest(gw2.port, { path: '/x' });
      for (let i = 0; i < 40 && res.status !== 503; i++) {
        await new Promise((r) => setTimeout(r, 50));
        res = await httpRequest(gw2.port, { path: '/x' });
      }
      const doc = expectProblem(res, 503, 'MG_NO_ENDPOINT');
      assert.match(doc.detail, /down/);
    } finally {
      await gw2.close();
    }
  });

  test('504 when timeoutSeconds passes, and the upstream sees its request aborted', async () => {
    const held = nextHung();
    const started = Date.now();
    const pending = httpRequest(gw.port, { path: '/hang/1' });
    const aborted = closeOf(await held);
    const res = await pending;
    const elapsed = Date.now() - started;
    const doc = expectProblem(res, 504, 'MG_UPSTREAM_TIMEOUT');
    assert.match(doc.detail, /300 ms/);
    assert.ok(elapsed >= 280 && elapsed < 2000, `answered after ${elapsed} ms`);
    await aborted;
  });

  test('timeoutSeconds counts from the end of the request: a slow upload is not cut at the deadline', async () => {
    const conn = await rawConnect(gw.port);
    conn.write('POST /slow-upload/x HTTP/1.1\r\nHost: a\r\nContent-Length: 600\r\n\r\n');
    for (let i = 0; i < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      conn.write('u'.repeat(100));
    }
    const [res] = await conn.responses(1);
    assert.equal(res!.status, 200, res!.body.toString());
    assert.equal(JSON.parse(res!.body.toString()).bodyLength, 600);
    conn.destroy();
  });

  test('a client that disconnects while waiting aborts the upstream request', async () => {
    const held = nextHung();
    const conn = await rawConnect(gw.port);
    conn.write('GET /hang/2 HTTP/1.1\r\nHost: a\r\n\r\n');
    const aborted = closeOf(await held);
    conn.destroy();
    await aborted;
  });

  test('a client that disconnects mid-upload aborts the upstream request', async () => {
    const held = nextHung();
    const conn = await rawConnect(gw.port);
    conn.write(`POST /hang/3 HTTP/1.1\r\nHost: a\r\nContent-Length: 900\r\n\r\n${'x'.repeat(300)}`);
    const req = await held;
    const aborted = closeOf(req);
    conn.destroy();
    await aborted;
  });

  test('the gateway still serves after all of that', async () => {
    const res = await httpRequest(gw.port, { path: '/ok/after' });
    assert.equal(res.status, 200);
    assert.equal(JSON.parse(res.body.toString()).url, '/ok/after');
  });
});

describe('errors: broken upstreams', () => {
  let raw: RawUpstream;
  let good: TestUpstream;
  let gw: Awaited<ReturnType<typeof startGateway>>;

  before(async () => {
    raw = await startRawUpstream(({ socket, target }) => {
      switch (target.split('?')[0]) {
        case '/reset-in-head':
          socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/pl');
          setTimeout(() => socket.resetAndDestroy(), 10);
          break;
        case '/close-before-response':
          socket.end();
          break;
        case '/garbage':
          socket.write('SURPRISE! this is not HTTP\r\n\r\n');
          break;
        case '/bad-status':
          socket.write('HTTP/1.1 20 OK\r\nContent-Length: 0\r\n\r\n');
          break;
        case '/cl-and-te':
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n');
          break;
        case '/switch':
          socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\n\u0081\u0005hello');
          break;
        case '/die-mid-body':
          socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n${'d'.repeat(1000)}`);
          setTimeout(() => socket.destroy(), 20);
          break;
        case '/then-junk':
          // A complete response, then bytes nobody asked for on the now idle keep-alive connection.
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
          setTimeout(() => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nstale'), 30);
          break;
        case '/die-mid-chunked':
          socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n');
          setTimeout(() => socket.destroy(), 20);
          break;
        default:
          socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
      }
    });
    good = await startUpstream('good');
    gw = await startGateway({ routes: [{ path: '/good', backendService: good.address }, { path: '/', backendService: raw.address }] });
  });
  after(async () => {
    await gw.close();
    await raw.close();
    await good.close();
  });

  async function stillServes(): Promise<void> {
    const res = await httpRequest(gw.port, { path: '/good/check' });
    assert.equal(res.status, 200);
  }

  test('502 when the upstream resets in the middle of the response head', async () => {
    expectProblem(await httpRequest(gw.port, { path: '/reset-in-head' }), 502, 'MG_UPSTREAM_RESET');
    await stillServes();
  });

  test('502 when a fresh upstream connection closes before any response', async () => {
    expectProblem(await httpRequest(gw.port, { path: '/close-before-response' }), 502, 'MG_UPSTREAM_RESET');
    await stillServes();
  });

  test('502 for a malformed upstream response (garbage, bad status line, Content-Length with chunked, unsolicited 101)', async () => {
    for (const path of ['/garbage', '/bad-status', '/cl-and-te', '/switch']) {
      expectProblem(await httpRequest(gw.port, { path }), 502, 'MG_UPSTREAM_BAD_RESPONSE');
    }
    // The broken connections were not pooled: the next request on the same upstream is fine.
    const res = await httpRequest(gw.port, { path: '/fine' });
    assert.equal(res.status, 200);
    assert.equal(res.body.toString(), 'ok');
  });

  test('an upstream dying mid-body (Content-Length) cuts the client connection: never a clean 200', async () => {
    const conn = await rawConnect(gw.port);
    conn.write('GET /die-mid-body HTTP/1.1\r\nHost: a\r\n\r\n');
    await expectClosed(conn, 3000);
    const text = conn.received().toString('latin1');
    assert.match(text, /^HTTP\/1\.1 200 /);
    assert.match(text, /content-length: 100000/i);
    const body = text.slice(text.indexOf('\r\n\r\n') + 4);
    assert.ok(body.length < 100000, `truncated body (${body.length} bytes) and closed connection`);
    await stillServes();
  });

  test('an upstream dying mid-body (chunked) cuts the client connection before the last chunk', async () => {
    const conn = await rawConnect(gw.port);
    conn.write('GET /die-mid-chunked HTTP/1.1\r\nHost: a\r\n\r\n');
    await expectClosed(conn, 3000);
    const text = conn.received().toString('latin1');
    assert.match(text, /^HTTP\/1\.1 200 /);
    assert.match(text, /hello/);
    assert.doesNotMatch(text, /\r\n0\r\n\r\n$/, 'no terminating chunk');
    // A regular client sees an error, not a complete response.
    await assert.rejects(httpRequest(gw.port, { path: '/die-mid-chunked' }));
    await stillServes();
  });

  test('an upstream that sends bytes on an idle pooled connection loses that connection; the next request gets a fresh one', async () => {
    const closedBefore = raw.closed;
    const first = await httpRequest(gw.port, { path: '/then-junk' });
    assert.equal(first.status, 200);
    assert.equal(first.body.toString(), 'ok');
    // The gateway closes the connection the junk arrived on instead of keeping it for reuse.
    await raw.waitClosed(closedBefore + 1, 3000);
    const connectionsBefore = raw.connections;
    const next = await httpRequest(gw.port, { path: '/after-junk' });
    assert.equal(next.status, 200);
    assert.equal(next.body.toString(), 'ok', 'not the stale bytes');
    assert.equal(raw.connections, connectionsBefore + 1, 'a new upstream connection');
  });

  test('a pooled connection that resets after part of a response head is a 502, not a silent resend', async () => {
    const ok = await httpRequest(gw.port, { path: '/warm' });
    assert.equal(ok.status, 200); // leaves a keep-alive connection in the pool
    const requestsBefore = raw.requests;
    const connectionsBefore = raw.connections;
    expectProblem(await httpRequest(gw.port, { path: '/reset-in-head' }), 502, 'MG_UPSTREAM_RESET');
    assert.equal(raw.connections, connectionsBefore, 'it went out on the pooled connection');
    assert.equal(raw.requests, requestsBefore + 1, 'bytes of a response came back, so the request is not sent again');
  });

  test('the gateway survives a burst of failures and keeps its keep-alive clients', async () => {
    const conn = await rawConnect(gw.port);
    const paths = ['/garbage', '/reset-in-head', '/good/a', '/bad-status', '/good/b'];
    conn.write(paths.map((p) => `GET ${p} HTTP/1.1\r\nHost: a\r\n\r\n`).join(''));
    const responses = await conn.responses(paths.length);
    assert.deepEqual(responses.map((r) => r.status), [502, 502, 200, 502, 200]);
    assert.equal(conn.isClosed(), false, 'upstream failures do not cost the client its connection');
    conn.destroy();
    const { responses: [res] } = await rawRequest(gw.port, 'GET /good/c HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n');
    assert.equal(res!.status, 200);
  });
});
