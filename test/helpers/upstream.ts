/**
 * Real upstream servers for tests, on 127.0.0.1 with a free port. The echo server answers with
 * what it received (method, url, headers, body length) and counts the TCP connections it saw.
 */
import http from 'node:http';
import type net from 'node:net';

export interface EchoReply {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  rawHeaders: string[];
  bodyLength: number;
  body: string;
  trailers: Record<string, string | undefined>;
  server: string;
  remotePort: number;
}

export interface TestUpstream {
  readonly port: number;
  readonly address: string;
  readonly server: http.Server;
  /** TCP connections accepted so far. */
  connections: number;
  /** Requests received so far. */
  requests: number;
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, up: TestUpstream) => void;

/** Starts an HTTP upstream; the default handler echoes the request as JSON. */
export async function startUpstream(name = 'upstream', handler?: Handler): Promise<TestUpstream> {
  const server = http.createServer();
  server.keepAliveTimeout = 30_000;
  const up: TestUpstream = {
    port: 0,
    address: '',
    server,
    connections: 0,
    requests: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  server.on('connection', () => up.connections++);
  server.on('request', (req, res) => {
    up.requests++;
    if (handler) return handler(req, res, up);
    echo(name)(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  (up as { port: number }).port = port;
  (up as { address: string }).address = `127.0.0.1:${port}`;
  return up;
}

/** The echo handler: replies 200 JSON describing the request it got. */
export function echo(name: string) {
  return (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (c: Buffer) => {
      length += c.length;
      if (length <= 65536) chunks.push(c);
    });
    req.on('end', () => {
      const reply: EchoReply = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        rawHeaders: req.rawHeaders,
        bodyLength: length,
        body: Buffer.concat(chunks).toString('utf8').slice(0, 65536),
        trailers: req.trailers as Record<string, string | undefined>,
        server: name,
        remotePort: req.socket.remotePort ?? 0,
      };
      const text = JSON.stringify(reply);
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-upstream': name });
      res.end(text);
    });
  };
}
