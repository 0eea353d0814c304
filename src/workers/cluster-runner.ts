/**
 * Runs the data plane in N worker processes (node:cluster). Workers share the listening socket
 * and the kernel spreads connections (SCHED_NONE: the primary does not accept and hand off each
 * connection, which costs throughput). A worker that dies is replaced with the current config;
 * a reload reaches every worker and waits for each to acknowledge it.
 */
import cluster, { type Worker } from 'node:cluster';
import { fileURLToPath } from 'node:url';
import type { GatewayConfig } from '../config/schema/index.js';
import type { Runner } from '../engine/runner.js';
import type { Logger } from '../observability/logger.js';
import type { FromWorker, ToWorker } from './messages.js';

const WORKER_ENTRY = fileURLToPath(new URL('./worker-main.js', import.meta.url));

export class ClusterRunner implements Runner {
  readonly expectedWorkers: number;
  private readonly logger: Logger;
  private readonly logLevel: string;
  private readonly workers = new Set<Worker>();
  private readonly listening = new Set<Worker>();
  private config: GatewayConfig | null = null;
  private version = 0;
  private host = '0.0.0.0';
  private port = 0;
  private stopping = false;

  constructor(workers: number, logger: Logger, logLevel: string) {
    this.expectedWorkers = workers;
    this.logger = logger;
    this.logLevel = logLevel;
  }

  get liveWorkers(): number {
    return this.stopping ? 0 : this.listening.size;
  }

  async start(config: GatewayConfig, version: number, host: string, port: number): Promise<number> {
    this.config = config;
    this.version = version;
    this.host = host;
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    cluster.setupPrimary({ exec: WORKER_ENTRY, args: [] });
    // The first worker binds (port 0 picks one); the others reuse the port it got.
    this.port = await this.fork(port);
    const rest: Promise<number>[] = [];
    for (let i = 1; i < this.expectedWorkers; i++) rest.push(this.fork(this.port));
    await Promise.all(rest);
    return this.port;
  }

  private fork(port: number): Promise<number> {
    const worker = cluster.fork({ MESHGATE_WORKER: '1' });
    this.workers.add(worker);
    worker.on('exit', (code, signal) => {
      this.workers.delete(worker);
      this.listening.delete(worker);
      if (!this.stopping) {
        this.logger.error({ event: 'worker_exit', pid: worker.process.pid, code, signal }, 'worker exited unexpectedly; starting a replacement');
        this.fork(this.port).catch((err: Error) => this.logger.error({ err }, 'replacement worker failed to start'));
      }
    });
    return new Promise((resolve, reject) => {
      const onMessage = (msg: FromWorker) => {
        if (msg.type === 'listening') {
          this.listening.add(worker);
          worker.off('message', onMessage);
          resolve(msg.port);
        } else if (msg.type === 'start-failed') {
          worker.off('message', onMessage);
          reject(new Error(`worker ${worker.process.pid} failed to start: ${msg.error}`));
        }
      };
      worker.on('message', onMessage);
      const start: ToWorker = { type: 'start', config: this.config!, version: this.version, host: this.host, port, logLevel: this.logLevel };
      worker.send(start);
    });
  }

  async apply(config: GatewayConfig, version: number): Promise<void> {
    this.config = config;
    this.version = version;
    const acks = [...this.workers].map(
      (worker) =>
        new Promise<void>((resolve, reject) => {
          const onMessage = (msg: FromWorker) => {
            if ((msg.type === 'applied' || msg.type === 'apply-failed') && msg.version === version) {
              worker.off('message', onMessage);
              worker.off('exit', onExit);
              if (msg.type === 'applied') resolve();
              else reject(new Error(`worker ${worker.process.pid}: ${msg.error}`));
            }
          };
          // A worker that dies meanwhile is replaced with the new config anyway.
          const onExit = () => resolve();
          worker.on('message', onMessage);
          worker.once('exit', onExit);
          const apply: ToWorker = { type: 'apply', config, version };
          worker.send(apply);
        }),
    );
    await Promise.all(acks);
  }

  async drain(timeoutMs: number): Promise<void> {
    this.stopping = true;
    const exits = [...this.workers].map(
      (worker) =>
        new Promise<void>((resolve) => {
          if (worker.isDead()) return resolve();
          const kill = setTimeout(() => worker.process.kill('SIGKILL'), timeoutMs + 5000);
          worker.once('exit', () => {
            clearTimeout(kill);
            resolve();
          });
          const drain: ToWorker = { type: 'drain', timeoutMs };
          worker.send(drain);
        }),
    );
    await Promise.all(exits);
  }
}
