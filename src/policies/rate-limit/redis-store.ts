/**
 * Rate limits shared by every gateway instance through one Redis (`rateLimitStore: { type: redis }`).
 *
 * One decision = one round trip: `consume` sends all the checks of a request in ONE EVALSHA of
 * the script in redis-scripts.ts (ioredis `defineCommand`: EVAL the first time on a connection,
 * EVALSHA after, EVAL again on NOSCRIPT). The script reads the time from Redis (`TIME`), so the
 * instances' clocks do not matter, decides every check, consumes only when all allow, and sets
 * TTLs so idle keys expire.
 *
 * Failure (`onStoreError`): a decision that errors, or is not answered within `timeoutMs`, is
 * answered locally instead: `allow` admits it (fail open), `deny` refuses it (Retry-After 1),
 * `local` decides it with a MemoryStore whose limits and bursts are divided by `instanceCount`
 * (its `limitDivisor`: fractional, at least 1, so N instances admit about the shared limit in
 * all; the local counters start fresh at each outage). The first such error switches the store
 * DOWN (logged once: `ratelimit_store_down`, with the reason; also when the connection drops
 * while idle). While down no request touches Redis: ioredis reconnects by itself (backoff capped
 * at 1 s; commands fail fast meanwhile: no offline queue, no resend on reconnect), and a probe
 * (the same script with no keys) goes out as soon as the connection is ready again and then every
 * `probeIntervalMs` while it stays ready; the first probe answered in time switches the store UP
 * (`ratelimit_store_up`). A decision that timed out may still be applied by Redis later (it
 * counted one request that was answered locally): the error is on the safe side. `consume` never
 * rejects and nothing here throws into the process: the client's `error` events are listened to
 * (debug level; the transitions carry the reason).
 *
 * Timeouts cost no timer per request: calls in flight sit in one insertion-ordered Set and one
 * watchdog timer, armed for the oldest, fails every call past `timeoutMs` (after the poll phase,
 * so a reply already on the socket while this process was busy still counts).
 *
 * Redis Cluster (`cluster: [seeds]`): an ioredis `Cluster` with the same spirit (no offline
 * queue, fail fast, reconnect capped at 1 s, every command to the slot's master). A counter's key
 * is the same as on one node, `<keyPrefix><limit name>|<key values>`, and it hashes to its own slot
 * (no hash tag is added: the slot depends on the counter key alone, so a limit's counter is one
 * key whatever other limits the request has, and different clients spread over the masters).
 * A request whose checks all fall in one slot (every request with one limit) is one EVALSHA,
 * all-or-nothing, as on one node. Otherwise its checks are grouped by slot (`keySlot`, the
 * cluster's CRC16 with hash tags, on the prefixed key) and each group is one EVALSHA, all sent at
 * once (one round trip in wall time), and the decisions combine: admitted only if every group
 * admitted, the tightest result answers. Across groups it is not atomic: a request denied by the
 * limits of one slot may have consumed from those of another that admitted it (the same property
 * as Envoy's or Kong's per-descriptor counters); within a slot it stays all-or-nothing. A group's
 * failure or timeout is answered per `onStoreError` for that group's checks only. A keyPrefix
 * with a `{...}` hash tag puts every counter in the prefix's slot (exact, all-or-nothing, but no
 * spread). Health is still one state for the whole store: while one master is unreachable (before
 * the cluster itself reports the failure), decisions go local and the probe (no keys: any node)
 * may switch the store up and down again; each switch is logged and counted. Not tested yet
 * (only healthy clusters are).
 */
import { Cluster, Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RateLimitStoreConfig } from '../../config/schema/rate-limit.js';
import { EMPTY_DECISION, RateLimitDecision, RateLimitResult, pickTightest } from './algorithms.js';
import { MemoryStore } from './memory-store.js';
import { ALGORITHM_CODE, ARGS_PER_CHECK, CONSUME_LUA, REPLY_HEADER, REPLY_PER_CHECK } from './redis-scripts.js';
import type { Decision, LimitCheck, LimitResult, LimitSpec, RateLimitStore } from './types.js';

export type OnStoreError = 'allow' | 'deny' | 'local';

export const REDIS_RL_DEFAULTS = Object.freeze({
  url: 'redis://127.0.0.1:6379',
  keyPrefix: 'mg:rl:',
  onStoreError: 'local' as OnStoreError,
  instanceCount: 1,
  timeoutMs: 50,
  probeIntervalMs: 500,
});

