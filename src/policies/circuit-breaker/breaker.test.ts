import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { CircuitBreakerConfig } from '../../config/schema/resilience.js';
import { BreakerRegistry, CircuitBreaker, breakerSettings, type BreakerState } from './breaker.js';

/**
 * A step at fake time `at` (ms):
 * - ['acquire', admitted]: tryAcquire must answer `admitted`
 * - 'ok' | 'fail' | 'cancel': onSuccess / onFailure / onCancel
 * - ['state', s]: state must be s
 * - ['retryAfter', ms]: retryAfterMs(at) must be ms
 * - ['epoch', name]: remember the breaker's epoch under `name`; ['ok@', name] / ['fail@', name] /
 *   ['cancel@', name]: report a verdict with that remembered epoch
 */
type Op =
  | 'ok'
  | 'fail'
  | 'cancel'
  | readonly ['acquire', boolean]
  | readonly ['state', BreakerState]
  | readonly ['retryAfter', number]
  | readonly ['epoch', string]
  | readonly ['ok@' | 'fail@' | 'cancel@', string];
type Step = readonly [at: number, op: Op];

interface Case {
  readonly desc: string;
  readonly config: CircuitBreakerConfig;
  readonly steps: readonly Step[];
  readonly expect: { readonly state: BreakerState; readonly transitions?: readonly string[] };
}

/** n admitted requests at time `at` that end with `verdict`. */
function calls(n: number, at: number, verdict: 'ok' | 'fail'): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < n; i++) out.push([at, ['acquire', true]], [at, verdict]);
  return out;
}

function run(cases: readonly Case[]): void {
  for (const c of cases) {
    it(c.desc, () => {
      const transitions: string[] = [];
      const b = new CircuitBreaker('svc', breakerSettings(c.config), (breaker, from, to, now) => {
        assert.equal(breaker.state, to, 'listener sees the new state');
        transitions.push(`${from}->${to}@${now}`);
      });
      const epochs = new Map<string, number>();
      c.steps.forEach(([at, op], i) => {
        const where = `step ${i} (t=${at}, ${JSON.stringify(op)})`;
        if (op === 'ok') b.onSuccess(at);
        else if (op === 'fail') b.onFailure(at);
        else if (op === 'cancel') b.onCancel(at);
        else if (op[0] === 'acquire') assert.equal(b.tryAcquire(at), op[1], where);
        else if (op[0] === 'state') assert.equal(b.state, op[1], where);
        else if (op[0] === 'retryAfter') assert.equal(b.retryAfterMs(at), op[1], where);
        else if (op[0] === 'epoch') epochs.set(op[1], b.epoch);
        else {
          const e = epochs.get(op[1]);
          assert.ok(e !== undefined, where);
          if (op[0] === 'ok@') b.onSuccess(at, e);
          else if (op[0] === 'fail@') b.onFailure(at, e);
          else b.onCancel(at, e);
        }
      });
      assert.equal(b.state, c.expect.state, 'final state');
      if (c.expect.transitions !== undefined) assert.deepEqual(transitions, c.expect.transitions);
    });
  }
}

describe('circuit breaker: consecutive failures', () => {
  run([
    {
      desc: 'threshold - 1 failures keep it closed',
      config: { failureThreshold: 3 },
      steps: [...calls(2, 0, 'fail'), [1, ['acquire', true]]],
      expect: { state: 'closed', transitions: [] },
    },
    {
      desc: 'threshold failures open it',
      config: { failureThreshold: 3 },
      steps: [...calls(2, 0, 'fail'), ...calls(1, 7, 'fail'), [8, ['acquire', false]]],
      expect: { state: 'open', transitions: ['closed->open@7'] },
    },
    {
      desc: 'the default threshold is 5',
      config: {},
      steps: [...calls(4, 0, 'fail'), [0, ['state', 'closed']], ...calls(1, 1, 'fail')],
      expect: { state: 'open', transitions: ['closed->open@1'] },
    },
    {
      desc: 'a success resets the consecutive count',
      config: { failureThreshold: 3 },
      steps: [...calls(2, 0, 'fail'), ...calls(1, 1, 'ok'), ...calls(2, 2, 'fail'), [2, ['state', 'closed']], ...calls(1, 3, 'fail')],
      expect: { state: 'open', transitions: ['closed->open@3'] },
    },
    {
      desc: 'a cancel in closed counts nothing (does not reset the count either)',
      config: { failureThreshold: 2 },
      steps: [...calls(1, 0, 'fail'), [1, ['acquire', true]], [1, 'cancel'], ...calls(1, 2, 'fail')],
      expect: { state: 'open', transitions: ['closed->open@2'] },
    },
  ]);
});

