/**
 * Redis for tests: a private `redis-server` on a free port (no persistence, loopback only) that
 * a test can stop and start again on the same port, and the URL the plain tests use (REDIS_URL
 * when set, else redis://127.0.0.1:6379 when it answers, else a private server). Tests that need
 * Redis skip, with the reason, where none can be had (CI installs redis-server).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

export interface TestRedisCluster {
  /** The masters' ports. */
  readonly ports: readonly number[];
  /** Seed nodes, `127.0.0.1:<port>`, for `rateLimitStore.cluster`. */
  readonly seeds: readonly string[];
  /** Kills every node (SIGKILL) and removes their config files. Idempotent. */
  stop(): Promise<void>;
}

let cliBinary: string | null | undefined;

/** Why a Redis Cluster cannot be started here (redis-server or redis-cli missing), or `undefined`. */
export function redisClusterSkipReason(): string | undefined {
  const reason = redisSkipReason();
  if (reason !== undefined) return reason;
  if (cliBinary === undefined) {
    const r = spawnSync('redis-cli', ['--version'], { encoding: 'utf8' });
    cliBinary = r.status === 0 ? 'redis-cli' : null;
  }
  return cliBinary === null ? 'redis-cli is not installed (it creates the cluster; apt-get install redis-tools)' : undefined;
}

/** One RESP command over a fresh socket (inline form); resolves the raw reply text. */
function rawCommand(port: number, command: string, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    let data = '';
    const done = () => {
      socket.destroy();
      resolve(data);
    };
    socket.setTimeout(1000, done);
    socket.on('error', done);
    socket.on('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (c: Buffer) => {
      data += c.toString('latin1');
      // bulk string: `$<len>\r\n<body>\r\n`
      const m = /^\$(\d+)\r\n/.exec(data);
      if (m !== null ? data.length >= m[0].length + Number(m[1]) + 2 : data.includes('\r\n') && data[0] !== '$') done();
    });
  });
}

/**
 * Starts a private 3-master Redis Cluster (no replicas, loopback only, no persistence) on free
 * ports and waits until every node reports `cluster_state:ok`. Throws when redis-server or
 * redis-cli is missing (check `redisClusterSkipReason()` first).
 */
export async function startRedisCluster(masters = 3): Promise<TestRedisCluster> {
  const reason = redisClusterSkipReason();
  if (reason !== undefined) throw new Error(reason);
  const dir = mkdtempSync(join(tmpdir(), 'mg-redis-cluster-'));
  const children: ChildProcess[] = [];
  const ports: number[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await Promise.all(
      children.map((p) => {
        if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
        const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
        p.kill('SIGKILL');
        return exited;
      }),
    );
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', () => {
    for (const p of children) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  });
  try {
    for (let i = 0; i < masters; i++) {
      let port = await freePort();
      // the cluster bus uses port + 10000: both must be free
      while (port + 10000 > 65535 || ports.includes(port)) port = await freePort();
      ports.push(port);
      const p = spawn(
        'redis-server',
        ['--port', String(port), '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`), '--dir', dir, '--save', '', '--appendonly', 'no', '--bind', '127.0.0.1', '--protected-mode', 'no', '--daemonize', 'no'],
        { stdio: ['ignore', 'ignore', 'ignore'] },
      );
      children.push(p);
    }
    await Promise.all(ports.map((p) => waitForPing(p)));
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 15000,
    });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed (${create.status}): ${create.stdout}${create.stderr}`);
    const deadline = Date.now() + 10000;
    for (;;) {
      const infos = await Promise.all(ports.map((p) => rawCommand(p, 'CLUSTER INFO')));
      if (infos.every((i) => i.includes('cluster_state:ok'))) break;
      if (Date.now() > deadline) throw new Error(`the cluster did not reach cluster_state:ok within 10 s: ${infos.join(' | ')}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { ports, seeds: ports.map((p) => `127.0.0.1:${p}`), stop };
}