export interface RedisStoreDeps {
  readonly logger: Logger;
  /**
   * Builds the local store for `onStoreError: local`, given the divisor for every limit and
   * burst (instanceCount); called when first needed in an outage. Default
   * `(d) => new MemoryStore({ limitDivisor: d })`.
   */
  readonly fallback?: (limitDivisor: number) => RateLimitStore;
  /** While down and connected, how often a probe checks whether Redis answers in time again. Default 500 ms. */
  readonly probeIntervalMs?: number;
}

type Resolve = (d: Decision | PromiseLike<Decision>) => void;
type ScriptCommand = (...args: Array<string | number>) => Promise<unknown>;

const COMMAND = 'mgRateLimitConsume';

// `new Promise(capture)` hands the resolver over without allocating a closure per request.
let captured: Resolve | null = null;
function capture(resolve: Resolve): void {
  captured = resolve;
}

/** One script call in flight: a decision (resolve set) or a probe (resolve null). */
class Pending {
  settled = false;
  readonly checks: readonly LimitCheck[];
  readonly now: number;
  readonly resolve: Resolve | null;
  readonly sentAt: number;
  constructor(checks: readonly LimitCheck[], now: number, resolve: Resolve | null, sentAt: number) {
    this.checks = checks;
    this.now = now;
    this.resolve = resolve;
    this.sentAt = sentAt;
  }
}

const enum Mode {
  Up = 0,
  Down = 1,
  Closed = 2,
}

/** `onStoreError: deny`: every check denied, Retry-After 1. */
const DENIED: LimitResult = Object.freeze(new RateLimitResult(false, 0, 1, 1));
const NO_CHECKS: readonly LimitCheck[] = Object.freeze([]);

/** CRC16-CCITT (XMODEM) table, as Redis Cluster hashes keys. */
const CRC16_TABLE = ((): Uint16Array => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let b = 0; b < 8; b++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

/**
 * The Redis Cluster hash slot of a key (the full key, prefix included): CRC16 of its UTF-8 bytes
 * mod 16384, or of the hash tag (the bytes between the first `{` and the first `}` after it,
 * when not empty), like `CLUSTER KEYSLOT`.
 */
export function keySlot(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  let start = 0;
  let end = bytes.length;
  const open = bytes.indexOf(0x7b);
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1);
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ bytes[i]!) & 0xff]!;
  return crc & 16383;
}

function defaultFallback(limitDivisor: number): RateLimitStore {
  return new MemoryStore({ limitDivisor });
}

export class RedisStore implements RateLimitStore {
  readonly keyPrefix: string;
  readonly onStoreError: OnStoreError;
  readonly instanceCount: number;
  readonly timeoutMs: number;
  /** Decisions not answered by Redis (errored, timed out, or Redis unavailable): each was answered per `onStoreError`. */
  storeErrors = 0;
  /** Switches between Redis and the `onStoreError` answer, both ways. */
  transitions = 0;
  /** The client (for tests and diagnostics); the store owns it. A `Cluster` when `cluster` seeds are configured. */
  readonly client: Redis | Cluster;
  /** True when talking to a Redis Cluster (decisions are grouped by hash slot). */
  readonly clustered: boolean;

  private mode: Mode = Mode.Up;
  private everReady = false;
  private lastError = '';
  private downSince = 0;
  private probing = false;
  private probeTimer: NodeJS.Timeout | null = null;
  private watchdog: NodeJS.Timeout | null = null;
  private local: RateLimitStore | null = null;
  private readonly inFlight = new Set<Pending>();
  private readonly script: ScriptCommand;
  private readonly logger: Logger;
  private readonly makeFallback: (limitDivisor: number) => RateLimitStore;
  private readonly probeIntervalMs: number;
  /** Per spec: its 4 ARGV values, as strings (built once per spec object). */
  private readonly argv = new WeakMap<LimitSpec, readonly string[]>();
  private readonly allowResults = new WeakMap<LimitSpec, LimitResult>();
  private readonly onWatchdogBound = (): void => {
    this.watchdog = null;
    // Decide after the poll phase: a reply already waiting on the socket (this process was busy,
    // not Redis) is read first and does not count as a timeout.
    setImmediate(this.expireBound);
  };
  private readonly expireBound = (): void => this.expire();
  private readonly probeBound = (): void => this.probe();

