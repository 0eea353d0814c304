/**
 * Runs the data plane in N worker processes (node:cluster). Workers share the listening socket
 * and the kernel spreads connections (SCHED_NONE: the primary does not accept and hand off each
 * connection, which costs throughput). A worker that dies is replaced with the current config
 * (with a growing delay when workers keep dying right after they start); a reload reaches every
 * worker and waits for each to acknowledge it.
 *
 * Start-up handshake: fork -> worker says `ready` (its IPC handler is in place; messages sent
 * before that are dropped by Node) -> primary sends `start` with the config current at that
 * moment -> worker says `listening`. A reload only goes to workers that were sent `start`; the
 * others get the new config in their `start`.
 *
 * Active health checks run in the primary (once per gateway, not once per worker): each verdict
 * change goes to every worker that was sent `start` as a `health` message, and `start` itself
 * carries every verdict the primary holds, so a new or replacement worker starts in step. The
 * admin `/services` asks every worker for its view (`service-status`, matched by id, bounded by
 * a short timeout) and merges the answers.
 */
import cluster, { type Worker } from 'node:cluster';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { GatewayConfig } from '../config/schema/index.js';
import type { PlaneStatus, PlaneStatusReport } from '../admin/services.js';
import type { HealthSource, Runner, WorkerStatus } from '../engine/runner.js';
import type { Logger } from '../observability/logger.js';
import type { HealthUpdate } from '../upstream/health/active.js';
import type { FromWorker, RateLimitAnswer, RateLimitBatch, ToWorker } from './messages.js';
import { RateLimitAuthority } from '../policies/rate-limit/cluster-store.js';

const WORKER_ENTRY = fileURLToPath(new URL('./worker-main.js', import.meta.url));
/** A worker that does not acknowledge a reload within this time is wedged: it is replaced. */
const APPLY_TIMEOUT_MS = 10_000;
/** A worker that dies sooner than this after its fork counts as a crash loop (backoff). */
const QUICK_CRASH_MS = 5_000;
const MAX_RESTART_DELAY_MS = 5_000;

type WorkerState = 'forked' | 'starting' | 'listening';

interface WorkerInfo {
  state: WorkerState;
  /** The config version the worker runs (acknowledged). */
  version: number;
  readonly forkedAt: number;
}

export class ClusterRunner implements Runner {
  readonly expectedWorkers: number;
  /** Workers started to replace ones that died. */
  restarts = 0;
  private readonly logger: Logger;
  private readonly logLevel: string;
  private readonly workers = new Map<Worker, WorkerInfo>();
  private readonly restartTimers = new Set<NodeJS.Timeout>();
  private config: GatewayConfig | null = null;
  private version = 0;
  private host = '0.0.0.0';
  private port = 0;
  private started = false;
  private stopping = false;
  private quickCrashes = 0;
  private readonly healthSource: HealthSource;
  /** Status requests waiting for a worker's answer, by id. */
  private readonly pendingStatus = new Map<number, (status: PlaneStatus | null) => void>();
  private nextStatusId = 1;
  /** [metrics] Metrics requests waiting for a worker's answer, by id. */
  private readonly pendingMetrics = new Map<number, (metrics: object[] | null) => void>();
  /** [rate-limit] The node's rate-limit counters (workers ask over IPC); created on first use, kept across reloads. */
  private rateLimits: RateLimitAuthority | null = null;

  constructor(workers: number, logger: Logger, logLevel: string, healthSource: HealthSource = () => []) {
    this.expectedWorkers = workers;
    this.logger = logger;
    this.logLevel = logLevel;
    this.healthSource = healthSource;
  }

  get liveWorkers(): number {
    if (this.stopping) return 0;
    let n = 0;
    for (const info of this.workers.values()) if (info.state === 'listening') n++;
    return n;
  }

  workerStatus(): WorkerStatus[] {
    return [...this.workers].map(([w, i]) => ({ pid: w.process.pid ?? 0, state: i.state, version: i.version }));
  }

  async start(config: GatewayConfig, version: number, host: string, port: number): Promise<number> {
    this.config = config;
    this.version = version;
    this.host = host;
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({ exec: WORKER_ENTRY, args: [] });
    try {
      // Every worker must listen with the same (host, port): that is the key under which the
      // cluster shares one listening socket. So port 0 is resolved to a concrete port first;
      // workers listening on 0 would share it too, but a replacement started after all workers
      // died would then get a different port.
      this.port = port === 0 ? await pickFreePort(host) : port;
      const forks: Promise<number>[] = [];
      for (let i = 0; i < this.expectedWorkers; i++) forks.push(this.fork(this.port));
      await Promise.all(forks);
    } catch (err) {
      // Leave no worker behind: a live IPC channel would keep this process from exiting.
      this.stopping = true;
      for (const worker of this.workers.keys()) worker.process.kill('SIGKILL');
      throw err;
    }
    this.started = true;
    return this.port;
  }

