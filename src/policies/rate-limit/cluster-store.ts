/**
 * Exact rate limits across the worker processes of one node (`workers: N`, `workers: auto`).
 *
 * Worker processes share no memory, so the counters of the node live in one place: the primary
 * process hosts a `RateLimitAuthority` (a MemoryStore behind the IPC channel) and each worker
 * decides through a `ClusterStore`, which sends its checks to the primary and resolves with the
 * primary's Decision. One counter set and one clock (the primary's Date.now()), applied in
 * arrival order: a limit of N/s admits N/s for the node, not N per worker.
 *
 * Cost control:
 * - batching: every `consume` of one event-loop turn goes to the primary in ONE message (flushed
 *   by setImmediate, i.e. after the poll phase has handed every readable socket its data), and the
 *   primary answers with one message per batch (correlated by batch id);
 * - a batch carries each distinct spec once (`s`) and the checks as a flat [specIndex, key...]
 *   array; the answer is one flat number array. Specs travel by value rather than by an id
 *   registered per config version: that keeps the protocol stateless (no registration to race
 *   with reloads, worker restarts or a primary that forgets), costs ~40 bytes per distinct spec
 *   per batch, and the primary caches the rebuilt specs so they keep one identity.
 *
 * Failure, in two steps (the local store is a MemoryStore whose limits are the configured ones
 * DIVIDED BY THE WORKER COUNT, `limitDivisor`: about N for the node while every worker gets its
 * share of the traffic):
 * 1. a batch the primary has not answered within `timeoutMs` (default 50 ms) is decided by the
 *    local store, so no request waits longer; it stays sent, so the primary still counts it when
 *    it answers late, and its counters stay right (a primary that is only slow, e.g. a GC pause
 *    or a CPU-throttled container, costs at most a few locally admitted requests);
 * 2. when the primary has answered nothing for `failAfterMs` (default 500 ms), or the channel is
 *    gone, the worker stops asking and decides everything locally (synchronously). While local,
 *    an empty probe batch goes to the primary every `probeIntervalMs` (default 250 ms); the first
 *    one answered within `timeoutMs` switches back. Each switch is logged once and counted. A
 *    real outage admits up to one local burst per worker more than N when it starts, and the
 *    primary's counters (unused meanwhile) up to one burst more when it ends.
 *
 * Single-process mode (`workers: 1`) does not use this at all: routes get a MemoryStore directly.
 */
import { createLogger, type Logger } from '../../observability/logger.js';
import type { RateLimitAnswer, RateLimitBatch, WireSpec } from '../../workers/messages.js';
import { MemoryStore } from './memory-store.js';
import type { Decision, LimitCheck, LimitResult, LimitSpec, RateLimitStore } from './types.js';

export const CLUSTER_RL_TIMEOUT_MS = 50;
export const CLUSTER_RL_FAIL_AFTER_MS = 500;
export const CLUSTER_RL_PROBE_INTERVAL_MS = 250;

/** The IPC channel to the primary, as the ClusterStore sees it (injected, so tests need no cluster). */
export interface ClusterTransport {
  /** Sends one batch to the primary; false when the channel is gone (nothing was sent). */
  send(batch: RateLimitBatch): boolean;
  /** Installs the receivers: answers from the primary, and the channel going away. Called once. */
  listen(onAnswer: (answer: RateLimitAnswer) => void, onGone: () => void): void;
  /** Removes the receivers (close). */
  unlisten(): void;
}

type Log = Pick<Logger, 'warn' | 'info'>;

export interface ClusterStoreOptions {
  readonly transport: ClusterTransport;
  /** Workers of the node: the local fallback divides every limit by this. */
  readonly workers: number;
  /** A batch unanswered this long is decided locally (default 50). */
  readonly timeoutMs?: number;
  /** The primary silent this long: stop asking it, decide locally until a probe is answered (default 500). */
  readonly failAfterMs?: number;
  readonly probeIntervalMs?: number;
  /** The fallback store, its limits already divided (default: a MemoryStore with limitDivisor = workers). */
  readonly local?: RateLimitStore;
  readonly logger?: Log | null;
}

type Resolve = (d: Decision | PromiseLike<Decision>) => void;

/** The consume calls of one event-loop turn: encoded for the wire as they arrive. */
class Batch {
  readonly id: number;
  readonly specs: WireSpec[] = [];
  readonly flat: Array<number | string> = [];
  readonly counts: number[] = [];
  /**
   * The checks of each request, for a local decision when the primary does not answer (the
   * caller may reuse a checks array only once its decision has settled, so they stay valid).
   */
  readonly requests: Array<readonly LimitCheck[]> = [];
  readonly resolvers: Resolve[] = [];
  /** Spec -> index in `specs`, for this batch only. */
  readonly specIndex = new Map<LimitSpec, number>();
  sentAt = 0;
  /** Decided by the local store (timed out); the primary's answer, when it comes, is only counted. */
  decided = false;
  constructor(id: number) {
    this.id = id;
  }
}