describe('circuit breaker: open', () => {
  run([
    {
      desc: 'open rejects until openMs has passed, then admits a probe (half-open)',
      config: { failureThreshold: 1, timeoutSeconds: 5 },
      steps: [
        ...calls(1, 1000, 'fail'),
        [1001, ['acquire', false]],
        [5999, ['acquire', false]],
        [5999, ['state', 'open']],
        [6000, ['acquire', true]],
        [6000, ['state', 'half-open']],
      ],
      expect: { state: 'half-open', transitions: ['closed->open@1000', 'open->half-open@6000'] },
    },
    {
      desc: 'retryAfterMs counts down while open and is 0 otherwise',
      config: { failureThreshold: 1 },
      steps: [
        [0, ['retryAfter', 0]],
        ...calls(1, 1000, 'fail'),
        [1000, ['retryAfter', 30_000]],
        [16_000, ['retryAfter', 15_000]],
        [30_999, ['retryAfter', 1]],
        [31_000, ['retryAfter', 0]],
        [90_000, ['retryAfter', 0]],
        [90_000, ['acquire', true]],
        [90_001, ['retryAfter', 0]],
      ],
      expect: { state: 'half-open' },
    },
    {
      desc: 'fractional timeoutSeconds are honoured in ms',
      config: { failureThreshold: 1, timeoutSeconds: 0.25 },
      steps: [...calls(1, 0, 'fail'), [249, ['acquire', false]], [250, ['acquire', true]]],
      expect: { state: 'half-open' },
    },
    {
      desc: 'late verdicts of requests admitted before it opened are ignored (no fresh timer)',
      config: { failureThreshold: 2, timeoutSeconds: 10 },
      steps: [
        [0, ['acquire', true]],
        [0, ['acquire', true]],
        [0, ['acquire', true]],
        [0, ['acquire', true]],
        [10, 'fail'],
        [10, 'fail'],
        [500, 'fail'],
        [600, 'ok'],
        [600, ['retryAfter', 9410]],
        [10_010, ['acquire', true]],
      ],
      expect: { state: 'half-open', transitions: ['closed->open@10', 'open->half-open@10010'] },
    },
  ]);
});

