import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pino } from 'pino';
import type { OutlierDetectionConfig } from '../../config/schema/index.js';
import { EndpointState } from '../endpoint-state.js';
import { createOutlierDetector, OutlierDetector, OutlierSweeper } from './outlier.js';

/** A detector over `n` fresh endpoint states, logging into `events`. */
function setup(n: number, cfg: OutlierDetectionConfig = {}) {
  const events: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => events.push(JSON.parse(line) as Record<string, unknown>) });
  const states = Array.from({ length: n }, (_, i) => new EndpointState('svc', `10.0.0.${i + 1}:80`));
  const detector = new OutlierDetector('svc', { consecutiveFailures: 3, intervalMs: 1000, baseEjectionMs: 10_000, maxEjectionPercent: 50, ...cfg }, states, logger);
  const fail = (s: EndpointState, times: number, now: number) => {
    for (let i = 0; i < times; i++) detector.onFailure(s, now);
  };
  return { detector, states, events, fail };
}

describe('outlier detection', () => {
  it('is null when the service has no outlierDetection, with Envoy defaults otherwise', () => {
    assert.equal(createOutlierDetector('svc', undefined, [], null), null);
    const d = createOutlierDetector('svc', {}, [], null)!;
    assert.deepEqual([d.consecutiveFailures, d.intervalMs, d.baseEjectionMs, d.maxEjectionPercent], [5, 10_000, 30_000, 10]);
  });

  it('ejects after N consecutive failures; a success resets the run', () => {
    const { detector, states: [a, b], events, fail } = setup(2);
    fail(a!, 2, 0);
    detector.onSuccess(a!);
    fail(a!, 2, 0);
    assert.equal(a!.ejected, false, 'a success in between: no run of 3');
    assert.equal(a!.consecutiveFailures, 2);
    detector.onFailure(a!, 500);
    assert.equal(a!.ejected, true);
    assert.equal(a!.available, false);
    assert.equal(a!.ejectedUntil, 500 + 10_000);
    assert.equal(a!.ejectionCount, 1);
    assert.equal(a!.consecutiveFailures, 0);
    assert.equal(b!.ejected, false);
    const ev = events.find((e) => e.event === 'outlier_ejection')!;
    assert.deepEqual([ev.service, ev.address, ev.ejectionMs, ev.ejectionCount], ['svc', a!.address, 10_000, 1]);
  });

  it('failures on an ejected endpoint (late answers) neither count nor extend the ejection', () => {
    const { detector, states: [a], fail } = setup(2);
    fail(a!, 3, 0);
    fail(a!, 10, 100);
    assert.equal(a!.ejectedUntil, 10_000);
    assert.equal(a!.ejectionCount, 1);
    assert.equal(a!.consecutiveFailures, 0);
    assert.equal(detector.ejections, 1);
  });

  it('returns an endpoint at the first sweep after its ejection ends', () => {
    const { detector, states: [a], events, fail } = setup(2);
    fail(a!, 3, 0);
    detector.sweep(9_999);
    assert.equal(a!.ejected, true);
    detector.sweep(10_000);
    assert.equal(a!.ejected, false);
    assert.equal(a!.available, true);
    assert.ok(events.some((e) => e.event === 'outlier_return' && e.address === a!.address));
  });

  it('ejection time grows 1x, 2x, 3x with repeated ejections, capped at 300 s', () => {
    const { detector, states: [a], fail } = setup(2);
    let now = 0;
    const lengths: number[] = [];
    for (let i = 0; i < 4; i++) {
      fail(a!, 3, now);
      lengths.push(a!.ejectedUntil - now);
      now = a!.ejectedUntil;
      detector.sweep(now); // returns it; re-fails at once, before any decay
    }
    assert.deepEqual(lengths, [10_000, 20_000, 30_000, 40_000]);
    const capped = setup(2, { baseEjectionMs: 200_000 });
    now = 0;
    const capLengths: number[] = [];
    for (let i = 0; i < 3; i++) {
      capped.fail(capped.states[0]!, 3, now);
      capLengths.push(capped.states[0]!.ejectedUntil - now);
      now = capped.states[0]!.ejectedUntil;
      capped.detector.sweep(now);
    }
    assert.deepEqual(capLengths, [200_000, 300_000, 300_000]);
    assert.equal(capped.states[0]!.ejectionCount, 2, 'the multiplier stops growing at the cap');
  });

  it('decays the ejection count by one per interval spent back in the rotation', () => {
    const { detector, states: [a], fail } = setup(2, { intervalMs: 1000, baseEjectionMs: 5000 });
    detector.sweep(0);
    fail(a!, 3, 0); // count 1, until 5000
    detector.sweep(5000); // back
    fail(a!, 3, 5000); // count 2, until 15000
    detector.sweep(15_000); // back at 15000
    assert.equal(a!.ejectionCount, 2);
    detector.sweep(15_500);
    assert.equal(a!.ejectionCount, 2, 'half an interval: no decay');
    detector.sweep(16_000);
    assert.equal(a!.ejectionCount, 1, 'one interval back: one step');
    detector.sweep(16_500);
    assert.equal(a!.ejectionCount, 1, 'at most one step per interval');
    detector.sweep(17_000);
    assert.equal(a!.ejectionCount, 0);
    detector.sweep(18_000);
    assert.equal(a!.ejectionCount, 0);
    fail(a!, 3, 18_000);
    assert.equal(a!.ejectedUntil - 18_000, 5000, 'fully decayed: back to the base time');
  });

  it('an endpoint still ejected does not decay', () => {
    const { detector, states: [a], fail } = setup(2, { intervalMs: 1000, baseEjectionMs: 5000 });
    detector.sweep(0);
    fail(a!, 3, 0);
    for (let t = 1000; t < 5000; t += 1000) detector.sweep(t);
    assert.equal(a!.ejectionCount, 1);
    assert.equal(a!.ejected, true);
  });

  it('honours maxEjectionPercent, allowing one ejection whatever the value', () => {
    // 10 endpoints, 20 %: two may be ejected at once, not three.
    const { detector, states, events, fail } = setup(10, { maxEjectionPercent: 20 });
    fail(states[0]!, 3, 0);
    fail(states[1]!, 3, 0);
    fail(states[2]!, 3, 0);
    assert.deepEqual(states.slice(0, 3).map((s) => s.ejected), [true, true, false]);
    assert.equal(detector.refusals, 1);
    assert.ok(events.some((e) => e.event === 'outlier_ejection_refused' && e.reason === 'max-ejection-percent'));
    assert.equal(states[2]!.consecutiveFailures, 0, 'a refused ejection starts the run over (as Envoy)');
    // Once one returns, the next run of failures ejects the third.
    detector.sweep(10_000);
    fail(states[2]!, 3, 10_000);
    assert.equal(states[2]!.ejected, true);

    // The default 10 % with 3 endpoints: one ejection (the "at least one" rule), not two.
    const small = setup(3, { maxEjectionPercent: 10 });
    small.fail(small.states[0]!, 3, 0);
    small.fail(small.states[1]!, 3, 0);
    assert.deepEqual(small.states.map((s) => s.ejected), [true, false, false]);
  });

  it('maxEjectionPercent 0 turns ejection off', () => {
    const { states: [a], events, fail } = setup(4, { maxEjectionPercent: 0 });
    fail(a!, 3, 0);
    assert.equal(a!.ejected, false);
    assert.ok(events.some((e) => e.event === 'outlier_ejection_refused' && e.reason === 'disabled'));
  });

  it('never ejects the last available endpoint, even at 100 %', () => {
    const { states: [a, b, c], events, fail } = setup(3, { maxEjectionPercent: 100 });
    fail(a!, 3, 0);
    fail(b!, 3, 0);
    fail(c!, 3, 0);
    assert.deepEqual([a!.ejected, b!.ejected, c!.ejected], [true, true, false]);
    assert.ok(events.some((e) => e.event === 'outlier_ejection_refused' && e.reason === 'last-available-endpoint' && e.address === c!.address));
  });

  it('counts endpoints taken out by active health checks as unavailable', () => {
    const { states: [a, b], fail } = setup(2, { maxEjectionPercent: 100 });
    b!.healthy = false;
    fail(a!, 3, 0);
    assert.equal(a!.ejected, false, 'b is unhealthy: a is the last available endpoint');
    b!.healthy = true;
    fail(a!, 3, 0);
    assert.equal(a!.ejected, true);
  });

  it('a single-endpoint service is never ejected', () => {
    const { states: [a], fail } = setup(1, { maxEjectionPercent: 100 });
    fail(a!, 30, 0);
    assert.equal(a!.ejected, false);
  });

  it('state outlives the detector: a new config version sees the ejection and returns it', () => {
    const { states, fail } = setup(2);
    fail(states[0]!, 3, 0);
    const next = new OutlierDetector('svc', { intervalMs: 1000 }, states, null);
    assert.equal(next.ejectedCount, 1);
    next.sweep(10_000);
    assert.equal(states[0]!.ejected, false);
  });

  it('the sweeper ticks at the shortest interval and stops', () => {
    const sweeper = new OutlierSweeper(() => 0);
    const a = createOutlierDetector('a', { intervalMs: 500 }, [], null);
    const b = createOutlierDetector('b', { intervalMs: 200 }, [], null);
    sweeper.setDetectors([a, null, b]);
    assert.equal(sweeper.intervalMs, 0, 'not started: no timer');
    sweeper.start();
    assert.equal(sweeper.intervalMs, 200);
    sweeper.setDetectors([a]);
    assert.equal(sweeper.intervalMs, 500);
    sweeper.setDetectors([]);
    assert.equal(sweeper.intervalMs, 0);
    sweeper.setDetectors([b]);
    sweeper.stop();
    assert.equal(sweeper.intervalMs, 0);
  });

  it('the sweeper returns expired ejections on its timer', async () => {
    const states = [new EndpointState('svc', 'a:1'), new EndpointState('svc', 'b:1')];
    const d = createOutlierDetector('svc', { consecutiveFailures: 1, intervalMs: 20, baseEjectionMs: 30 }, states, null)!;
    const sweeper = new OutlierSweeper();
    sweeper.setDetectors([d]);
    sweeper.start();
    try {
      d.onFailure(states[0]!, Date.now());
      assert.equal(states[0]!.ejected, true);
      const deadline = Date.now() + 2000;
      while (states[0]!.ejected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      assert.equal(states[0]!.ejected, false);
    } finally {
      sweeper.stop();
    }
  });
});