// `new Promise(capture)` hands the resolver over without allocating a closure per request.
let captured: Resolve | null = null;
function capture(resolve: Resolve): void {
  captured = resolve;
}

const enum Mode {
  Cluster = 0,
  Local = 1,
  Closed = 2,
}

export class ClusterStore implements RateLimitStore {
  /** Times this store fell back to local limits, and came back. */
  fallbacks = 0;
  recoveries = 0;
  /** Batches decided locally because the primary was late. */
  timeouts = 0;
  private mode: Mode = Mode.Cluster;
  private readonly transport: ClusterTransport;
  private readonly workers: number;
  private readonly timeoutMs: number;
  private readonly failAfterMs: number;
  private readonly probeIntervalMs: number;
  private readonly local: RateLimitStore;
  private readonly logger: Log | null;
  private nextId = 1;
  /** Collecting this turn's calls; flushed by setImmediate. */
  private open: Batch | null = null;
  /** Sent, not answered yet (some maybe decided locally), in send order (= the order answers come back). */
  private readonly inFlight = new Map<number, Batch>();
  private watchdog: NodeJS.Timeout | null = null;
  private watchdogDue = 0;
  private probeTimer: NodeJS.Timeout | null = null;
  private probeId = 0;
  private probeSentAt = 0;
  private readonly flushBound = (): void => this.flush();
  private readonly onWatchdogBound = (): void => {
    this.watchdog = null;
    // Decide after the poll phase: an answer already waiting in the pipe (this worker's loop was
    // busy, not the primary) is read first and does not count as a timeout.
    setImmediate(this.expireBound);
  };
  private readonly expireBound = (): void => this.expire();
  private readonly probeBound = (): void => this.probe();

  constructor(opts: ClusterStoreOptions) {
    this.transport = opts.transport;
    this.workers = Math.max(1, Math.floor(opts.workers));
    this.timeoutMs = opts.timeoutMs ?? CLUSTER_RL_TIMEOUT_MS;
    this.failAfterMs = Math.max(this.timeoutMs, opts.failAfterMs ?? CLUSTER_RL_FAIL_AFTER_MS);
    this.probeIntervalMs = opts.probeIntervalMs ?? CLUSTER_RL_PROBE_INTERVAL_MS;
    this.local = opts.local ?? new MemoryStore({ limitDivisor: this.workers });
    this.logger = opts.logger ?? null;
    this.transport.listen(
      (answer) => this.onAnswer(answer),
      () => this.onGone(),
    );
  }

  /** True while decisions come from the local fallback (primary silent or gone). */
  get isLocal(): boolean {
    return this.mode !== Mode.Cluster;
  }

  get closed(): boolean {
    return this.mode === Mode.Closed;
  }

  /** Hot path, change with care: `now` is ignored in cluster mode (the primary's clock decides). */
  consume(checks: readonly LimitCheck[], now: number): Decision | Promise<Decision> {
    if (this.mode !== Mode.Cluster) return this.local.consume(checks, now);
    let b = this.open;
    if (b === null) {
      b = this.open = new Batch(this.nextId++);
      setImmediate(this.flushBound);
    }
    const { specs, flat, specIndex } = b;
    for (let i = 0; i < checks.length; i++) {
      const check = checks[i]!;
      const spec = check.spec;
      let idx = specIndex.get(spec);
      if (idx === undefined) {
        idx = specs.length;
        specs.push([spec.name, spec.algorithm, spec.limit, spec.periodMs, spec.burst]);
        specIndex.set(spec, idx);
      }
      flat.push(idx, check.key);
    }
    b.counts.push(checks.length);
    b.requests.push(checks);
    const p = new Promise<Decision>(capture);
    b.resolvers.push(captured!);
    captured = null;
    return p;
  }

  private flush(): void {
    const b = this.open;
    this.open = null;
    if (b === null) return;
    if (this.mode !== Mode.Cluster) {
      this.decideLocally(b);
      return;
    }
    b.sentAt = Date.now();
    const msg: RateLimitBatch = { type: 'rl', id: b.id, s: b.specs, c: b.flat, n: b.counts };
    let sent: boolean;
    try {
      sent = this.transport.send(msg);
    } catch {
      sent = false;
    }
    if (!sent) {
      this.toLocal('primary unreachable');
      this.decideLocally(b);
      return;
    }
    this.inFlight.set(b.id, b);
    this.armWatchdog();
  }

