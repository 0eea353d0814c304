import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RateLimitAnswer, RateLimitBatch } from '../../workers/messages.js';
import { MemoryStore } from './memory-store.js';
import { ClusterStore, RateLimitAuthority, rateLimitStoreForThisProcess, type ClusterTransport, type SyncRateLimitStore } from './cluster-store.js';
import type { Decision, LimitCheck, LimitResult, LimitSpec } from './types.js';

/** A counting store (no refill): `limit` requests per key, all-or-nothing, least remaining is tightest. */
class CountingStore implements SyncRateLimitStore {
  readonly counts = new Map<string, number>();
  readonly seen: Array<{ keys: string[]; limits: number[]; now: number }> = [];
  closed = false;
  consume(checks: readonly LimitCheck[], now: number): Decision {
    this.seen.push({ keys: checks.map((c) => c.key), limits: checks.map((c) => c.spec.limit), now });
    const used = checks.map((c) => this.counts.get(c.key) ?? 0);
    const allowed = checks.every((c, i) => used[i]! < c.spec.limit);
    if (allowed) checks.forEach((c, i) => this.counts.set(c.key, used[i]! + 1));
    const results: LimitResult[] = checks.map((c, i) => {
      const ok = used[i]! < c.spec.limit;
      return { allowed: ok, remaining: allowed ? c.spec.limit - used[i]! - 1 : 0, resetSeconds: Math.ceil(c.spec.periodMs / 1000), retryAfterSeconds: ok ? 0 : 1 };
    });
    let tightest = 0;
    results.forEach((r, i) => {
      if (!r.allowed && results[tightest]!.allowed) tightest = i;
      else if (r.allowed === results[tightest]!.allowed && r.remaining < results[tightest]!.remaining) tightest = i;
    });
    return { allowed, results, tightest };
  }
  async close(): Promise<void> {
    this.closed = true;
  }
}

/** The IPC channel, faked: messages go through JSON like the real one. */
class FakeTransport implements ClusterTransport {
  readonly sent: RateLimitBatch[] = [];
  /** When set, every batch is answered by it on the next turn (like a primary). */
  primary: RateLimitAuthority | null = null;
  /** Answer probes (empty batches) even when `primary` is null. */
  answerProbes = false;
  connected = true;
  listening = false;
  private onAnswer: ((a: RateLimitAnswer) => void) | null = null;
  private onGone: (() => void) | null = null;

  send(batch: RateLimitBatch): boolean {
    if (!this.connected) return false;
    const copy = JSON.parse(JSON.stringify(batch)) as RateLimitBatch;
    this.sent.push(copy);
    const primary = this.primary;
    if (primary !== null) setImmediate(() => this.answer(primary.handle(copy)));
    else if (this.answerProbes && copy.n.length === 0) setImmediate(() => this.answer({ type: 'rl', id: copy.id, d: [] }));
    return true;
  }
  listen(onAnswer: (a: RateLimitAnswer) => void, onGone: () => void): void {
    this.onAnswer = onAnswer;
    this.onGone = onGone;
    this.listening = true;
  }
  unlisten(): void {
    this.listening = false;
  }
  answer(a: RateLimitAnswer): void {
    this.onAnswer?.(JSON.parse(JSON.stringify(a)) as RateLimitAnswer);
  }
  gone(): void {
    this.connected = false;
    this.onGone?.();
  }
  get batches(): RateLimitBatch[] {
    return this.sent.filter((b) => b.n.length > 0);
  }
}

class Logs {
  readonly lines: Array<{ level: string; event: unknown }> = [];
  warn(obj: { event?: unknown }): void {
    this.lines.push({ level: 'warn', event: obj.event });
  }
  info(obj: { event?: unknown }): void {
    this.lines.push({ level: 'info', event: obj.event });
  }
}

const spec = (name: string, limit: number, burst = limit): LimitSpec => Object.freeze({ name, algorithm: 'token-bucket', limit, periodMs: 1000, burst });
const A = spec('a', 3);
const B = spec('b', 10, 20);
const check = (s: LimitSpec, key: string): LimitCheck => ({ spec: s, key: `${s.name}|${key}` });
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function setup(opts: { workers?: number; timeoutMs?: number; failAfterMs?: number; probeIntervalMs?: number; withPrimary?: boolean; realLocal?: boolean } = {}) {
  const transport = new FakeTransport();
  const engine = new CountingStore();
  if (opts.withPrimary !== false) transport.primary = new RateLimitAuthority(engine);
  const local = new CountingStore();
  const logs = new Logs();
  const store = new ClusterStore({
    transport, workers: opts.workers ?? 2, timeoutMs: opts.timeoutMs ?? 50, failAfterMs: opts.failAfterMs ?? 5000, probeIntervalMs: opts.probeIntervalMs ?? 1000, logger: logs,
    ...(opts.realLocal === true ? {} : { local }),
  });
  return { transport, engine, local, logs, store };
}