describe('circuit breaker: half-open', () => {
  const openAt0 = (config: CircuitBreakerConfig): Step[] => [...calls(config.failureThreshold ?? 5, 0, 'fail')];
  run([
    {
      desc: 'half-open admits exactly halfOpenRequests probes',
      config: { failureThreshold: 1, timeoutSeconds: 1, halfOpenRequests: 3 },
      steps: [
        ...openAt0({ failureThreshold: 1 }),
        [1000, ['acquire', true]],
        [1000, ['acquire', true]],
        [1001, ['acquire', true]],
        [1001, ['acquire', false]],
        [1500, ['acquire', false]],
      ],
      expect: { state: 'half-open' },
    },
    {
      desc: 'one probe failure reopens it with a fresh openMs',
      config: { failureThreshold: 1, timeoutSeconds: 5, halfOpenRequests: 2 },
      steps: [
        ...openAt0({ failureThreshold: 1 }),
        [5000, ['acquire', true]],
        [5000, ['acquire', true]],
        [6000, 'fail'],
        [6000, ['retryAfter', 5000]],
        [10_000, ['acquire', false]],
        [10_999, ['acquire', false]],
        [11_000, ['acquire', true]],
      ],
      expect: { state: 'half-open', transitions: ['closed->open@0', 'open->half-open@5000', 'half-open->open@6000', 'open->half-open@11000'] },
    },
    {
      desc: 'all probes succeed -> closed',
      config: { failureThreshold: 1, timeoutSeconds: 1, halfOpenRequests: 2 },
      steps: [...openAt0({ failureThreshold: 1 }), [1000, ['acquire', true]], [1000, ['acquire', true]], [1100, 'ok'], [1100, ['state', 'half-open']], [1200, 'ok']],
      expect: { state: 'closed', transitions: ['closed->open@0', 'open->half-open@1000', 'half-open->closed@1200'] },
    },
    {
      desc: 'N-1 successes then a failure -> open',
      config: { failureThreshold: 1, timeoutSeconds: 1, halfOpenRequests: 3 },
      steps: [...openAt0({ failureThreshold: 1 }), ...calls(2, 1000, 'ok'), [1000, ['acquire', true]], [1001, 'fail']],
      expect: { state: 'open', transitions: ['closed->open@0', 'open->half-open@1000', 'half-open->open@1001'] },
    },
    {
      desc: 'a probe that succeeded does not free its slot: no more than N probes per half-open period',
      config: { failureThreshold: 1, timeoutSeconds: 1, halfOpenRequests: 2 },
      steps: [...openAt0({ failureThreshold: 1 }), ...calls(1, 1000, 'ok'), [1000, ['acquire', true]], [1000, ['acquire', false]]],
      expect: { state: 'half-open' },
    },
    {
      desc: 'onCancel frees a probe slot and counts nothing',
      config: { failureThreshold: 1, timeoutSeconds: 1, halfOpenRequests: 1 },
      steps: [
        ...openAt0({ failureThreshold: 1 }),
        [1000, ['acquire', true]],
        [1000, ['acquire', false]],
        [1001, 'cancel'],
        [1001, ['state', 'half-open']],
        [1002, ['acquire', true]],
        [1003, 'ok'],
      ],
      expect: { state: 'closed', transitions: ['closed->open@0', 'open->half-open@1000', 'half-open->closed@1003'] },
    },
    {
      desc: 'verdicts with no probe in flight are stale and ignored (extra cancel does not open extra slots)',
      config: { failureThreshold: 1, timeoutSeconds: 1, halfOpenRequests: 1 },
      steps: [
        ...openAt0({ failureThreshold: 1 }),
        [1000, ['acquire', true]],
        [1001, 'cancel'],
        [1002, 'cancel'],
        [1003, 'ok'],
        [1004, 'fail'],
        [1005, ['state', 'half-open']],
        [1005, ['acquire', true]],
        [1005, ['acquire', false]],
      ],
      expect: { state: 'half-open', transitions: ['closed->open@0', 'open->half-open@1000'] },
    },
    {
      desc: 'with epochs, a slow success admitted while closed cannot close a half-open breaker',
      config: { failureThreshold: 1, timeoutSeconds: 1, halfOpenRequests: 1 },
      steps: [
        [0, ['acquire', true]],
        [0, ['epoch', 'slow']],
        [0, ['acquire', true]],
        [0, 'fail'],
        [1000, ['acquire', true]],
        [1000, ['epoch', 'probe']],
        [1100, ['ok@', 'slow']],
        [1100, ['state', 'half-open']],
        [1100, ['fail@', 'slow']],
        [1100, ['cancel@', 'slow']],
        [1100, ['state', 'half-open']],
        [1100, ['acquire', false]],
        [1200, ['ok@', 'probe']],
      ],
      expect: { state: 'closed', transitions: ['closed->open@0', 'open->half-open@1000', 'half-open->closed@1200'] },
    },
    {
      desc: 'after closing, the consecutive count starts from zero',
      config: { failureThreshold: 2, timeoutSeconds: 1 },
      steps: [...openAt0({ failureThreshold: 2 }), ...calls(1, 1000, 'ok'), ...calls(1, 1001, 'fail'), [1001, ['state', 'closed']], ...calls(1, 1002, 'fail')],
      expect: { state: 'open' },
    },
    {
      desc: 'transitions are reported in order over a full cycle',
      config: { failureThreshold: 1, timeoutSeconds: 5 },
      steps: [
        ...calls(1, 0, 'fail'),
        [5000, ['acquire', true]],
        [5100, 'fail'],
        [10_100, ['acquire', true]],
        [10_200, 'ok'],
        ...calls(1, 10_300, 'fail'),
      ],
      expect: {
        state: 'open',
        transitions: ['closed->open@0', 'open->half-open@5000', 'half-open->open@5100', 'open->half-open@10100', 'half-open->closed@10200', 'closed->open@10300'],
      },
    },
  ]);
});