  /** Forks one worker; resolves with its port once it listens, rejects if it fails or dies first. */
  private fork(port: number): Promise<number> {
    // [rate-limit] MESHGATE_WORKERS: a worker's local fallback divides each limit by it.
    const worker = cluster.fork({ MESHGATE_WORKER: '1', MESHGATE_WORKERS: String(this.expectedWorkers) });
    const info: WorkerInfo = { state: 'forked', version: 0, forkedAt: Date.now() };
    this.workers.set(worker, info);
    const pid = worker.process.pid;
    return new Promise((resolve, reject) => {
      let settled = false;
      worker.on('message', (msg: FromWorker) => {
        switch (msg.type) {
          case 'ready': {
            if (info.state !== 'forked' || this.stopping) return;
            info.state = 'starting';
            info.version = this.version;
            const start: ToWorker = {
              type: 'start', config: this.config!, version: this.version, host: this.host, port, logLevel: this.logLevel, health: this.healthSource(),
            };
            worker.send(start);
            return;
          }
          case 'listening':
            info.state = 'listening';
            settled = true;
            resolve(msg.port);
            return;
          case 'start-failed':
            if (!settled) {
              settled = true;
              reject(new Error(`worker ${pid} failed to start: ${msg.error}`));
            }
            worker.process.kill('SIGKILL');
            return;
          case 'applied':
            info.version = msg.version;
            return;
          case 'service-status':
            this.pendingStatus.get(msg.id)?.(msg.status);
            return;
          case 'metrics':
            this.pendingMetrics.get(msg.id)?.(msg.metrics);
            return;
          case 'rl':
            // [rate-limit] A worker's batch of decisions: decided here, in arrival order, on one clock.
            this.answerRateLimits(worker, msg);
            return;
          default:
            return;
        }
      });
      // Without a listener, an IPC error (a send racing the worker's death) would crash the primary.
      worker.on('error', (err) => this.logger.warn({ err, pid }, 'worker IPC error'));
      worker.on('exit', (code, signal) => {
        const wasListening = info.state === 'listening';
        this.workers.delete(worker);
        if (!settled) {
          settled = true;
          reject(new Error(`worker ${pid} exited before listening (code ${code}, signal ${signal})`));
        }
        if (!this.stopping && (this.started || wasListening)) this.replace(pid, code, signal, Date.now() - info.forkedAt);
      });
    });
  }

  /** [rate-limit] Decides a worker's batch against the node's counters and sends the answer back. */
  private answerRateLimits(worker: Worker, batch: RateLimitBatch): void {
    let answer: RateLimitAnswer;
    try {
      answer = (this.rateLimits ??= new RateLimitAuthority()).handle(batch);
    } catch (err) {
      // Unanswered, the worker decides locally after its timeout.
      this.logger.error({ err }, 'rate-limit batch failed');
      return;
    }
    if (worker.isConnected()) worker.send(answer);
  }

  /** Starts a replacement for a worker that died; waits longer while workers keep dying young. */
  private replace(pid: number | undefined, code: number | null, signal: string | null, livedMs: number): void {
    this.quickCrashes = livedMs < QUICK_CRASH_MS ? this.quickCrashes + 1 : 0;
    const delayMs = this.quickCrashes <= 1 ? 0 : Math.min(100 * 2 ** (this.quickCrashes - 2), MAX_RESTART_DELAY_MS);
    this.logger.error({ event: 'worker_exit', pid, code, signal, restartInMs: delayMs }, 'worker exited unexpectedly; starting a replacement');
    const timer = setTimeout(() => {
      this.restartTimers.delete(timer);
      if (this.stopping) return;
      this.restarts++;
      this.fork(this.port).then(
        (port) => this.logger.info({ event: 'worker_replaced', port }, 'replacement worker listening'),
        (err: Error) => this.logger.error({ err }, 'replacement worker failed to start'),
      );
    }, delayMs);
    this.restartTimers.add(timer);
  }

