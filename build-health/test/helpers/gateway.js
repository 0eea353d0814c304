/** Starting meshgate in tests: in process through the API, or as the real CLI in a child process. */
import { spawn } from 'node:child_process';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { pino } from 'pino';
import { ApiGateway } from '../../src/index.js';
import { freePort } from './net.js';
export const silentLogger = pino({ level: 'silent' });
/** A gateway in this process on a free port, admin on a free port, one worker, no logs. */
export async function startGateway(config) {
    const gateway = new ApiGateway({ admin: { host: '127.0.0.1', port: 0 }, ...config, listen: { host: '127.0.0.1', port: 0 }, workers: config.workers ?? 1, logger: silentLogger });
    const port = await gateway.listen();
    return { gateway, port, adminPort: gateway.adminPort, url: `http://127.0.0.1:${port}`, close: () => gateway.close() };
}
/** The compiled CLI entry (build/src/cli/main.js when tests run from build/). */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
export function writeConfig(config, dir = mkdtempSync(join(tmpdir(), 'meshgate-'))) {
    const file = join(dir, 'gateway.yaml');
    writeFileSync(file, stringify(config));
    return file;
}
/**
 * Runs `meshgate start --config <file>` as a child process and waits until /readyz says 200.
 * The ports come from freePort(), so another process can take one before the child binds it
 * (under load, an outgoing connection's ephemeral port): that start is retried on new ports.
 */
export async function startCli(config, opts = {}) {
    for (let attempt = 1;; attempt++) {
        try {
            return await startCliOnce(config, opts);
        }
        catch (err) {
            if (attempt >= 3 || !(err instanceof Error) || !/exited early[^]*EADDRINUSE/.test(err.message))
                throw err;
        }
    }
}
async function startCliOnce(config, opts) {
    const port = await freePort();
    const adminPort = await freePort();
    const full = { logLevel: 'warn', ...config, listen: { host: '127.0.0.1', port }, admin: { host: '127.0.0.1', port: adminPort } };
    const file = writeConfig(full);
    const child = spawn(process.execPath, [CLI, 'start', '--config', file], { env: { ...process.env, ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
    const closed = new Promise((resolve) => child.on('close', () => resolve()));
    const deadline = Date.now() + 20_000;
    for (;;) {
        if (child.exitCode !== null) {
            // Its output may still be in the pipes when 'exit' fires: wait for them to close (bounded).
            await Promise.race([closed, new Promise((r) => setTimeout(r, 1000).unref())]);
            throw new Error(`meshgate exited early (${child.exitCode}):\n${out}`);
        }
        try {
            const res = await fetch(`http://127.0.0.1:${adminPort}/readyz`);
            if (res.status === 200)
                break;
        }
        catch {
            // not up yet
        }
        if (Date.now() > deadline) {
            child.kill('SIGKILL');
            throw new Error(`meshgate did not become ready:\n${out}`);
        }
        await new Promise((r) => setTimeout(r, 100));
    }
    return {
        child, port, adminPort, file, exited,
        output: () => out,
        stop: async (signal = 'SIGTERM') => {
            if (child.exitCode === null)
                child.kill(signal);
            return exited;
        },
    };
}
//# sourceMappingURL=gateway.js.map