describe('circuit breaker: failure-rate mode', () => {
  // failureThreshold 1000: only the rate can open it.
  const rate = { failureThreshold: 1000, failureRateThreshold: 50, minimumRequests: 10, windowSeconds: 10 } as const;
  run([
    {
      desc: 'opens at the rate once minimumRequests is reached',
      config: rate,
      steps: [...calls(4, 0, 'ok'), ...calls(5, 100, 'fail'), [100, ['state', 'closed']], ...calls(1, 200, 'fail')],
      expect: { state: 'open', transitions: ['closed->open@200'] },
    },
    {
      desc: 'does not open below minimumRequests, even at 100% failures',
      config: rate,
      steps: [...calls(9, 0, 'fail')],
      expect: { state: 'closed', transitions: [] },
    },
    {
      desc: 'does not open below the rate (40%)',
      config: rate,
      steps: [...calls(6, 0, 'ok'), ...calls(4, 0, 'fail'), ...calls(30, 1000, 'ok'), ...calls(20, 1500, 'fail')],
      expect: { state: 'closed', transitions: [] },
    },
    {
      desc: 'opens exactly at the threshold (>=), checked on a success too',
      config: rate,
      steps: [...calls(5, 0, 'fail'), ...calls(4, 10, 'ok'), [10, ['state', 'closed']], ...calls(1, 20, 'ok')],
      expect: { state: 'open', transitions: ['closed->open@20'] },
    },
    {
      desc: 'default minimumRequests is 20',
      config: { failureThreshold: 1000, failureRateThreshold: 50 },
      steps: [...calls(10, 0, 'fail'), ...calls(9, 0, 'ok'), [0, ['state', 'closed']], ...calls(1, 0, 'fail')],
      expect: { state: 'open' },
    },
    {
      desc: 'failures still inside the window count (t = 9.999 s: 9 of 10 failed)',
      config: rate,
      steps: [...calls(9, 0, 'fail'), ...calls(1, 9999, 'ok')],
      expect: { state: 'open', transitions: ['closed->open@9999'] },
    },
    {
      desc: 'the window slides: failures older than windowSeconds age out (t = 10 s)',
      config: rate,
      steps: [...calls(9, 0, 'fail'), ...calls(1, 10_000, 'ok'), [10_000, ['state', 'closed']], ...calls(8, 10_500, 'ok')],
      expect: { state: 'closed', transitions: [] },
    },
    {
      desc: 'the window slides bucket by bucket: the oldest second ages out as a new one starts',
      config: rate,
      steps: [...calls(5, 0, 'fail'), ...calls(1, 5000, 'ok'), ...calls(4, 10_000, 'ok'), [10_000, ['state', 'closed']], ...calls(4, 12_000, 'fail'), ...calls(1, 12_000, 'ok')],
      expect: { state: 'closed', transitions: [] },
    },
    {
      desc: 'aged-out successes no longer dilute the rate',
      config: rate,
      steps: [...calls(9, 0, 'ok'), ...calls(1, 5000, 'ok'), ...calls(8, 10_000, 'fail'), [10_000, ['state', 'closed']], ...calls(1, 10_000, 'fail')],
      expect: { state: 'open', transitions: ['closed->open@10000'] },
    },
    {
      desc: 'after a long idle gap the whole window is empty',
      config: rate,
      steps: [...calls(9, 0, 'fail'), ...calls(9, 500_000, 'fail'), ...calls(1, 1_000_000, 'fail')],
      expect: { state: 'closed', transitions: [] },
    },
    {
      desc: 'consecutive failures still open it in failure-rate mode',
      config: { ...rate, failureThreshold: 3 },
      steps: [...calls(3, 0, 'fail')],
      expect: { state: 'open', transitions: ['closed->open@0'] },
    },
    {
      desc: 'cancels do not count toward the window total',
      config: rate,
      steps: [...calls(9, 0, 'fail'), [0, ['acquire', true]], [0, 'cancel'], [0, ['acquire', true]], [0, 'cancel']],
      expect: { state: 'closed', transitions: [] },
    },
    {
      desc: 'closing resets the window: old failures do not reopen it',
      config: { ...rate, timeoutSeconds: 1 },
      steps: [...calls(10, 0, 'fail'), [0, ['state', 'open']], ...calls(1, 1000, 'ok'), [1000, ['state', 'closed']], ...calls(5, 1100, 'ok'), ...calls(4, 1200, 'fail')],
      expect: { state: 'closed', transitions: ['closed->open@0', 'open->half-open@1000', 'half-open->closed@1000'] },
    },
  ]);

  it('a fractional window uses whole 1 s buckets (2.5 s -> 3 buckets)', () => {
    const b = new CircuitBreaker('x', breakerSettings({ failureThreshold: 1000, failureRateThreshold: 100, minimumRequests: 2, windowSeconds: 2.5 }), null);
    b.onFailure(0);
    b.onFailure(2999); // second 2: second 0 is still in a 3-bucket window
    assert.equal(b.state, 'open');
    const c = new CircuitBreaker('y', breakerSettings({ failureThreshold: 1000, failureRateThreshold: 100, minimumRequests: 2, windowSeconds: 2.5 }), null);
    c.onFailure(0);
    c.onFailure(3000); // second 3: second 0 aged out
    assert.equal(c.state, 'closed');
    assert.equal(c.windowTotal, 1);
    assert.equal(c.windowFailures, 1);
  });
});

