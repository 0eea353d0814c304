#!/usr/bin/env node
// @fastify/http-proxy as a plain reverse proxy for scripts/bench.mjs: fastify with the logger
// off, the plugin on every path, one process. It forwards with undici (@fastify/reply-from);
// its pool (default 128 connections) is sized to the client connection count, as nginx's
// keepalive is, so a 256-connection run does not queue on the pool.
// One fix to a plain proxy: the upstream's `Connection` response header is dropped. reply-from
// copies it, so a client that sent `Connection: close` is told `keep-alive` while Node closes
// the socket; wrk then writes its next request on the closing socket (half the requests of the
// new-conn scenario answered 400 HPE_CLOSED_CONNECTION). Connection is hop-by-hop (RFC 9110 7.6.1).
//
//   node bench/peers/fastify-http-proxy.mjs --port 8080 --upstream http://127.0.0.1:8081 [--connections 256]
import Fastify from 'fastify';
import proxy from '@fastify/http-proxy';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    upstream: { type: 'string' },
    connections: { type: 'string', default: '128' },
  },
});
if (!values.port || !values.upstream) {
  process.stderr.write('usage: fastify-http-proxy.mjs --port N --upstream http://host:port [--connections N]\n');
  process.exit(2);
}

const app = Fastify({ logger: false });
await app.register(proxy, {
  upstream: values.upstream,
  undici: { connections: Math.max(128, Number(values.connections)), pipelining: 1, keepAliveTimeout: 60_000 },
  replyOptions: {
    rewriteHeaders: (headers) => {
      delete headers.connection;
      return headers;
    },
  },
});
await app.listen({ port: Number(values.port), host: values.host });
process.stdout.write(`fastify-http-proxy listening on ${values.host}:${values.port}\n`);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => app.close().then(() => process.exit(0)));