  private onAnswer(answer: RateLimitAnswer): void {
    if (answer.id === this.probeId && this.probeId !== 0) {
      this.probeId = 0;
      if (this.mode === Mode.Local && Date.now() - this.probeSentAt <= this.timeoutMs) this.toCluster();
      return;
    }
    const b = this.inFlight.get(answer.id);
    // Unknown: sent before a switch to local mode (already decided).
    if (b === undefined) return;
    // Answers come in send order: an older batch still here was dropped by the primary (it
    // could not decide it) and will get no answer; it is decided locally now.
    for (const older of this.inFlight.values()) {
      if (older === b) break;
      this.inFlight.delete(older.id);
      if (!older.decided) this.decideLocally(older);
    }
    this.inFlight.delete(answer.id);
    if (b.decided) return;
    const d = answer.d;
    const { counts, resolvers } = b;
    let j = 0;
    for (let i = 0; i < counts.length; i++) {
      const count = counts[i]!;
      const allowed = d[j] === 1;
      const tightest = d[j + 1]!;
      j += 2;
      const results: LimitResult[] = new Array<LimitResult>(count);
      for (let k = 0; k < count; k++) {
        results[k] = { allowed: d[j] === 1, remaining: d[j + 1]!, resetSeconds: d[j + 2]!, retryAfterSeconds: d[j + 3]! };
        j += 4;
      }
      resolvers[i]!({ allowed, results, tightest });
    }
  }

  /** Next check: the first undecided batch's timeout, or the oldest batch's fail-after, whichever is first. */
  private armWatchdog(): void {
    if (this.mode !== Mode.Cluster) return;
    let due = Infinity;
    let undecided = false;
    let first = true;
    for (const b of this.inFlight.values()) {
      if (first) {
        due = b.sentAt + this.failAfterMs;
        first = false;
      }
      if (!b.decided) {
        due = Math.min(due, b.sentAt + this.timeoutMs);
        undecided = true;
        break;
      }
    }
    if (due === Infinity) return;
    if (this.watchdog !== null) {
      if (this.watchdogDue <= due) return;
      clearTimeout(this.watchdog);
    }
    this.watchdogDue = due;
    this.watchdog = setTimeout(this.onWatchdogBound, Math.max(1, due - Date.now()));
    // A request waits on it: keep the process up. Only late answers are awaited: do not.
    if (!undecided) this.watchdog.unref();
  }

  /** Decides locally every batch older than the timeout; gives up on a primary silent for failAfterMs. */
  private expire(): void {
    if (this.mode !== Mode.Cluster) return;
    const now = Date.now();
    let oldest = true;
    for (const b of this.inFlight.values()) {
      if (oldest && now - b.sentAt >= this.failAfterMs) {
        this.toLocal(`the primary answered nothing for ${this.failAfterMs} ms`);
        this.abandonInFlight();
        return;
      }
      oldest = false;
      if (now - b.sentAt < this.timeoutMs) break;
      if (!b.decided) {
        this.timeouts++;
        this.decideLocally(b);
      }
    }
    this.armWatchdog();
  }

  /** Stops waiting for the primary: whatever is undecided is decided locally; late answers are ignored. */
  private abandonInFlight(): void {
    for (const b of this.inFlight.values()) if (!b.decided) this.decideLocally(b);
    this.inFlight.clear();
  }

  private onGone(): void {
    this.toLocal('primary gone');
    this.abandonInFlight();
  }

  private decideLocally(b: Batch): void {
    b.decided = true;
    const now = Date.now();
    for (let i = 0; i < b.requests.length; i++) b.resolvers[i]!(this.local.consume(b.requests[i]!, now));
    // Settled: the callers may reuse their checks arrays; a late answer only needs the id.
    b.requests.length = 0;
    b.resolvers.length = 0;
  }

  private toLocal(reason: string): void {
    if (this.mode !== Mode.Cluster) return;
    this.mode = Mode.Local;
    this.fallbacks++;
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.watchdog = null;
    this.logger?.warn(
      { event: 'rate_limit_store_fallback', reason, workers: this.workers, timeouts: this.timeouts },
      'rate limits: the primary does not answer; deciding locally with every limit divided by the worker count',
    );
    this.probeTimer = setInterval(this.probeBound, this.probeIntervalMs);
    this.probeTimer.unref();
  }

  private toCluster(): void {
    this.mode = Mode.Cluster;
    this.recoveries++;
    if (this.probeTimer !== null) clearInterval(this.probeTimer);
    this.probeTimer = null;
    this.logger?.info({ event: 'rate_limit_store_recovered' }, 'rate limits: the primary answers again; limits are exact across workers again');
  }

  /** While local: an empty batch; answered within the timeout, it switches back to the primary. */
  private probe(): void {
    if (this.mode !== Mode.Local) return;
    const id = this.nextId++;
    this.probeId = id;
    this.probeSentAt = Date.now();
    try {
      this.transport.send({ type: 'rl', id, s: [], c: [], n: [] });
    } catch {
      // still gone: stay local
    }
  }

