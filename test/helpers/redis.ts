/**
 * Redis for tests: a private `redis-server` on a free port (no persistence, loopback only) that
 * a test can stop and start again on the same port, and the URL the plain tests use (REDIS_URL
 * when set, else redis://127.0.0.1:6379 when it answers, else a private server). Tests that need
 * Redis skip, with the reason, where none can be had (CI installs redis-server).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { freePort } from './net.js';

export interface TestRedis {
  readonly url: string;
  readonly port: number;
  /** Kills the server (SIGKILL: what a crash looks like to clients) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
  /** Starts it again on the same port and waits until it answers PING. Idempotent. */
  start(): Promise<void>;
}

let binary: string | null | undefined;

/** Why the Redis tests cannot run here (`redis-server` not found), or `undefined` when they can. */
export function redisSkipReason(): string | undefined {
  if (binary === undefined) {
    const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
    binary = r.status === 0 ? 'redis-server' : null;
  }
  return binary === null ? 'redis-server is not installed (CI installs it; apt-get install redis-server)' : undefined;
}

/** Resolves once a RESP `PING` on 127.0.0.1:port answers `+PONG`; rejects after `timeoutMs`. */
export async function waitForPing(port: number, timeoutMs = 5000, host = '127.0.0.1'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await pingOnce(port, host)) return;
    if (Date.now() > deadline) throw new Error(`redis on ${host}:${port} did not answer PING within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function pingOnce(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    let data = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1');
      if (data.includes('\r\n')) done(data.startsWith('+PONG'));
    });
  });
}

/** Launches a private redis-server on a free port. Throws when redis-server is missing (check `redisSkipReason()` first). */
export async function startRedis(): Promise<TestRedis> {
  const reason = redisSkipReason();
  if (reason !== undefined) throw new Error(reason);
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const start = async (): Promise<void> => {
    if (child !== null) return;
    const p = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--protected-mode', 'no'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child = p;
    let stderr = '';
    p.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    const spawnFailed = new Promise<never>((_, reject) => {
      p.once('error', reject);
      p.once('exit', (code) => reject(new Error(`redis-server exited early (${code}): ${stderr}`)));
    });
    spawnFailed.catch(() => {});
    await Promise.race([waitForPing(port), spawnFailed]);
  };

  const stop = async (): Promise<void> => {
    const p = child;
    if (p === null) return;
    child = null;
    if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
    await exited;
  };

  await start();
  process.once('exit', () => {
    if (child !== null) child.kill('SIGKILL');
  });
  return { url: `redis://127.0.0.1:${port}`, port, stop, start };
}

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 6379;

/**
 * The Redis for tests that only need one that works (they use their own key prefixes and delete
 * their keys): REDIS_URL when set, else redis://127.0.0.1:6379 when it answers (both left
 * running), else a private server (stopped by `close`).
 */
export async function testRedisUrl(): Promise<{ url: string; close(): Promise<void> }> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv !== undefined && fromEnv !== '') return { url: fromEnv, close: async () => {} };
  if (await pingOnce(DEFAULT_PORT, DEFAULT_HOST)) return { url: `redis://${DEFAULT_HOST}:${DEFAULT_PORT}`, close: async () => {} };
  const r = await startRedis();
  return { url: r.url, close: () => r.stop() };
}

/**
 * Why the plain Redis tests cannot run, or `undefined` when they can: REDIS_URL is set, the
 * default Redis answers, or redis-server is installed.
 */
export async function redisTestSkip(): Promise<string | undefined> {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv !== undefined && fromEnv !== '') return undefined;
  if (redisSkipReason() === undefined) return undefined;
  if (await pingOnce(DEFAULT_PORT, DEFAULT_HOST)) return undefined;
  return `no REDIS_URL, nothing on ${DEFAULT_HOST}:${DEFAULT_PORT}, and ${redisSkipReason()!}`;
}
