/**
 * HTTP/1.1 client-side helpers for conformance tests: a strict little response parser for raw
 * bytes (so a test sees exactly what went over the wire: interim responses, framing, trailers,
 * whether the connection was closed) and a node:http request wrapper that returns everything.
 */
import http from 'node:http';
import net from 'node:net';
/**
 * Parses consecutive responses from `data`. `noBody[i]` marks response i (counting final
 * responses only) as one to a HEAD request. 1xx responses are returned as their own entries.
 * A body with neither length nor chunked runs to the end of `data` (close-delimited).
 */
export function parseResponses(data, noBody = []) {
    const responses = [];
    let pos = 0;
    let finals = 0;
    while (pos < data.length) {
        const end = data.indexOf('\r\n\r\n', pos, 'latin1');
        if (end < 0)
            break;
        const lines = data.subarray(pos, end).toString('latin1').split('\r\n');
        const m = /^(HTTP\/\d\.\d) (\d{3}) ?(.*)$/.exec(lines[0]);
        if (m === null)
            throw new Error(`bad status line: ${JSON.stringify(lines[0])}`);
        const headerList = [];
        const headers = {};
        for (const line of lines.slice(1)) {
            const c = line.indexOf(':');
            const name = line.slice(0, c);
            const value = line.slice(c + 1).trim();
            headerList.push([name, value]);
            const lower = name.toLowerCase();
            headers[lower] = headers[lower] === undefined ? value : `${headers[lower]}, ${value}`;
        }
        const status = Number(m[2]);
        const res = { version: m[1], status, reason: m[3], headerList, headers, body: Buffer.alloc(0), framing: 'none', trailers: {}, chunkSizes: [] };
        let p = end + 4;
        if (status >= 100 && status < 200) {
            responses.push(res);
            pos = p;
            continue;
        }
        const skip = noBody[finals++] === true || status === 204 || status === 304;
        if (skip) {
            // no body
        }
        else if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
            res.framing = 'chunked';
            const parts = [];
            let complete = false;
            for (;;) {
                const eol = data.indexOf('\r\n', p, 'latin1');
                if (eol < 0)
                    break;
                const size = parseInt(data.subarray(p, eol).toString('latin1').split(';')[0], 16);
                res.chunkSizes.push(size);
                p = eol + 2;
                if (size === 0) {
                    // trailers until an empty line
                    for (;;) {
                        const tEol = data.indexOf('\r\n', p, 'latin1');
                        if (tEol < 0)
                            break;
                        const line = data.subarray(p, tEol).toString('latin1');
                        p = tEol + 2;
                        if (line === '') {
                            complete = true;
                            break;
                        }
                        const c = line.indexOf(':');
                        res.trailers[line.slice(0, c).toLowerCase()] = line.slice(c + 1).trim();
                    }
                    break;
                }
                if (p + size + 2 > data.length)
                    break;
                parts.push(data.subarray(p, p + size));
                p += size + 2;
            }
            res.body = Buffer.concat(parts);
            if (!complete)
                return { responses, rest: data.subarray(pos) };
        }
        else if (headers['content-length'] !== undefined) {
            res.framing = 'length';
            const len = Number(headers['content-length']);
            if (p + len > data.length)
                return { responses, rest: data.subarray(pos) };
            res.body = data.subarray(p, p + len);
            p += len;
        }
        else {
            res.framing = 'close';
            res.body = data.subarray(p);
            p = data.length;
        }
        responses.push(res);
        pos = p;
    }
    return { responses, rest: data.subarray(pos) };
}
/** A raw client connection that keeps everything it receives. */
export async function rawConnect(port) {
    const socket = net.connect(port, '127.0.0.1');
    await new Promise((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
    });
    let buf = Buffer.alloc(0);
    let closed = false;
    const waiters = new Set();
    const poke = () => {
        for (const w of waiters)
            w();
    };
    socket.on('data', (c) => {
        buf = Buffer.concat([buf, c]);
        poke();
    });
    const closedP = new Promise((resolve) => {
        const done = () => {
            closed = true;
            resolve();
            poke();
        };
        socket.once('end', done);
        socket.once('close', done);
        socket.on('error', () => { });
    });
    const waitFor = (pred, timeoutMs = 5000) => new Promise((resolve, reject) => {
        const check = () => {
            let ok = false;
            try {
                ok = pred(buf);
            }
            catch {
                ok = false;
            }
            if (ok) {
                waiters.delete(check);
                clearTimeout(timer);
                resolve(buf);
            }
            else if (closed) {
                waiters.delete(check);
                clearTimeout(timer);
                reject(new Error(`connection closed; received: ${JSON.stringify(buf.toString('latin1').slice(0, 2000))}`));
            }
        };
        const timer = setTimeout(() => {
            waiters.delete(check);
            reject(new Error(`timed out; received: ${JSON.stringify(buf.toString('latin1').slice(0, 2000))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
    });
    return {
        socket,
        received: () => buf,
        closed: closedP,
        isClosed: () => closed,
        write: (d) => socket.write(d),
        waitFor,
        responses: async (n, noBody = [], timeoutMs = 5000) => {
            const finals = (d) => parseResponses(d, noBody).responses.filter((r) => r.status >= 200);
            const countComplete = (d) => {
                const all = finals(d);
                // a close-delimited body is only complete when the server closed
                if (all.length > 0 && all[all.length - 1].framing === 'close' && !closed)
                    return all.length - 1;
                return all.length;
            };
            await waitFor((d) => countComplete(d) >= n, timeoutMs);
            return finals(buf);
        },
        destroy: () => socket.destroy(),
    };
}
/** One request on a fresh connection: writes `data`, waits for `n` responses, returns them with the connection state. */
export async function rawRequest(port, data, opts = {}) {
    const conn = await rawConnect(port);
    for (const part of Array.isArray(data) ? data : [data])
        conn.write(part);
    const responses = await conn.responses(opts.n ?? 1, opts.noBody, opts.timeoutMs);
    return { responses, conn };
}
/** Waits until the server closes `conn`, or fails after timeoutMs. */
export async function expectClosed(conn, timeoutMs = 2000) {
    let timer;
    const timeout = new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error('connection was not closed by the gateway')), timeoutMs);
    });
    try {
        await Promise.race([conn.closed, timeout]);
    }
    finally {
        clearTimeout(timer);
    }
}
/** A node:http request that resolves with everything the response carried. */
export function httpRequest(port, opts = {}) {
    return new Promise((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path ?? '/', headers: opts.headers, agent: opts.agent ?? false, setHost: opts.setHost }, (res) => {
            const chunks = [];
            res.on('data', (c) => chunks.push(c));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, rawHeaders: res.rawHeaders, body: Buffer.concat(chunks), trailers: res.trailers }));
            res.on('error', reject);
        });
        req.on('error', reject);
        req.end(opts.body);
    });
}
/** Parses a problem+json body and checks its required members; returns the document. */
export function problemOf(res) {
    const ct = String(res.headers['content-type'] ?? '');
    if (!ct.startsWith('application/problem+json'))
        throw new Error(`not a problem+json response: content-type ${ct}, body ${res.body.toString()}`);
    return JSON.parse(res.body.toString('utf8'));
}
//# sourceMappingURL=http1.js.map