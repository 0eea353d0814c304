/**
 * Real upstream servers for tests, on 127.0.0.1 with a free port. The echo server answers with
 * what it received (method, url, headers, body length) and counts the TCP connections it saw.
 */
import http from 'node:http';
/** Starts an HTTP upstream; the default handler echoes the request as JSON. */
export async function startUpstream(name = 'upstream', handler) {
    const server = http.createServer();
    server.keepAliveTimeout = 30_000;
    const up = {
        port: 0,
        address: '',
        server,
        connections: 0,
        requests: 0,
        close: () => new Promise((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
        }),
    };
    server.on('connection', () => up.connections++);
    server.on('request', (req, res) => {
        up.requests++;
        if (handler)
            return handler(req, res, up);
        echo(name)(req, res);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = server.address().port;
    up.port = port;
    up.address = `127.0.0.1:${port}`;
    return up;
}
/** The echo handler: replies 200 JSON describing the request it got. */
export function echo(name) {
    return (req, res) => {
        const chunks = [];
        let length = 0;
        req.on('data', (c) => {
            length += c.length;
            if (length <= 65536)
                chunks.push(c);
        });
        req.on('end', () => {
            const reply = {
                method: req.method ?? '',
                url: req.url ?? '',
                headers: req.headers,
                rawHeaders: req.rawHeaders,
                bodyLength: length,
                body: Buffer.concat(chunks).toString('utf8').slice(0, 65536),
                trailers: req.trailers,
                server: name,
                remotePort: req.socket.remotePort ?? 0,
            };
            const text = JSON.stringify(reply);
            res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-upstream': name });
            res.end(text);
        });
    };
}
//# sourceMappingURL=upstream.js.map