describe('circuit breaker: settings', () => {
  it('defaults', () => {
    assert.deepEqual(breakerSettings({}), {
      failureThreshold: 5,
      openMs: 30_000,
      halfOpenRequests: 1,
      failureRateThreshold: null,
      windowMs: 10_000,
      minimumRequests: 20,
    });
  });
  it('maps every key, seconds to ms', () => {
    const s = breakerSettings({ failureThreshold: 2, timeoutSeconds: 1.1, halfOpenRequests: 3, failureRateThreshold: 25, windowSeconds: 60, minimumRequests: 7, scope: 'endpoint' });
    assert.deepEqual(s, { failureThreshold: 2, openMs: 1100, halfOpenRequests: 3, failureRateThreshold: 25, windowMs: 60_000, minimumRequests: 7 });
    assert.ok(Object.isFrozen(s));
  });
  it('the rate window is off without failureRateThreshold', () => {
    const b = new CircuitBreaker('x', breakerSettings({ failureThreshold: 1000 }), null);
    for (let i = 0; i < 100; i++) b.onFailure(i);
    assert.equal(b.state, 'closed');
    assert.equal(b.windowTotal, 0);
  });
});

describe('circuit breaker: registry', () => {
  const s1 = breakerSettings({ failureThreshold: 1 });
  it('keeps a breaker and its state across reloads when settings are unchanged', () => {
    const reg = new BreakerRegistry();
    const a = reg.get('service:orders', s1, null);
    a.onFailure(0);
    assert.equal(a.state, 'open');
    const seen: string[] = [];
    const again = reg.get('service:orders', breakerSettings({ failureThreshold: 1 }), (_b, from, to) => seen.push(`${from}->${to}`));
    assert.equal(again, a);
    assert.equal(again.state, 'open');
    again.tryAcquire(30_000);
    assert.deepEqual(seen, ['open->half-open'], 'the new listener is used');
  });
  it('a settings change gives a fresh, closed breaker', () => {
    const reg = new BreakerRegistry();
    const a = reg.get('service:orders', s1, null);
    a.onFailure(0);
    const b = reg.get('service:orders', breakerSettings({ failureThreshold: 1, timeoutSeconds: 5 }), null);
    assert.notEqual(b, a);
    assert.equal(b.state, 'closed');
    assert.equal(b.name, 'service:orders');
  });
  it('retain forgets unused keys; all lists the rest', () => {
    const reg = new BreakerRegistry();
    reg.get('service:a', s1, null);
    reg.get('service:b', s1, null);
    reg.get('route:3|service:b|endpoint:127.0.0.1:9001', s1, null);
    reg.retain(new Set(['service:b', 'route:3|service:b|endpoint:127.0.0.1:9001']));
    assert.deepEqual([...reg.all()].map((b) => b.name).sort(), ['route:3|service:b|endpoint:127.0.0.1:9001', 'service:b']);
    assert.equal(reg.size, 2);
    const fresh = reg.get('service:a', s1, null);
    assert.equal(fresh.state, 'closed');
  });
});
