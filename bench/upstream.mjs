#!/usr/bin/env node
// Fallback fixed-response upstream for scripts/bench.mjs, used when nginx is not installed.
//
// A raw `net` server, not node:http: it answers every request head it sees ("\r\n\r\n") with the
// same precomputed response, coalescing pipelined requests into one write. It does not read
// request bodies, so it is only fit for body-less requests (GET), which is all the benchmark sends.
// A request carrying "Connection: close" gets its response and then the socket is ended, so a
// new-connection-per-request scenario works against it too.
//
//   node bench/upstream.mjs --port 8081 [--host 127.0.0.1] [--body-bytes 12]
import net from 'node:net';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'body-bytes': { type: 'string', default: '12' },
  },
});

const bodyBytes = Number(values['body-bytes']);
const body = bodyBytes === 12 ? Buffer.from('hello world\n') : Buffer.alloc(bodyBytes, 'x');
if (bodyBytes > 0 && bodyBytes !== 12) body[bodyBytes - 1] = 0x0a;
const head = (close) =>
  `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n${close ? 'Connection: close\r\n' : ''}\r\n`;
const response = Buffer.concat([Buffer.from(head(false), 'latin1'), body]);
const responseClose = Buffer.concat([Buffer.from(head(true), 'latin1'), body]);

const server = net.createServer({ noDelay: true }, (socket) => {
  let tail = ''; // last bytes of the previous chunk, so a "\r\n\r\n" split across chunks is still seen
  let pendingHead = ''; // the current (unfinished) head, only to look for "connection: close"
  socket.on('data', (chunk) => {
    const text = tail + chunk.toString('latin1');
    let count = 0;
    let close = false;
    let from = 0;
    for (;;) {
      const end = text.indexOf('\r\n\r\n', from);
      if (end === -1) break;
      const reqHead = pendingHead + text.slice(from, end);
      pendingHead = '';
      if (/\r\nconnection:[ \t]*close/i.test(reqHead)) close = true;
      count++;
      from = end + 4;
      if (close) break;
    }
    if (close) {
      socket.end(count === 1 ? responseClose : Buffer.concat([...Array(count - 1).fill(response), responseClose]));
      return;
    }
    pendingHead += text.slice(from, Math.max(from, text.length - 3));
    if (pendingHead.length > 65536) pendingHead = pendingHead.slice(-65536);
    tail = text.slice(Math.max(from, text.length - 3));
    if (count === 1) socket.write(response);
    else if (count > 1) socket.write(Buffer.concat(Array(count).fill(response)));
  });
  socket.on('error', () => socket.destroy());
});

server.listen({ port: Number(values.port), host: values.host, backlog: 4096 }, () => {
  const { port } = server.address();
  process.stdout.write(`upstream listening on ${values.host}:${port}\n`);
});
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