  async apply(config: GatewayConfig, version: number): Promise<void> {
    this.config = config;
    this.version = version;
    const targets = [...this.workers].filter(([, info]) => info.state !== 'forked').map(([worker]) => worker);
    const acks = targets.map(
      (worker) =>
        new Promise<void>((resolve) => {
          const pid = worker.process.pid;
          const done = () => {
            clearTimeout(timer);
            worker.off('message', onMessage);
            worker.off('exit', onExit);
            resolve();
          };
          const onMessage = (msg: FromWorker) => {
            if ((msg.type === 'applied' || msg.type === 'apply-failed') && msg.version === version) {
              done();
              if (msg.type === 'apply-failed') {
                // The primary compiled this config: a worker that cannot is broken. Its
                // replacement starts on the new version, so every worker ends up on it.
                this.logger.error({ event: 'worker_apply_failed', pid, version, error: msg.error }, 'worker could not apply the config; replacing it');
                worker.process.kill('SIGKILL');
              }
            }
          };
          // A worker that dies meanwhile is replaced with the new config anyway.
          const onExit = () => done();
          const timer = setTimeout(() => {
            done();
            this.logger.error({ event: 'worker_apply_timeout', pid, version }, 'worker did not acknowledge the reload; replacing it');
            worker.process.kill('SIGKILL');
          }, APPLY_TIMEOUT_MS);
          worker.on('message', onMessage);
          worker.once('exit', onExit);
          const apply: ToWorker = { type: 'apply', config, version };
          worker.send(apply);
        }),
    );
    await Promise.all(acks);
  }

  /** [access-log] Forwards a signal (SIGUSR2: reopen log files) to every worker past its start-up handshake. */
  signalWorkers(signal: NodeJS.Signals): void {
    for (const [worker, info] of this.workers) if (info.state !== 'forked' && !worker.isDead()) worker.process.kill(signal);
  }

  setEndpointHealth(update: HealthUpdate): void {
    const msg: ToWorker = { type: 'health', service: update.service, address: update.address, healthy: update.healthy };
    // Workers still 'forked' get every verdict in their `start` message.
    for (const [worker, info] of this.workers) if (info.state !== 'forked' && worker.isConnected()) worker.send(msg);
  }

  async serviceStatus(timeoutMs: number): Promise<PlaneStatusReport> {
    const targets = [...this.workers].filter(([worker, info]) => info.state !== 'forked' && worker.isConnected()).map(([worker]) => worker);
    const answers = await Promise.all(
      targets.map(
        (worker) =>
          new Promise<{ pid: number; status: PlaneStatus | null }>((resolve) => {
            const id = this.nextStatusId++;
            const pid = worker.process.pid ?? 0;
            const done = (status: PlaneStatus | null) => {
              clearTimeout(timer);
              this.pendingStatus.delete(id);
              worker.off('exit', onExit);
              resolve({ pid, status });
            };
            const onExit = () => done(null);
            const timer = setTimeout(() => done(null), timeoutMs);
            this.pendingStatus.set(id, done);
            worker.once('exit', onExit);
            const request: ToWorker = { type: 'service-status', id };
            worker.send(request);
          }),
      ),
    );
    const planes: PlaneStatus[] = [];
    const missing: number[] = [];
    for (const a of answers) {
      if (a.status === null) missing.push(a.pid);
      else planes.push(a.status);
    }
    return { expected: this.expectedWorkers, planes, missing };
  }

  /**
   * [metrics] Every started worker's metrics (prom-client JSON), one array per worker; a worker
   * silent past `timeoutMs` is left out (the scrape still answers with the others).
   */
  async metrics(timeoutMs: number): Promise<object[][]> {
    const targets = [...this.workers].filter(([worker, info]) => info.state !== 'forked' && worker.isConnected()).map(([worker]) => worker);
    const answers = await Promise.all(
      targets.map(
        (worker) =>
          new Promise<object[] | null>((resolve) => {
            const id = this.nextStatusId++;
            const done = (metrics: object[] | null) => {
              clearTimeout(timer);
              this.pendingMetrics.delete(id);
              worker.off('exit', onExit);
              resolve(metrics);
            };
            const onExit = () => done(null);
            const timer = setTimeout(() => done(null), timeoutMs);
            this.pendingMetrics.set(id, done);
            worker.once('exit', onExit);
            const request: ToWorker = { type: 'metrics', id };
            worker.send(request);
          }),
      ),
    );
    return answers.filter((a): a is object[] => a !== null);
  }

  async drain(delayMs: number, timeoutMs: number): Promise<void> {
    this.stopping = true;
    for (const timer of this.restartTimers) clearTimeout(timer);
    this.restartTimers.clear();
    const exits = [...this.workers].map(
      ([worker, info]) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          worker.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          // Not started yet: nothing to drain (and it may not hear a message yet).
          const kill = setTimeout(() => worker.process.kill('SIGKILL'), info.state === 'forked' ? 0 : delayMs + timeoutMs + 5000);
          if (info.state !== 'forked') {
            const drain: ToWorker = { type: 'drain', delayMs, timeoutMs };
            worker.send(drain);
          }
        }),
    );
    await Promise.all(exits);
    // [rate-limit] No worker is left to ask.
    await this.rateLimits?.close();
    this.rateLimits = null;
  }
}

/** A port free on `host` a moment ago (the kernel's pick for port 0). */
function pickFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port: 0, exclusive: true }, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
