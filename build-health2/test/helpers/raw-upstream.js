/**
 * A raw TCP "HTTP" upstream for tests that need an upstream to misbehave: answer with broken
 * framing, reset mid-response, close without saying so. The handler sees each request head (a
 * request body announced by Content-Length is skipped) and writes whatever bytes it likes.
 */
import net from 'node:net';
export async function startRawUpstream(handler) {
    const sockets = new Set();
    const closeWaiters = [];
    const state = { connections: 0, requests: 0, closed: 0 };
    const server = net.createServer((socket) => {
        state.connections++;
        sockets.add(socket);
        let buf = Buffer.alloc(0);
        let skip = 0;
        let index = 0;
        socket.on('error', () => { });
        socket.on('close', () => {
            sockets.delete(socket);
            state.closed++;
            for (const w of closeWaiters.splice(0))
                w();
        });
        socket.on('data', (chunk) => {
            buf = Buffer.concat([buf, chunk]);
            for (;;) {
                if (skip > 0) {
                    const n = Math.min(skip, buf.length);
                    skip -= n;
                    buf = buf.subarray(n);
                    if (skip > 0)
                        return;
                }
                const end = buf.indexOf('\r\n\r\n');
                if (end < 0)
                    return;
                const head = buf.subarray(0, end).toString('latin1');
                buf = buf.subarray(end + 4);
                const cl = /\r\ncontent-length:\s*(\d+)/i.exec(head);
                skip = cl === null ? 0 : Number(cl[1]);
                state.requests++;
                if (socket.destroyed)
                    return;
                handler({ socket, index: index++, head, target: head.split(' ')[1] ?? '' });
            }
        });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = server.address().port;
    const up = {
        port,
        address: `127.0.0.1:${port}`,
        get connections() {
            return state.connections;
        },
        get requests() {
            return state.requests;
        },
        get closed() {
            return state.closed;
        },
        waitClosed(n, timeoutMs = 3000) {
            return new Promise((resolve, reject) => {
                const timer = setTimeout(() => reject(new Error(`upstream saw ${state.closed} closed connections, wanted ${n}`)), timeoutMs);
                const check = () => {
                    if (state.closed >= n) {
                        clearTimeout(timer);
                        resolve();
                    }
                    else {
                        closeWaiters.push(check);
                    }
                };
                check();
            });
        },
        close: () => new Promise((resolve) => {
            for (const s of sockets)
                s.destroy();
            server.close(() => resolve());
        }),
    };
    return up;
}
//# sourceMappingURL=raw-upstream.js.map