/**
 * HTTP/1.1 conformance of the gateway's own codec, over raw sockets so the test sees exactly
 * what goes over the wire: message framing (HEAD, 204/304, chunked, close-delimited, HTTP/1.0),
 * trailers, 100-continue, pipelining, and the request-smuggling / malformed-input rules.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startGateway } from '../helpers/gateway.js';
import { echo, startUpstream } from '../helpers/upstream.js';
import { startRawUpstream } from '../helpers/raw-upstream.js';
import { expectClosed, httpRequest, parseResponses, rawConnect, rawRequest } from '../helpers/http1.js';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
function echoOf(res) {
    return JSON.parse(res.body.toString('utf8'));
}
function assertProblem(res, status) {
    assert.equal(res.status, status, res.body.toString());
    assert.equal(res.headers['content-type'], 'application/problem+json');
    const doc = JSON.parse(res.body.toString());
    assert.equal(doc.status, status);
    for (const key of ['type', 'title', 'detail', 'instance'])
        assert.equal(typeof doc[key], 'string', `problem member ${key}`);
    assert.equal(doc.instance, res.headers['x-request-id']);
    return doc;
}
/** The conformance upstream: a few fixed behaviours by path, the echo reply otherwise. */
function handler(req, res) {
    const url = req.url ?? '/';
    if (url.startsWith('/len')) {
        // The same headers for GET and HEAD (node:http sends no body for HEAD).
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 11 });
        res.end(req.method === 'HEAD' ? undefined : 'hello world');
    }
    else if (url.startsWith('/204')) {
        res.writeHead(204, { 'x-kind': 'no-content' });
        res.end();
    }
    else if (url.startsWith('/304')) {
        res.writeHead(304, { etag: '"v1"' });
        res.end();
    }
    else if (url.startsWith('/chunks')) {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('a');
        setTimeout(() => {
            res.write('bb');
            res.end('ccc');
        }, 5);
    }
    else if (url.startsWith('/trailers')) {
        res.writeHead(200, { 'content-type': 'text/plain', trailer: 'x-digest' });
        res.write('body');
        res.addTrailers({ 'x-digest': 'sha-256=abc' });
        res.end();
    }
    else if (url.startsWith('/slow/')) {
        setTimeout(() => echo('slow')(req, res), Number(url.slice(6).split('?')[0]));
    }
    else {
        echo('echo')(req, res);
    }
}
describe('http1: framing and bodies', () => {
    let up;
    let gw;
    let raw;
    before(async () => {
        up = await startUpstream('conformance', handler);
        // Close-delimited and interim responses need a raw upstream.
        raw = await startRawUpstream(({ socket, target }) => {
            if (target.startsWith('/raw/close-delimited')) {
                socket.write('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nuntil-');
                setTimeout(() => socket.end('the-end'), 5);
            }
            else if (target.startsWith('/raw/early-hints')) {
                socket.write('HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n');
                socket.write('HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\ndone');
            }
            else {
                socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
            }
        });
        gw = await startGateway({ routes: [{ path: '/raw', backendService: raw.address }, { path: '/', backendService: up.address }] });
    });
    after(async () => {
        await gw.close();
        await up.close();
        await raw.close();
    });
    test('HEAD: no body bytes, Content-Length preserved, the connection stays in sync', async () => {
        const { responses, conn } = await rawRequest(gw.port, 'HEAD /len HTTP/1.1\r\nHost: a\r\n\r\nGET /len HTTP/1.1\r\nHost: a\r\n\r\n', { n: 2, noBody: [true, false] });
        const [head, get] = responses;
        assert.equal(head.status, 200);
        assert.equal(head.headers['content-length'], '11');
        assert.equal(head.headers['transfer-encoding'], undefined);
        assert.equal(get.body.toString(), 'hello world', 'had the HEAD carried body bytes, this response would be garbled');
        await new Promise((r) => setTimeout(r, 30));
        assert.equal(parseResponses(conn.received(), [true, false]).rest.length, 0, 'nothing after the two responses');
        conn.destroy();
    });
    test('HEAD to an upstream response without Content-Length is not chunk-framed', async () => {
        const { responses, conn } = await rawRequest(gw.port, 'HEAD /chunks HTTP/1.1\r\nHost: a\r\n\r\nGET /len HTTP/1.1\r\nHost: a\r\n\r\n', { n: 2, noBody: [true, false] });
        assert.equal(responses[0].status, 200);
        assert.equal(responses[1].body.toString(), 'hello world');
        conn.destroy();
    });
    test('204 and 304 carry no body and no chunked framing; the connection stays usable', async () => {
        const { responses, conn } = await rawRequest(gw.port, 'GET /204 HTTP/1.1\r\nHost: a\r\n\r\nGET /304 HTTP/1.1\r\nHost: a\r\nIf-None-Match: "v1"\r\n\r\nGET /len HTTP/1.1\r\nHost: a\r\n\r\n', { n: 3 });
        const [r204, r304, after204] = responses;
        assert.equal(r204.status, 204);
        assert.equal(r204.headers['x-kind'], 'no-content');
        assert.equal(r204.headers['transfer-encoding'], undefined);
        assert.equal(r304.status, 304);
        assert.equal(r304.headers.etag, '"v1"');
        assert.equal(r304.headers['transfer-encoding'], undefined);
        assert.equal(after204.body.toString(), 'hello world');
        conn.destroy();
    });
    test('chunked request body: decoded, re-chunked upstream, arrives byte for byte (extensions dropped)', async () => {
        const body = '4;ext=1\r\nWiki\r\n6\r\npedia \r\nE\r\nin \r\n\r\nchunks.\r\n0\r\n\r\n';
        const { responses, conn } = await rawRequest(gw.port, `POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n${body}`);
        const seen = echoOf(responses[0]);
        assert.equal(seen.body, 'Wikipedia in \r\n\r\nchunks.');
        assert.equal(seen.headers['transfer-encoding'], 'chunked');
        assert.equal(seen.headers['content-length'], undefined);
        conn.destroy();
    });
    test('chunked response body streams to the client chunked and complete', async () => {
        const { responses, conn } = await rawRequest(gw.port, 'GET /chunks HTTP/1.1\r\nHost: a\r\n\r\n');
        const res = responses[0];
        assert.equal(res.framing, 'chunked');
        assert.equal(res.body.toString(), 'abbccc');
        assert.ok(res.chunkSizes.length >= 3, `several chunks, got ${res.chunkSizes.join(',')}`);
        conn.destroy();
    });
    test('request trailers reach the upstream', async () => {
        const { responses, conn } = await rawRequest(gw.port, 'POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTrailer: x-checksum\r\n\r\n5\r\nhello\r\n0\r\nX-Checksum: 5d41402a\r\n\r\n');
        const seen = echoOf(responses[0]);
        assert.equal(seen.body, 'hello');
        assert.equal(seen.trailers['x-checksum'], '5d41402a');
        conn.destroy();
    });
    test('response trailers reach the client (with and without TE: trailers)', async () => {
        for (const te of ['TE: trailers\r\n', '']) {
            const { responses, conn } = await rawRequest(gw.port, `GET /trailers HTTP/1.1\r\nHost: a\r\n${te}\r\n`);
            const res = responses[0];
            assert.equal(res.body.toString(), 'body');
            assert.equal(res.headers.trailer, 'x-digest');
            assert.deepEqual(res.trailers, { 'x-digest': 'sha-256=abc' }, `trailers (${te.trim() || 'no TE'})`);
            conn.destroy();
        }
        // And through a regular client.
        const viaNode = await httpRequest(gw.port, { path: '/trailers' });
        assert.equal(viaNode.trailers['x-digest'], 'sha-256=abc');
    });
    test('Expect: 100-continue: the upstream 100 is relayed, then the body is sent, then the final response', async () => {
        const conn = await rawConnect(gw.port);
        conn.write('PUT /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 9\r\nExpect: 100-continue\r\n\r\n');
        await conn.waitFor((d) => d.toString('latin1').includes('\r\n\r\n'));
        assert.match(conn.received().toString('latin1'), /^HTTP\/1\.1 100 Continue\r\n/);
        conn.write('the-bytes');
        const responses = await conn.responses(1);
        const all = parseResponses(conn.received()).responses;
        assert.deepEqual(all.map((r) => r.status), [100, 200], 'exactly one 100, then the final response');
        const seen = echoOf(responses[0]);
        assert.equal(seen.body, 'the-bytes');
        assert.equal(seen.headers.expect, '100-continue');
        conn.destroy();
    });
    test('1xx other than 100 (103 Early Hints) is relayed to an HTTP/1.1 client before the final response', async () => {
        const { conn } = await rawRequest(gw.port, 'GET /raw/early-hints HTTP/1.1\r\nHost: a\r\n\r\n');
        const all = parseResponses(conn.received()).responses;
        assert.deepEqual(all.map((r) => r.status), [103, 200]);
        assert.equal(all[0].headers.link, '</style.css>; rel=preload');
        assert.equal(all[1].body.toString(), 'done');
        conn.destroy();
    });
    test('HTTP/1.0 client without keep-alive: the response is delimited and the connection closed; Host is supplied upstream', async () => {
        const { responses, conn } = await rawRequest(gw.port, 'GET /echo10 HTTP/1.0\r\n\r\n');
        const res = responses[0];
        assert.equal(res.status, 200);
        const seen = echoOf(res);
        assert.equal(seen.url, '/echo10');
        assert.ok(typeof seen.headers.host === 'string' && seen.headers.host.length > 0, 'an HTTP/1.1 upstream request always carries Host');
        await expectClosed(conn);
    });
    test('HTTP/1.0 client with keep-alive keeps its connection when the length is known', async () => {
        const conn = await rawConnect(gw.port);
        conn.write('GET /len HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n');
        const [first] = await conn.responses(1);
        assert.equal(first.headers.connection, 'keep-alive');
        assert.equal(first.body.toString(), 'hello world');
        conn.write('GET /len HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n');
        const both = await conn.responses(2);
        assert.equal(both[1].body.toString(), 'hello world');
        assert.equal(conn.isClosed(), false);
        conn.destroy();
    });
    test('HTTP/1.0 client and an upstream chunked response: close-delimited, never chunked', async () => {
        const { responses, conn } = await rawRequest(gw.port, 'GET /chunks HTTP/1.0\r\nHost: a\r\nConnection: keep-alive\r\n\r\n');
        const res = responses[0];
        assert.equal(res.framing, 'close');
        assert.equal(res.headers['transfer-encoding'], undefined);
        assert.equal(res.headers.connection, 'close');
        assert.equal(res.body.toString(), 'abbccc');
        await expectClosed(conn);
    });
    test('an upstream close-delimited response becomes chunked for an HTTP/1.1 client, which keeps its connection', async () => {
        const conn = await rawConnect(gw.port);
        conn.write('GET /raw/close-delimited HTTP/1.1\r\nHost: a\r\n\r\n');
        const [res] = await conn.responses(1);
        assert.equal(res.framing, 'chunked');
        assert.equal(res.body.toString(), 'until-the-end');
        conn.write('GET /len HTTP/1.1\r\nHost: a\r\n\r\n');
        const both = await conn.responses(2);
        assert.equal(both[1].body.toString(), 'hello world');
        conn.destroy();
    });
    test('a request with more than 32 header fields and a long target arrives complete', async () => {
        const names = Array.from({ length: 80 }, (_, i) => `X-Field-${i}`);
        const target = `/echo/${'p'.repeat(3000)}?${'q'.repeat(3000)}`;
        const head = `GET ${target} HTTP/1.1\r\nHost: many.example\r\n${names.map((n, i) => `${n}: v${i}\r\n`).join('')}\r\n`;
        // Split the head over several writes so the parser sees it in pieces.
        const parts = [head.slice(0, 100), head.slice(100, 3500), head.slice(3500, 6100), head.slice(6100)];
        const conn = await rawConnect(gw.port);
        for (const p of parts) {
            conn.write(p);
            await new Promise((r) => setTimeout(r, 5));
        }
        const [res] = await conn.responses(1);
        const seen = echoOf(res);
        assert.equal(seen.url, target);
        assert.equal(seen.headers.host, 'many.example');
        for (let i = 0; i < names.length; i++)
            assert.equal(seen.headers[names[i].toLowerCase()], `v${i}`);
        conn.destroy();
    });
    test('a request asking to upgrade is proxied as a plain request and the connection stays usable', async () => {
        const conn = await rawConnect(gw.port);
        conn.write('GET /echo/up HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAoAAAAAIAAAAA\r\n\r\n');
        const [first] = await conn.responses(1);
        const seen = echoOf(first);
        assert.equal(seen.headers.upgrade, undefined);
        assert.equal(seen.headers['http2-settings'], undefined);
        conn.write('GET /len HTTP/1.1\r\nHost: a\r\n\r\n');
        const both = await conn.responses(2);
        assert.equal(both[1].body.toString(), 'hello world');
        conn.destroy();
        // The same with the next request in the same write (the parser stops at an upgrade request).
        const piped = await rawRequest(gw.port, 'GET /echo/up HTTP/1.1\r\nHost: a\r\nConnection: upgrade\r\nUpgrade: websocket\r\n\r\nGET /len HTTP/1.1\r\nHost: a\r\n\r\n', { n: 2 });
        assert.equal(echoOf(piped.responses[0]).url, '/echo/up');
        assert.equal(piped.responses[1].body.toString(), 'hello world');
        piped.conn.destroy();
    });
    test('a client that half-closes after its request still gets the response', async () => {
        const conn = await rawConnect(gw.port);
        conn.socket.end('GET /len HTTP/1.1\r\nHost: a\r\n\r\n');
        const [res] = await conn.responses(1);
        assert.equal(res.body.toString(), 'hello world');
        await expectClosed(conn);
    });
});
describe('http1: pipelining', () => {
    let up;
    let gw;
    before(async () => {
        up = await startUpstream('pipeline', handler);
        gw = await startGateway({ routes: [{ path: '/only', backendService: up.address }, { path: '/', backendService: up.address }] });
    });
    after(async () => {
        await gw.close();
        await up.close();
    });
    test('three requests in one write are answered in order, even when the first is slowest', async () => {
        const { responses, conn } = await rawRequest(gw.port, 'GET /slow/80?n=1 HTTP/1.1\r\nHost: a\r\n\r\nGET /slow/10?n=2 HTTP/1.1\r\nHost: a\r\n\r\nGET /echo?n=3 HTTP/1.1\r\nHost: a\r\n\r\n', { n: 3 });
        assert.deepEqual(responses.map((r) => echoOf(r).url), ['/slow/80?n=1', '/slow/10?n=2', '/echo?n=3']);
        const ids = responses.map((r) => r.headers['x-request-id']);
        assert.equal(new Set(ids).size, 3, 'each pipelined request has its own id');
        conn.destroy();
    });
    test('a hundred pipelined requests in one write are all answered, in order', async () => {
        const n = 100;
        let data = '';
        for (let i = 0; i < n; i++)
            data += `GET /echo?i=${i} HTTP/1.1\r\nHost: a\r\n\r\n`;
        const { responses, conn } = await rawRequest(gw.port, data, { n, timeoutMs: 10_000 });
        assert.deepEqual(responses.map((r) => echoOf(r).url), Array.from({ length: n }, (_, i) => `/echo?i=${i}`));
        conn.destroy();
    });
    test('a pipelined request with a body (Content-Length and chunked) between bodiless ones', async () => {
        const big = 'x'.repeat(100_000);
        const { responses, conn } = await rawRequest(gw.port, [
            'GET /slow/30?n=1 HTTP/1.1\r\nHost: a\r\n\r\n',
            `POST /echo?n=2 HTTP/1.1\r\nHost: a\r\nContent-Length: ${big.length}\r\n\r\n${big}`,
            'POST /echo?n=3 HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n',
            'GET /echo?n=4 HTTP/1.1\r\nHost: a\r\n\r\n',
        ], { n: 4 });
        const seen = responses.map(echoOf);
        assert.deepEqual(seen.map((s) => s.url), ['/slow/30?n=1', '/echo?n=2', '/echo?n=3', '/echo?n=4']);
        assert.equal(seen[1].bodyLength, big.length);
        assert.equal(seen[2].body, 'abc');
        conn.destroy();
    });
    test('a gateway error (404) does not break the pipeline or the keep-alive connection', async () => {
        const gw2 = await startGateway({ routes: [{ path: '/only', backendService: up.address }] });
        try {
            const { responses, conn } = await rawRequest(gw2.port, 'GET /missing HTTP/1.1\r\nHost: a\r\n\r\nGET /only/x HTTP/1.1\r\nHost: a\r\n\r\n', { n: 2 });
            assertProblem(responses[0], 404);
            assert.equal(responses[0].headers.connection, undefined, 'a 404 keeps the connection');
            assert.equal(echoOf(responses[1]).url, '/only/x');
            assert.equal(conn.isClosed(), false);
            conn.destroy();
        }
        finally {
            await gw2.close();
        }
    });
    test('HEAD answered by the gateway itself (404) has no body either', async () => {
        const gw2 = await startGateway({ routes: [{ path: '/only', backendService: up.address }] });
        try {
            const { responses, conn } = await rawRequest(gw2.port, 'HEAD /missing HTTP/1.1\r\nHost: a\r\n\r\nGET /only/y HTTP/1.1\r\nHost: a\r\n\r\n', { n: 2, noBody: [true, false] });
            assert.equal(responses[0].status, 404);
            assert.equal(responses[0].headers['content-type'], 'application/problem+json');
            assert.ok(Number(responses[0].headers['content-length']) > 0);
            assert.equal(echoOf(responses[1]).url, '/only/y');
            conn.destroy();
        }
        finally {
            await gw2.close();
        }
    });
    test('a malformed request after a good one: the good one is answered, then 400, then close', async () => {
        const { responses, conn } = await rawRequest(gw.port, 'GET /slow/30 HTTP/1.1\r\nHost: a\r\n\r\nGET /x HTTP/1.1\r\nBad Header: y\r\n\r\n', { n: 2 });
        assert.equal(responses[0].status, 200);
        assert.equal(echoOf(responses[0]).url, '/slow/30');
        assertProblem(responses[1], 400);
        await expectClosed(conn);
    });
});
describe('http1: malformed requests and smuggling', () => {
    let up;
    let gw;
    before(async () => {
        up = await startUpstream('smuggle', handler);
        gw = await startGateway({ maxHeaderBytes: 4096, routes: [{ path: '/', backendService: up.address }] });
    });
    after(async () => {
        await gw.close();
        await up.close();
    });
    /** Sends `data`, expects one problem response with `status`, the connection closed, and no request upstream. */
    async function rejects(data, status, opts = {}) {
        const before = up.requests;
        const { responses, conn } = await rawRequest(gw.port, data);
        const doc = assertProblem(responses[0], status);
        assert.equal(responses[0].headers.connection, 'close');
        await expectClosed(conn);
        assert.equal(responses.length, 1, 'nothing else is answered on that connection');
        // -1: the head may already have gone upstream (the error is in the body); it must be aborted, not counted.
        if (opts.upstreamSees !== -1)
            assert.equal(up.requests - before, opts.upstreamSees ?? 0, 'requests the upstream saw');
        return doc;
    }
    test('Content-Length together with Transfer-Encoding -> 400, connection closed', async () => {
        await rejects('POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n', 400);
        await rejects('POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 6\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n', 400);
    });
    test('duplicate Content-Length with differing values -> 400', async () => {
        await rejects('POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!', 400);
    });
    test('malformed Content-Length values -> 400', async () => {
        for (const v of ['-1', '+5', '5x', '0x10', '1 2'])
            await rejects(`POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: ${v}\r\n\r\nhello`, 400);
    });
    test('Transfer-Encoding whose final coding is not chunked -> 400', async () => {
        await rejects('POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n', 400);
    });
    test('invalid chunk size -> 400, and the half-sent request is aborted upstream', async () => {
        const doc = await rejects('POST /echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', 400, { upstreamSees: -1 });
        assert.match(String(doc.detail), /chunk/i);
    });
    test('obs-fold (a header line continued with whitespace) -> 400', async () => {
        await rejects('GET /echo HTTP/1.1\r\nHost: a\r\nX-Folded: one\r\n two\r\n\r\n', 400);
    });
    test('invalid characters in header names and values -> 400', async () => {
        await rejects('GET /echo HTTP/1.1\r\nHost: a\r\nBad Name: x\r\n\r\n', 400);
        await rejects('GET /echo HTTP/1.1\r\nHost: a\r\nX-Bad\u0000: x\r\n\r\n', 400);
        await rejects('GET /echo HTTP/1.1\r\nHost: a\r\nX-Nul: a\u0000b\r\n\r\n', 400);
        await rejects('GET /echo HTTP/1.1\r\nHost: a\r\n: no-name\r\n\r\n', 400);
    });
    test('bare LF line endings and garbage request lines -> 400 problem', async () => {
        await rejects('GET /echo HTTP/1.1\nHost: a\n\n', 400);
        await rejects('GET /echo HTTP/1.1\r\nHost: a\nX: y\r\n\r\n', 400);
        await rejects('HELLO\r\n\r\n', 400);
        await rejects('GET /echo HTTP/9.9\r\nHost: a\r\n\r\n', 400);
        await rejects('GET /ec ho HTTP/1.1\r\nHost: a\r\n\r\n', 400);
        await rejects('\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u0001\u00fc\u0003\u0003', 400); // a TLS ClientHello on the plain port
    });
    test('an HTTP/1.1 request without Host, or with two, -> 400', async () => {
        await rejects('GET /echo HTTP/1.1\r\n\r\n', 400);
        await rejects('GET /echo HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400);
    });
    test('header section larger than maxHeaderBytes -> 431 problem', async () => {
        const doc = await rejects(`GET /echo HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(5000)}\r\n\r\n`, 431);
        assert.equal(doc.title, 'Request header fields too large');
        // Many small fields add up the same way.
        await rejects(`GET /echo HTTP/1.1\r\nHost: a\r\n${Array.from({ length: 300 }, (_, i) => `X-F${i}: 0123456789\r\n`).join('')}\r\n`, 431);
        // A head just under the limit passes.
        const ok = await rawRequest(gw.port, `GET /echo HTTP/1.1\r\nHost: a\r\nX-Big: ${'b'.repeat(3500)}\r\n\r\n`);
        assert.equal(ok.responses[0].status, 200);
        ok.conn.destroy();
    });
    test('a connection closed after an error is released at once (the gateway stops promptly)', async () => {
        const gw2 = await startGateway({ routes: [{ path: '/', backendService: up.address }] });
        const bad = await rawRequest(gw2.port, 'HELLO\r\n\r\n');
        await expectClosed(bad.conn);
        // The client keeps its socket (it only answered the FIN); the gateway must not wait for it.
        const started = Date.now();
        await gw2.close();
        assert.ok(Date.now() - started < 1500, `close() took ${Date.now() - started} ms`);
    });
    test('the gateway keeps serving after all of that', async () => {
        const res = await httpRequest(gw.port, { path: '/echo/after' });
        assert.equal(res.status, 200);
        assert.match(String(res.headers['x-request-id']), UUID);
    });
});
//# sourceMappingURL=http1-conformance.test.js.map