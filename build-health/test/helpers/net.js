import net from 'node:net';
/** A port that was free a moment ago on 127.0.0.1. */
export async function freePort() {
    const server = net.createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = server.address().port;
    await new Promise((resolve) => server.close(resolve));
    return port;
}
/**
 * Sends raw bytes on a fresh connection and collects everything the server sends until it
 * closes the connection or `idleMs` passes without data. For framing and smuggling cases.
 */
export function rawExchange(port, data, idleMs = 500) {
    return new Promise((resolve, reject) => {
        const socket = net.connect(port, '127.0.0.1');
        const chunks = [];
        let timer;
        const finish = () => {
            clearTimeout(timer);
            socket.destroy();
            resolve(Buffer.concat(chunks).toString('latin1'));
        };
        const arm = () => {
            clearTimeout(timer);
            timer = setTimeout(finish, idleMs);
        };
        socket.on('data', (c) => {
            chunks.push(c);
            arm();
        });
        socket.on('end', finish);
        socket.on('error', (err) => (chunks.length > 0 ? finish() : reject(err)));
        socket.on('connect', () => {
            for (const part of Array.isArray(data) ? data : [data])
                socket.write(part);
            arm();
        });
    });
}
//# sourceMappingURL=net.js.map