  constructor(config: RateLimitStoreConfig | undefined, deps: RedisStoreDeps) {
    const c = config ?? {};
    this.keyPrefix = c.keyPrefix ?? REDIS_RL_DEFAULTS.keyPrefix;
    this.onStoreError = c.onStoreError ?? REDIS_RL_DEFAULTS.onStoreError;
    this.instanceCount = Math.max(1, Math.floor(c.instanceCount ?? REDIS_RL_DEFAULTS.instanceCount));
    this.timeoutMs = Math.max(1, c.timeoutMs ?? REDIS_RL_DEFAULTS.timeoutMs);
    this.probeIntervalMs = Math.max(10, deps.probeIntervalMs ?? REDIS_RL_DEFAULTS.probeIntervalMs);
    this.logger = deps.logger;
    this.makeFallback = deps.fallback ?? defaultFallback;
    // Reconnect forever, backoff 100 ms doubling, capped at 1 s.
    const backoff = (times: number): number => Math.min(50 * 2 ** Math.min(times, 5), 1000);
    const connectTimeout = Math.max(1000, this.timeoutMs * 10);
    const seeds = c.cluster;
    this.clustered = seeds !== undefined && seeds.length > 0;
    this.client = this.clustered
      ? new Cluster([...seeds!], {
          keyPrefix: this.keyPrefix,
          // As below: fail fast while the cluster is not ready, never replay a decision.
          enableOfflineQueue: false,
          clusterRetryStrategy: backoff,
          // The counters are written by every decision: always the slot's master.
          scaleReads: 'master',
          slotsRefreshTimeout: connectTimeout,
          redisOptions: {
            maxRetriesPerRequest: 0,
            autoResendUnfulfilledCommands: false,
            connectTimeout,
            protocol: 2,
            connectionName: 'meshgate-ratelimit',
          },
        })
      : new Redis(c.url ?? REDIS_RL_DEFAULTS.url, {
          keyPrefix: this.keyPrefix,
          // Fail fast while disconnected (the store answers per onStoreError) and never replay a
          // decision on reconnect (it would consume for a request already answered).
          enableOfflineQueue: false,
          maxRetriesPerRequest: 0,
          autoResendUnfulfilledCommands: false,
          retryStrategy: backoff,
          connectTimeout,
          // Integer arrays only: RESP2 is enough and universal.
          protocol: 2,
          connectionName: 'meshgate-ratelimit',
        });
    this.client.defineCommand(COMMAND, { lua: CONSUME_LUA });
    this.script = (this.client as unknown as Record<string, ScriptCommand>)[COMMAND]!.bind(this.client);
    this.client.on('error', (err: Error) => {
      this.lastError = err.message;
      this.logger.debug({ event: 'ratelimit_redis_error', error: err.message }, 'rate-limit store: Redis client error');
      // A first connection that fails: Redis is not there.
      if (!this.everReady) this.toDown(`cannot connect to Redis: ${err.message}`);
    });
    this.client.on('close', () => {
      if (this.everReady) this.toDown(this.lastError !== '' ? `connection to Redis lost: ${this.lastError}` : 'connection to Redis lost');
    });
    this.client.on('ready', () => {
      this.everReady = true;
      this.lastError = '';
      if (this.mode === Mode.Down) this.probe();
    });
  }

  /** True while decisions come from Redis. */
  get isUp(): boolean {
    return this.mode === Mode.Up;
  }

