/**
 * Proxying over real sockets: header hygiene (RFC 9110 section 7.6), X-Forwarded-*, Via, Host,
 * X-Request-Id, path handling and rewrites, methods, and upstream keep-alive pooling.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startGateway } from '../helpers/gateway.js';
import { startUpstream } from '../helpers/upstream.js';
import { startRawUpstream } from '../helpers/raw-upstream.js';
import { httpRequest, problemOf, rawRequest } from '../helpers/http1.js';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
function echoOf(body) {
    return JSON.parse(body.toString('utf8'));
}
/** Values of `name` in the upstream's raw header list, in order (to see duplicates). */
function rawValues(reply, name) {
    const out = [];
    for (let i = 0; i < reply.rawHeaders.length; i += 2)
        if (reply.rawHeaders[i].toLowerCase() === name)
            out.push(reply.rawHeaders[i + 1]);
    return out;
}
describe('proxy: headers, request id, paths, methods', () => {
    let up;
    let gw;
    before(async () => {
        up = await startUpstream('echo');
        gw = await startGateway({
            routes: [
                { name: 'strip', path: '/strip', stripPrefix: true, backendService: up.address },
                { name: 'prefix', path: '/old/api', rewrite: { prefix: '/new' }, backendService: up.address },
                { name: 'regex', path: '/re', rewrite: { regex: '^/re/(\\w+)/(\\w+)', replacement: '/swapped/$2/$1' }, backendService: up.address },
                { name: 'params', path: '/users/:id/orders/:order', pathType: 'Exact', rewrite: { path: '/v2/orders/:order/of/:id' }, backendService: up.address },
                { name: 'hostrw', path: '/hostrw', hostRewrite: 'internal.svc:8443', backendService: up.address },
                { name: 'echo', path: '/', backendService: up.address },
            ],
        });
    });
    after(async () => {
        await gw.close();
        await up.close();
    });
    test('hop-by-hop request headers are removed, including those named in Connection; end-to-end ones pass', async () => {
        const res = await httpRequest(gw.port, {
            path: '/hop',
            headers: [
                'Host', 'hop.example',
                'Connection', 'keep-alive, X-Hop-Secret, x-other-hop',
                'Keep-Alive', 'timeout=5',
                'X-Hop-Secret', 'do-not-forward',
                'X-Other-Hop', 'nope',
                'Proxy-Connection', 'keep-alive',
                'TE', 'gzip',
                'Transfer-Encoding', 'chunked',
                'X-End-To-End', 'yes',
                'Authorization', 'Bearer t0k3n',
                'Cookie', 'a=1; b=2',
            ],
            body: 'hello',
        });
        assert.equal(res.status, 200);
        const seen = echoOf(res.body);
        for (const name of ['keep-alive', 'x-hop-secret', 'x-other-hop', 'proxy-connection', 'te', 'connection']) {
            assert.equal(seen.headers[name], undefined, `${name} must not reach the upstream`);
        }
        assert.equal(seen.headers['x-end-to-end'], 'yes');
        assert.equal(seen.headers.authorization, 'Bearer t0k3n');
        assert.equal(seen.headers.cookie, 'a=1; b=2');
        // The body was re-framed by the gateway (chunked in, chunked out) and arrived whole.
        assert.equal(seen.headers['transfer-encoding'], 'chunked');
        assert.equal(seen.body, 'hello');
    });
    test('hop-by-hop response headers are removed, including those named in Connection', async () => {
        const raw = await startRawUpstream(({ socket }) => {
            socket.write('HTTP/1.1 200 OK\r\nConnection: X-Up-Hop, keep-alive\r\nKeep-Alive: timeout=9\r\nX-Up-Hop: secret\r\n' +
                'Proxy-Connection: keep-alive\r\nUpgrade: h2c\r\nX-Up-Keep: kept\r\nContent-Length: 2\r\n\r\nok');
        });
        const gw2 = await startGateway({ routes: [{ path: '/', backendService: raw.address }] });
        try {
            const { responses, conn } = await rawRequest(gw2.port, 'GET /x HTTP/1.1\r\nHost: a\r\n\r\n');
            conn.destroy();
            const res = responses[0];
            assert.equal(res.status, 200);
            assert.equal(res.body.toString(), 'ok');
            assert.equal(res.headers['x-up-keep'], 'kept');
            for (const name of ['x-up-hop', 'keep-alive', 'proxy-connection', 'upgrade'])
                assert.equal(res.headers[name], undefined, `${name} must not reach the client`);
            // The client connection is kept alive: no Connection header is needed for HTTP/1.1.
            assert.equal(res.headers.connection, undefined);
        }
        finally {
            await gw2.close();
            await raw.close();
        }
    });
    test('X-Forwarded-For is appended to, X-Forwarded-Proto/Host are set, Via is added both ways', async () => {
        const res = await httpRequest(gw.port, {
            path: '/xff',
            headers: { host: 'shop.example:8080', 'x-forwarded-for': '203.0.113.9, 198.51.100.2', 'x-forwarded-proto': 'https', 'x-forwarded-host': 'spoofed', via: '1.0 fred' },
        });
        const seen = echoOf(res.body);
        assert.deepEqual(rawValues(seen, 'x-forwarded-for'), ['203.0.113.9, 198.51.100.2, 127.0.0.1']);
        assert.deepEqual(rawValues(seen, 'x-forwarded-proto'), ['http'], 'the proto is what the gateway saw, not what the client claimed');
        assert.deepEqual(rawValues(seen, 'x-forwarded-host'), ['shop.example:8080']);
        assert.deepEqual(rawValues(seen, 'via'), ['1.0 fred, 1.1 meshgate']);
        assert.equal(res.headers.via, '1.1 meshgate', 'Via on the response');
        const plain = echoOf((await httpRequest(gw.port, { path: '/xff' })).body);
        assert.deepEqual(rawValues(plain, 'x-forwarded-for'), ['127.0.0.1']);
        assert.deepEqual(rawValues(plain, 'via'), ['1.1 meshgate']);
    });
    test('the upstream Via on a response is kept and extended', async () => {
        const raw = await startRawUpstream(({ socket }) => socket.write('HTTP/1.1 200 OK\r\nVia: 1.1 backend-cache\r\nContent-Length: 0\r\n\r\n'));
        const gw2 = await startGateway({ routes: [{ path: '/', backendService: raw.address }] });
        try {
            const res = await httpRequest(gw2.port, { path: '/' });
            assert.equal(res.headers.via, '1.1 backend-cache, 1.1 meshgate');
        }
        finally {
            await gw2.close();
            await raw.close();
        }
    });
    test('Host is preserved by default and rewritten with hostRewrite', async () => {
        const kept = echoOf((await httpRequest(gw.port, { path: '/a', headers: { host: 'api.example.com' } })).body);
        assert.deepEqual(rawValues(kept, 'host'), ['api.example.com']);
        const rewritten = echoOf((await httpRequest(gw.port, { path: '/hostrw/x', headers: { host: 'api.example.com' } })).body);
        assert.deepEqual(rawValues(rewritten, 'host'), ['internal.svc:8443']);
        assert.deepEqual(rawValues(rewritten, 'x-forwarded-host'), ['api.example.com'], 'the original host travels in X-Forwarded-Host');
    });
    test('X-Request-Id: a client id is kept, forwarded and returned', async () => {
        const res = await httpRequest(gw.port, { path: '/id', headers: { 'x-request-id': 'client-chosen-42' } });
        assert.equal(res.headers['x-request-id'], 'client-chosen-42');
        assert.deepEqual(rawValues(echoOf(res.body), 'x-request-id'), ['client-chosen-42']);
    });
    test('X-Request-Id: generated as a UUID when absent, the same id upstream and downstream, new per request', async () => {
        const a = await httpRequest(gw.port, { path: '/id' });
        const b = await httpRequest(gw.port, { path: '/id' });
        const id = a.headers['x-request-id'];
        assert.match(id, UUID);
        assert.deepEqual(rawValues(echoOf(a.body), 'x-request-id'), [id]);
        assert.notEqual(b.headers['x-request-id'], id);
    });
    test('X-Request-Id: the problem+json instance is the request id (client-sent and generated)', async () => {
        const gw2 = await startGateway({ routes: [{ path: '/only', backendService: up.address }] });
        try {
            const mine = await httpRequest(gw2.port, { path: '/nope', headers: { 'x-request-id': 'trace-me' } });
            assert.equal(mine.status, 404);
            assert.equal(mine.headers['x-request-id'], 'trace-me');
            assert.equal(problemOf(mine).instance, 'trace-me');
            const generated = await httpRequest(gw2.port, { path: '/nope' });
            assert.match(generated.headers['x-request-id'], UUID);
            assert.equal(problemOf(generated).instance, generated.headers['x-request-id']);
        }
        finally {
            await gw2.close();
        }
    });
    test('the query string reaches the upstream byte for byte', async () => {
        const query = '?b=2&a=1&&sp=%20&plus=x+y&slash=%2F&raw=/?&utf=%E2%82%AC&empty=&flag&semi=a;b&dup=1&dup=2&pct=%zz';
        const seen = echoOf((await httpRequest(gw.port, { path: `/q${query}` })).body);
        assert.equal(seen.url, `/q${query}`);
    });
    test('encoded characters in the path are not decoded (%2F, %20, %7E, %25)', async () => {
        const path = '/files/a%2Fb/with%20space/%7Euser/100%25/%E2%82%AC';
        assert.equal(echoOf((await httpRequest(gw.port, { path })).body).url, path);
        assert.equal(echoOf((await httpRequest(gw.port, { path: '/strip/a%2Fb/%7E?x=%2F' })).body).url, '/a%2Fb/%7E?x=%2F');
    });
    test('paths with dot segments (also percent-encoded) are refused with 400; dots inside names pass', async () => {
        const before = up.requests;
        for (const path of ['/strip/../admin', '/a/./b', '/a/%2e%2E/b', '/a/.%2e', '/..']) {
            const { responses, conn } = await rawRequest(gw.port, `GET ${path} HTTP/1.1\r\nHost: a\r\n\r\n`);
            conn.destroy();
            assert.equal(responses[0].status, 400, path);
            assert.equal(responses[0].headers['content-type'], 'application/problem+json', path);
        }
        assert.equal(up.requests, before, 'no dot-segment request reached the upstream');
        const ok = echoOf((await httpRequest(gw.port, { path: '/files/v1.2/.well-known/x..y' })).body);
        assert.equal(ok.url, '/files/v1.2/.well-known/x..y');
    });
    test('stripPrefix removes the matched prefix (segment-aware) and keeps the query', async () => {
        assert.equal(echoOf((await httpRequest(gw.port, { path: '/strip/users/7?x=1' })).body).url, '/users/7?x=1');
        assert.equal(echoOf((await httpRequest(gw.port, { path: '/strip' })).body).url, '/');
        assert.equal(echoOf((await httpRequest(gw.port, { path: '/strip?x=1' })).body).url, '/?x=1');
        // '/stripped' is not under the '/strip' prefix: the catch-all route forwards it as is.
        assert.equal(echoOf((await httpRequest(gw.port, { path: '/stripped/x' })).body).url, '/stripped/x');
    });
    test('rewrite.prefix replaces the matched prefix', async () => {
        assert.equal(echoOf((await httpRequest(gw.port, { path: '/old/api/items/3?z=%20' })).body).url, '/new/items/3?z=%20');
        assert.equal(echoOf((await httpRequest(gw.port, { path: '/old/api' })).body).url, '/new');
    });
    test('rewrite.regex substitutes capture groups', async () => {
        assert.equal(echoOf((await httpRequest(gw.port, { path: '/re/alpha/beta/rest?q=1' })).body).url, '/swapped/beta/alpha/rest?q=1');
    });
    test('rewrite.path fills :params from the request path, without decoding them', async () => {
        assert.equal(echoOf((await httpRequest(gw.port, { path: '/users/42/orders/abc?full=1' })).body).url, '/v2/orders/abc/of/42?full=1');
        assert.equal(echoOf((await httpRequest(gw.port, { path: '/users/a%2Fb/orders/x%20y' })).body).url, '/v2/orders/x%20y/of/a%2Fb');
        assert.equal(echoOf((await httpRequest(gw.port, { path: '/users/%7Ejo/orders/1' })).body).url, '/v2/orders/1/of/%7Ejo');
    });
    test('all methods pass through with their bodies, including extension methods', async () => {
        for (const [method, body] of [
            ['GET', ''], ['POST', 'post-body'], ['PUT', 'put-body'], ['PATCH', '{"op":"x"}'], ['DELETE', ''], ['OPTIONS', ''],
            ['PROPFIND', '<?xml version="1.0"?><propfind/>'], ['MKCOL', ''], ['PURGE', ''],
        ]) {
            const res = await httpRequest(gw.port, { method, path: `/m/${method}`, body: body === '' ? undefined : body, headers: body === '' ? {} : { 'content-length': String(Buffer.byteLength(body)) } });
            assert.equal(res.status, 200, method);
            const seen = echoOf(res.body);
            assert.equal(seen.method, method);
            assert.equal(seen.url, `/m/${method}`);
            assert.equal(seen.body, body, `${method} body`);
        }
    });
});
describe('proxy: upstream keep-alive pool', () => {
    test('sequential requests reuse one upstream connection, whatever the client connections', async () => {
        const up = await startUpstream('pooled');
        const gw = await startGateway({ routes: [{ path: '/', backendService: up.address }] });
        try {
            // New client connection each time (agent: false) ...
            for (let i = 0; i < 15; i++)
                assert.equal((await httpRequest(gw.port, { path: `/fresh/${i}` })).status, 200);
            // ... and one keep-alive client connection.
            const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
            for (let i = 0; i < 15; i++)
                assert.equal((await httpRequest(gw.port, { path: `/ka/${i}`, agent })).status, 200);
            agent.destroy();
            assert.equal(up.requests, 30);
            assert.equal(up.connections, 1, 'one upstream connection served every request');
        }
        finally {
            await gw.close();
            await up.close();
        }
    });
    test('a pooled connection the upstream closed on its idle timeout is not used; the next request succeeds', async () => {
        // A keep-alive timeout of 200 ms on the upstream (node:http adds a second of grace to its
        // own keepAliveTimeout, so a raw server closes the idle connection itself).
        const raw = await startRawUpstream(({ socket }) => {
            socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
            clearTimeout(socket.idle);
            socket.idle = setTimeout(() => socket.end(), 200);
        });
        const gw = await startGateway({ routes: [{ path: '/', backendService: raw.address }] });
        try {
            assert.equal((await httpRequest(gw.port, { path: '/1' })).status, 200);
            await new Promise((r) => setTimeout(r, 500));
            for (let i = 0; i < 3; i++) {
                const res = await httpRequest(gw.port, { path: '/2' });
                assert.equal(res.status, 200, res.body.toString());
            }
            assert.equal(raw.requests, 4, 'no request was lost on the closed connection');
            assert.equal(raw.connections, 2, 'one new connection, reused for the next requests');
        }
        finally {
            await gw.close();
            await raw.close();
        }
    });
    test('an upstream that silently drops keep-alive connections: bodiless requests are retried on a fresh one', async () => {
        // Answers the first request on each connection with a keep-alive response, then resets the
        // connection when a second request arrives on it: the classic keep-alive race, every time.
        const raw = await startRawUpstream(({ socket, index, head }) => {
            if (index > 0) {
                socket.resetAndDestroy();
                return;
            }
            socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n${head.startsWith('HEAD') ? '' : 'ok'}`);
        });
        const gw = await startGateway({ routes: [{ path: '/', backendService: raw.address }] });
        try {
            for (const method of ['GET', 'HEAD', 'DELETE', 'GET', 'OPTIONS']) {
                const res = await httpRequest(gw.port, { method, path: '/x' });
                assert.equal(res.status, 200, `${method}: ${res.body.toString()}`);
            }
            // Each request after the first went to the dead pooled connection (reset), then to a fresh one.
            assert.equal(raw.requests, 5 + 4);
            assert.equal(raw.connections, 5);
        }
        finally {
            await gw.close();
            await raw.close();
        }
    });
    test('an upstream that closes after each response without saying so does not fail requests', async () => {
        const raw = await startRawUpstream(({ socket }) => {
            socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        });
        const gw = await startGateway({ routes: [{ path: '/', backendService: raw.address }] });
        try {
            const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
            for (let i = 0; i < 10; i++) {
                const res = await httpRequest(gw.port, { path: `/${i}`, agent });
                assert.equal(res.status, 200, res.body.toString());
                assert.equal(res.body.toString(), 'ok');
            }
            agent.destroy();
            assert.equal(raw.requests, 10);
        }
        finally {
            await gw.close();
            await raw.close();
        }
    });
});
//# sourceMappingURL=proxy.test.js.map