  async close(): Promise<void> {
    if (this.mode === Mode.Closed) return;
    this.mode = Mode.Closed;
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    if (this.probeTimer !== null) clearInterval(this.probeTimer);
    this.watchdog = this.probeTimer = null;
    this.transport.unlisten();
    // Nothing is left pending: whatever waits is decided locally.
    this.abandonInFlight();
    const open = this.open;
    this.open = null;
    if (open !== null) this.decideLocally(open);
    await this.local.close();
  }
}

/** A store whose consume answers synchronously (the authority's engine: a MemoryStore). */
export interface SyncRateLimitStore {
  consume(checks: readonly LimitCheck[], now: number): Decision;
  close(): Promise<void>;
}

/**
 * The primary's side: the node's counters. `handle` decides a batch in arrival order with the
 * primary's clock and returns the answer to send back. One instance per node, kept across reloads.
 */
export class RateLimitAuthority {
  private readonly engine: SyncRateLimitStore;
  /** Wire spec -> one LimitSpec object (stable identity for the engine; bounded). */
  private readonly specs = new Map<string, LimitSpec>();

  constructor(engine: SyncRateLimitStore = new MemoryStore()) {
    this.engine = engine;
  }

  handle(batch: RateLimitBatch, now: number = Date.now()): RateLimitAnswer {
    const wire = batch.s;
    const specs: LimitSpec[] = new Array<LimitSpec>(wire.length);
    for (let i = 0; i < wire.length; i++) specs[i] = this.spec(wire[i]!);
    const c = batch.c;
    const d: number[] = [];
    let j = 0;
    for (const count of batch.n) {
      const checks: LimitCheck[] = new Array<LimitCheck>(count);
      for (let k = 0; k < count; k++, j += 2) checks[k] = { spec: specs[c[j] as number]!, key: c[j + 1] as string };
      const decision = this.engine.consume(checks, now);
      d.push(decision.allowed ? 1 : 0, decision.tightest);
      for (const r of decision.results) d.push(r.allowed ? 1 : 0, r.remaining, r.resetSeconds, r.retryAfterSeconds);
    }
    return { type: 'rl', id: batch.id, d };
  }

  private spec(w: WireSpec): LimitSpec {
    const id = `${w[0]}\u0000${w[1]}\u0000${w[2]}\u0000${w[3]}\u0000${w[4]}`;
    let spec = this.specs.get(id);
    if (spec === undefined) {
      if (this.specs.size >= 10_000) this.specs.clear();
      spec = Object.freeze({ name: w[0], algorithm: w[1], limit: w[2], periodMs: w[3], burst: w[4] });
      this.specs.set(id, spec);
    }
    return spec;
  }

  close(): Promise<void> {
    return this.engine.close();
  }
}

/** The IPC channel of a cluster worker (process.send / 'message' / 'disconnect'). */
class ProcessTransport implements ClusterTransport {
  private onMessage: ((msg: { type?: unknown }) => void) | null = null;
  private onDisconnect: (() => void) | null = null;

  send(batch: RateLimitBatch): boolean {
    if (!process.connected || process.send === undefined) return false;
    process.send(batch);
    return true;
  }

  listen(onAnswer: (answer: RateLimitAnswer) => void, onGone: () => void): void {
    this.onMessage = (msg) => {
      if (msg !== null && typeof msg === 'object' && msg.type === 'rl') onAnswer(msg as RateLimitAnswer);
    };
    this.onDisconnect = onGone;
    process.on('message', this.onMessage);
    process.on('disconnect', this.onDisconnect);
  }

  unlisten(): void {
    if (this.onMessage !== null) process.off('message', this.onMessage);
    if (this.onDisconnect !== null) process.off('disconnect', this.onDisconnect);
    this.onMessage = this.onDisconnect = null;
  }
}

let processStore: ClusterStore | null = null;

/**
 * The rate-limit store for the routes compiled in this process when `rateLimitStore.type` is
 * memory (the default): in a cluster worker (`MESHGATE_WORKER=1`), the process-wide ClusterStore
 * (the same instance for every config version: do not close it when a snapshot is retired);
 * elsewhere null, and the caller uses a MemoryStore of its own (single process: sync, no IPC).
 * `logger` is used by the first call only (default: a logger at MESHGATE_LOG_LEVEL).
 */
export function rateLimitStoreForThisProcess(logger?: Log): RateLimitStore | null {
  if (process.env.MESHGATE_WORKER !== '1' || process.send === undefined) return null;
  if (processStore === null || processStore.closed) {
    processStore = new ClusterStore({
      transport: new ProcessTransport(),
      workers: Number(process.env.MESHGATE_WORKERS) || 1,
      logger: logger ?? createLogger(),
    });
  }
  return processStore;
}