describe('ClusterStore', () => {
  it('sends every consume of one event-loop turn in one message, each spec once', async (t) => {
    const { transport, store, engine } = setup();
    t.after(() => store.close());
    const calls = [
      [check(A, 'x')],
      [check(A, 'x'), check(B, 'x')],
      [check(B, 'y')],
      [check(A, 'x')],
      [check(A, 'x')],
    ];
    const pending = calls.map((c) => store.consume(c, 0));
    for (const p of pending) assert.ok(p instanceof Promise);
    assert.equal(transport.sent.length, 0, 'nothing is sent before the turn ends');
    const decisions = await Promise.all(pending);
    assert.equal(transport.sent.length, 1, 'one message for the whole turn');
    const msg = transport.sent[0]!;
    assert.deepEqual(msg.s, [['a', 'token-bucket', 3, 1000, 3], ['b', 'token-bucket', 10, 1000, 20]]);
    assert.deepEqual(msg.n, [1, 2, 1, 1, 1]);
    assert.deepEqual(msg.c, [0, 'a|x', 0, 'a|x', 1, 'b|x', 1, 'b|y', 0, 'a|x', 0, 'a|x']);
    // Decided in arrival order by the primary: a|x admits 3 (calls 0, 1, 3), call 4 is denied.
    assert.deepEqual(decisions.map((d) => d.allowed), [true, true, true, true, false]);
    assert.deepEqual(decisions[1], {
      allowed: true,
      tightest: 0,
      results: [
        { allowed: true, remaining: 1, resetSeconds: 1, retryAfterSeconds: 0 },
        { allowed: true, remaining: 9, resetSeconds: 1, retryAfterSeconds: 0 },
      ],
    });
    assert.deepEqual(decisions[4], { allowed: false, tightest: 0, results: [{ allowed: false, remaining: 0, resetSeconds: 1, retryAfterSeconds: 1 }] });
    // The primary rebuilt each spec once, with its own numbers.
    assert.deepEqual(engine.seen.map((s) => s.limits), [[3], [3, 10], [10], [3], [3]]);
  });

  it('one message per turn: calls in the next turn go in the next batch', async (t) => {
    const { transport, store } = setup();
    t.after(() => store.close());
    const first = [store.consume([check(A, '1')], 0), store.consume([check(A, '1')], 0)];
    await tick();
    const second = [store.consume([check(A, '1')], 0)];
    await Promise.all([...first, ...second]);
    assert.deepEqual(transport.sent.map((m) => m.n), [[1, 1], [1]]);
    assert.notEqual(transport.sent[0]!.id, transport.sent[1]!.id);
  });

  it('correlates answers by batch id (unknown and repeated ids ignored)', async (t) => {
    const { transport, store } = setup({ withPrimary: false, timeoutMs: 5000 });
    t.after(() => store.close());
    const p1 = store.consume([check(A, 'k')], 0) as Promise<Decision>;
    await tick();
    const p2 = store.consume([check(A, 'k')], 0) as Promise<Decision>;
    const p3 = store.consume([check(A, 'k'), check(B, 'k')], 0) as Promise<Decision>;
    await tick();
    const [b1, b2] = transport.sent;
    const got: string[] = [];
    void p1.then(() => got.push('p1'));
    void p2.then(() => got.push('p2'));
    void p3.then(() => got.push('p3'));
    transport.answer({ type: 'rl', id: 9999, d: [1, 0, 1, 5, 1, 0] });
    transport.answer({ type: 'rl', id: b1!.id, d: [0, 0, 0, 0, 3, 2] });
    await tick();
    assert.deepEqual(got, ['p1']);
    // [allowed, tightest, (allowed, remaining, reset, retry)...] per request.
    transport.answer({ type: 'rl', id: b2!.id, d: [1, 0, 1, 7, 1, 0, 0, 1, 1, 0, 1, 0, 0, 1, 2, 1] });
    const [d1, d2, d3] = await Promise.all([p1, p2, p3]);
    assert.deepEqual(got, ['p1', 'p2', 'p3']);
    assert.deepEqual(d1, { allowed: false, tightest: 0, results: [{ allowed: false, remaining: 0, resetSeconds: 3, retryAfterSeconds: 2 }] });
    assert.deepEqual(d2, { allowed: true, tightest: 0, results: [{ allowed: true, remaining: 7, resetSeconds: 1, retryAfterSeconds: 0 }] });
    assert.deepEqual(d3, {
      allowed: false,
      tightest: 1,
      results: [
        { allowed: true, remaining: 0, resetSeconds: 1, retryAfterSeconds: 0 },
        { allowed: false, remaining: 1, resetSeconds: 2, retryAfterSeconds: 1 },
      ],
    });
    // A repeated answer for a settled batch is ignored too.
    transport.answer({ type: 'rl', id: b1!.id, d: [1, 0, 1, 9, 1, 0] });
    assert.equal(store.isLocal, false);
  });

  it('a late batch is decided locally (limits divided by the worker count); a primary silent for failAfterMs is given up, logged once', async (t) => {
    // The default local store: a MemoryStore dividing every limit by the worker count.
    const { transport, store, logs } = setup({ withPrimary: false, workers: 3, timeoutMs: 20, failAfterMs: 80, realLocal: true });
    t.after(() => store.close());
    const started = Date.now();
    const p = [store.consume([check(B, 'z')], 0), store.consume([check(B, 'z')], 0)];
    await tick();
    const p2 = store.consume([check(B, 'z')], 0);
    const ds = await Promise.all([...p, p2]);
    const waited = Date.now() - started;
    assert.ok(waited >= 18 && waited < 70, `decided after the timeout, before failAfterMs (${waited} ms)`);
    assert.deepEqual(ds.map((d) => d.allowed), [true, true, true]);
    assert.equal(store.timeouts, 2);
    // Late is not gone: the next turn still asks the primary.
    assert.equal(store.isLocal, false);
    assert.deepEqual(logs.lines, []);
    const p3 = store.consume([check(B, 'z')], 0);
    assert.ok(p3 instanceof Promise);
    await p3;
    assert.equal(transport.batches.length, 3);
    // Silent for failAfterMs: stop asking; decisions are synchronous and local. B (10/s, burst
    // 20) is 3.33/s with a burst of 6.67 in each of 3 workers: 4 used, 2 more (3 with what
    // refilled meanwhile), then 429.
    await sleep(100);
    assert.ok(store.isLocal);
    assert.equal(store.fallbacks, 1);
    const now = Date.now();
    const more = [0, 1, 2, 3, 4].map(() => store.consume([check(B, 'z')], now));
    for (const d of more) assert.ok(!(d instanceof Promise));
    const allowed = more.map((d) => (d as Decision).allowed);
    assert.deepEqual([allowed[0], allowed[1], allowed[3], allowed[4]], [true, true, false, false], String(allowed));
    assert.equal(transport.batches.length, 3, 'nothing more went to the primary');
    assert.deepEqual(logs.lines, [{ level: 'warn', event: 'rate_limit_store_fallback' }]);
    // An answer that comes after that is ignored (already decided locally).
    transport.answer({ type: 'rl', id: transport.batches[0]!.id, d: [1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0] });
    assert.ok(store.isLocal);
  });

  it('a late answer is not applied twice; a batch the primary dropped is decided when a later one is answered', async (t) => {
    const { transport, store, local } = setup({ withPrimary: false, timeoutMs: 20 });
    t.after(() => store.close());
    const late = store.consume([check(A, 'l')], 0);
    await tick();
    const d1 = await late;
    assert.equal(local.seen.length, 1, 'decided locally after the timeout');
    const dropped = store.consume([check(A, 'l')], 0);
    await tick();
    const third = store.consume([check(A, 'l')], 0);
    await tick();
    const [b1, b2, b3] = transport.batches;
    // The primary answers the late one (counted there; nothing to resolve again) ...
    transport.answer({ type: 'rl', id: b1!.id, d: [0, 0, 0, 0, 1, 1] });
    // ... skips b2, and answers b3: b2 is decided locally at once.
    transport.answer({ type: 'rl', id: b3!.id, d: [1, 0, 1, 0, 1, 0] });
    assert.equal(d1.allowed, true);
    assert.equal((await third).results[0]!.remaining, 0);
    assert.equal((await dropped).allowed, true);
    assert.equal(local.seen.length, 2);
    assert.ok(b2 !== undefined);
    assert.equal(store.isLocal, false);
  });

  it('does not time out a batch whose answer is already waiting when its own loop was busy', async (t) => {
    const { transport, store } = setup({ withPrimary: false, timeoutMs: 20 });
    t.after(() => store.close());
    const p = store.consume([check(A, 'busy')], 0);
    await tick();
    const id = transport.sent[0]!.id;
    // The answer is ready to be read (delivered after the timers phase, like I/O) while this
    // loop is blocked past the timeout: the watchdog fires first, but must not expire the batch.
    setImmediate(() => transport.answer({ type: 'rl', id, d: [1, 0, 1, 2, 1, 0] }));
    const until = Date.now() + 40;
    while (Date.now() < until) {
      // busy
    }
    await sleep(1);
    const d = await p;
    assert.equal(d.results[0]!.remaining, 2);
    assert.equal(store.isLocal, false);
  });

  it('goes back to the primary once a probe is answered in time, and logs the recovery', async (t) => {
    const { transport, store, logs } = setup({ withPrimary: false, timeoutMs: 20, failAfterMs: 40, probeIntervalMs: 30 });
    t.after(() => store.close());
    await store.consume([check(A, 'r')], 0);
    await sleep(60);
    assert.ok(store.isLocal);
    transport.answerProbes = true;
    await sleep(100);
    assert.equal(store.isLocal, false);
    assert.equal(store.recoveries, 1);
    assert.ok(transport.sent.some((b) => b.n.length === 0), 'probes are empty batches');
    assert.deepEqual(logs.lines.map((l) => l.event), ['rate_limit_store_fallback', 'rate_limit_store_recovered']);
    assert.ok(store.consume([check(A, 'r')], 0) instanceof Promise, 'asks the primary again');
  });

  it('decides locally at once when the channel is gone, including batches in flight', async (t) => {
    const { transport, store, logs } = setup({ withPrimary: false, timeoutMs: 5000 });
    t.after(() => store.close());
    const inFlight = store.consume([check(A, 'g')], 0);
    await tick();
    transport.gone();
    const d = await inFlight;
    assert.equal(d.allowed, true);
    assert.ok(store.isLocal);
    // A send that fails (channel closed) also decides locally.
    const { transport: t2, store: s2 } = setup({ withPrimary: false, timeoutMs: 5000 });
    t.after(() => s2.close());
    t2.connected = false;
    const started = Date.now();
    const d2 = await s2.consume([check(A, 'g')], 0);
    assert.equal(d2.allowed, true);
    assert.ok(Date.now() - started < 1000);
    assert.ok(s2.isLocal);
    assert.equal(logs.lines.length, 1);
  });

  it('close decides whatever is pending locally, detaches, and closes the local store', async () => {
    const { transport, store, local } = setup({ withPrimary: false, timeoutMs: 5000 });
    const p = store.consume([check(A, 'c')], 0);
    await tick();
    const q = store.consume([check(A, 'c')], 0);
    await store.close();
    const [d1, d2] = await Promise.all([p, q]);
    assert.deepEqual([d1.allowed, d2.allowed], [true, true]);
    assert.equal(local.seen.length, 2, 'decided by the local store');
    assert.equal(transport.listening, false);
    assert.equal(local.closed, true);
    assert.equal(store.closed, true);
  });

  it('is exact against one authority (the real MemoryStore) however the calls of several workers interleave', async (t) => {
    const authority = new RateLimitAuthority();
    t.after(() => authority.close());
    const stores = [0, 1, 2].map(() => {
      const transport = new FakeTransport();
      transport.primary = authority;
      return new ClusterStore({ transport, workers: 3, local: new CountingStore() });
    });
    t.after(() => Promise.all(stores.map((s) => s.close())));
    // 50 per hour: nothing refills while the test runs.
    const limit: LimitSpec = Object.freeze({ name: 'g', algorithm: 'token-bucket', limit: 50, periodMs: 3_600_000, burst: 50 });
    const all: Array<Decision | Promise<Decision>> = [];
    for (let turn = 0; turn < 10; turn++) {
      for (let i = 0; i < 15; i++) all.push(stores[i % 3]!.consume([check(limit, 'global')], 0));
      await tick();
    }
    const decisions = await Promise.all(all);
    assert.equal(decisions.filter((d) => d.allowed).length, 50);
  });

  it('the authority keeps one spec object per distinct wire spec and uses its own clock', () => {
    const engine = new CountingStore();
    const authority = new RateLimitAuthority(engine);
    const batch: RateLimitBatch = { type: 'rl', id: 7, s: [['a', 'token-bucket', 3, 1000, 3]], c: [0, 'a|x'], n: [1] };
    const before = Date.now();
    const answer = authority.handle(batch);
    authority.handle({ ...batch, id: 8 });
    assert.deepEqual(answer, { type: 'rl', id: 7, d: [1, 0, 1, 2, 1, 0] });
    assert.ok(engine.seen[0]!.now >= before);
    assert.deepEqual(authority.handle({ type: 'rl', id: 9, s: [], c: [], n: [] }), { type: 'rl', id: 9, d: [] });
  });

  it('rateLimitStoreForThisProcess is null outside a cluster worker', () => {
    assert.equal(rateLimitStoreForThisProcess(), null);
  });
});