  /** Resolves true once connected to Redis (false after `timeoutMs`, default 2 s); never rejects. For start-up. */
  ready(timeoutMs = 2000): Promise<boolean> {
    if (this.client.status === 'ready') return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        resolve(ok);
      };
      const onReady = (): void => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      this.client.on('ready', onReady);
    });
  }

  /**
   * Hot path, change with care. `now` is used only by the local fallback: Redis decides with its
   * own clock. Returns a Promise that never rejects (a Decision right away for no checks).
   */
  consume(checks: readonly LimitCheck[], now: number): Decision | Promise<Decision> {
    if (checks.length === 0) return EMPTY_DECISION;
    if (this.mode !== Mode.Up) return this.failed(checks, now);
    if (this.client.status !== 'ready') {
      // Still connecting for the first time: answered per onStoreError, not a transition yet.
      if (this.everReady) this.toDown(this.lastError !== '' ? `Redis not connected: ${this.lastError}` : 'Redis not connected');
      return this.failed(checks, now);
    }
    if (this.clustered && checks.length > 1) return this.consumeBySlot(checks, now);
    return this.decide(checks, now);
  }

  /** One script call for `checks` (all in one slot on a cluster). */
  private decide(checks: readonly LimitCheck[], now: number): Promise<Decision> {
    const p = new Promise<Decision>(capture);
    const pending = new Pending(checks, now, captured, Date.now());
    captured = null;
    this.send(pending);
    return p;
  }

  /**
   * Cluster, several checks: one script call per hash slot, all sent at once, combined
   * (admitted only when every slot admitted; not atomic across slots, see the file comment).
   */
  private consumeBySlot(checks: readonly LimitCheck[], now: number): Promise<Decision> {
    const n = checks.length;
    const prefix = this.keyPrefix;
    const slots = new Array<number>(n);
    let single = true;
    for (let i = 0; i < n; i++) {
      slots[i] = keySlot(prefix + checks[i]!.key);
      if (slots[i] !== slots[0]) single = false;
    }
    if (single) return this.decide(checks, now);
    const groups = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      const g = groups.get(slots[i]!);
      if (g === undefined) groups.set(slots[i]!, [i]);
      else g.push(i);
    }
    const parts: Array<Promise<Decision>> = [];
    const indexes: number[][] = [];
    for (const idx of groups.values()) {
      indexes.push(idx);
      parts.push(this.decide(idx.map((i) => checks[i]!), now));
    }
    return Promise.all(parts).then((decisions) => {
      const results = new Array<LimitResult>(n);
      let allowed = true;
      for (let g = 0; g < decisions.length; g++) {
        const d = decisions[g]!;
        if (!d.allowed) allowed = false;
        const idx = indexes[g]!;
        for (let k = 0; k < idx.length; k++) results[idx[k]!] = d.results[k]!;
      }
      return new RateLimitDecision(allowed, results, pickTightest(results, allowed));
    });
  }

  /** Sends one script call (a decision, or a probe with no checks) and arms the timeout. */
  private send(pending: Pending): void {
    const checks = pending.checks;
    const n = checks.length;
    const args: Array<string | number> = new Array<string | number>(1 + n * (1 + ARGS_PER_CHECK));
    args[0] = n;
    let a = 1 + n;
    for (let i = 0; i < n; i++) {
      const check = checks[i]!;
      args[1 + i] = check.key;
      const v = this.argvOf(check.spec);
      args[a] = v[0]!;
      args[a + 1] = v[1]!;
      args[a + 2] = v[2]!;
      args[a + 3] = v[3]!;
      a += ARGS_PER_CHECK;
    }
    this.inFlight.add(pending);
    this.armWatchdog();
    let reply: Promise<unknown>;
    try {
      reply = this.script(...args);
    } catch (err) {
      this.onFailure(pending, err);
      return;
    }
    reply.then(
      (r) => this.onReply(pending, r),
      (err: unknown) => this.onFailure(pending, err),
    );
  }

  private argvOf(spec: LimitSpec): readonly string[] {
    let v = this.argv.get(spec);
    if (v === undefined) {
      v = Object.freeze([ALGORITHM_CODE[spec.algorithm], String(spec.limit), String(spec.periodMs), String(spec.burst)]);
      this.argv.set(spec, v);
    }
    return v;
  }

  private onReply(pending: Pending, reply: unknown): void {
    if (pending.settled) return;
    const checks = pending.checks;
    const n = checks.length;
    if (!Array.isArray(reply) || reply.length !== REPLY_HEADER + n * REPLY_PER_CHECK) {
      this.onFailure(pending, new Error(`unexpected reply from the rate-limit script: ${String(reply).slice(0, 100)}`));
      return;
    }
    pending.settled = true;
    this.inFlight.delete(pending);
    const resolve = pending.resolve;
    if (resolve === null) {
      // a probe answered in time
      this.probing = false;
      this.toUp();
      return;
    }
    const results: LimitResult[] = new Array<LimitResult>(n);
    const r = reply as number[];
    let j = REPLY_HEADER;
    for (let i = 0; i < n; i++, j += REPLY_PER_CHECK) {
      results[i] = new RateLimitResult(r[j] === 1, r[j + 1]!, r[j + 2]!, r[j + 3]!);
    }
    const allowed = r[0] === 1;
    resolve(new RateLimitDecision(allowed, results, pickTightest(results, allowed)));
  }

  private onFailure(pending: Pending, err: unknown): void {
    if (pending.settled) return;
    pending.settled = true;
    this.inFlight.delete(pending);
    const reason = err instanceof Error ? err.message : String(err);
    const resolve = pending.resolve;
    if (resolve === null) {
      this.probing = false;
      this.lastError = reason;
      return;
    }
    this.toDown(reason);
    resolve(this.failed(pending.checks, pending.now));
  }

  private armWatchdog(): void {
    if (this.watchdog !== null) return;
    const head = this.inFlight.values().next();
    if (head.done === true) return;
    const wait = Math.max(1, head.value.sentAt + this.timeoutMs - Date.now());
    this.watchdog = setTimeout(this.onWatchdogBound, wait);
    this.watchdog.unref();
  }

  /** Fails every call older than the timeout (in send order: stop at the first young one). */
  private expire(): void {
    const now = Date.now();
    for (const p of this.inFlight) {
      if (now - p.sentAt < this.timeoutMs) break;
      this.onFailure(p, new Error(`Redis did not answer within ${this.timeoutMs} ms`));
    }
    this.armWatchdog();
  }

  /** The answer when Redis cannot decide, per onStoreError. Counted as a store error. */
  private failed(checks: readonly LimitCheck[], now: number): Decision | Promise<Decision> {
    this.storeErrors++;
    switch (this.onStoreError) {
      case 'allow':
        return this.allowAll(checks);
      case 'deny': {
        return this.denyAll(checks);
      }
      default:
        return this.decideLocally(checks, now);
    }
  }

  private allowAll(checks: readonly LimitCheck[]): Decision {
    const results: LimitResult[] = new Array<LimitResult>(checks.length);
    for (let i = 0; i < checks.length; i++) {
      const spec = checks[i]!.spec;
      let r = this.allowResults.get(spec);
      if (r === undefined) {
        const capacity = spec.algorithm === 'token-bucket' ? spec.burst : spec.limit;
        // Fail open: nothing is counted, so report a full budget less this request.
        r = Object.freeze(new RateLimitResult(true, Math.max(0, Math.floor(capacity) - 1), 0, 0));
        this.allowResults.set(spec, r);
      }
      results[i] = r;
    }
    return new RateLimitDecision(true, results, pickTightest(results, true));
  }

  private decideLocally(checks: readonly LimitCheck[], now: number): Decision | Promise<Decision> {
    try {
      this.local ??= this.makeFallback(this.instanceCount);
      const d = this.local.consume(checks, now);
      if (d instanceof Promise) return d.catch(() => this.denyAll(checks));
      return d;
    } catch (err) {
      this.logger.error({ event: 'ratelimit_local_error', error: (err as Error).message }, 'rate-limit store: the local fallback failed; denying');
      return this.denyAll(checks);
    }
  }

  private denyAll(checks: readonly LimitCheck[]): Decision {
    return new RateLimitDecision(false, new Array<LimitResult>(checks.length).fill(DENIED), 0);
  }

  private toDown(reason: string): void {
    if (this.mode !== Mode.Up) return;
    this.mode = Mode.Down;
    this.transitions++;
    this.downSince = Date.now();
    this.logger.warn(
      { event: 'ratelimit_store_down', reason, onStoreError: this.onStoreError, instanceCount: this.instanceCount },
      `rate-limit store: Redis unavailable (${reason}); deciding per onStoreError=${this.onStoreError}`,
    );
    this.probeTimer = setInterval(this.probeBound, this.probeIntervalMs);
    this.probeTimer.unref();
  }

  private toUp(): void {
    if (this.mode !== Mode.Down) return;
    this.mode = Mode.Up;
    this.transitions++;
    if (this.probeTimer !== null) clearInterval(this.probeTimer);
    this.probeTimer = null;
    const downMs = Date.now() - this.downSince;
    this.logger.info({ event: 'ratelimit_store_up', reason: 'Redis answered a probe in time', downMs }, `rate-limit store: Redis is back after ${downMs} ms; limits are shared again`);
    // The outage's local counters are stale by the next outage: start that one fresh.
    const local = this.local;
    this.local = null;
    if (local !== null) local.close().catch(() => {});
  }

  /** While down and connected: the script with no checks; answered in time, the store is up again. */
  private probe(): void {
    if (this.mode !== Mode.Down || this.probing || this.client.status !== 'ready') return;
    this.probing = true;
    this.send(new Pending(NO_CHECKS, 0, null, Date.now()));
  }

  async close(): Promise<void> {
    if (this.mode === Mode.Closed) return;
    this.mode = Mode.Closed;
    if (this.probeTimer !== null) clearInterval(this.probeTimer);
    if (this.watchdog !== null) clearTimeout(this.watchdog);
    this.probeTimer = this.watchdog = null;
    // Nothing stays pending: whatever waits is answered per onStoreError.
    for (const p of this.inFlight) this.onFailure(p, new Error('store closed'));
    this.inFlight.clear();
    try {
      await Promise.race([this.client.quit(), new Promise((r) => setTimeout(r, 500).unref())]);
    } catch {
      // already gone
    }
    this.client.disconnect();
    const local = this.local;
    this.local = null;
    if (local !== null) await local.close().catch(() => {});
  }
}
