import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FaultConfig } from '../../config/schema/resilience.js';
import { CompiledFault } from './fault.js';
import { seededRandom as seeded } from '../../util/random.js';


const DRAWS = 10_000;

interface Case {
  readonly desc: string;
  readonly config: FaultConfig;
  /** Expected share (percent) of delayed and of aborted requests, and the values when they apply. */
  readonly expect: { readonly delayed: number; readonly delayMs?: number; readonly aborted: number; readonly status?: number };
}

const cases: Case[] = [
  { desc: 'no fault configured: nothing', config: {}, expect: { delayed: 0, aborted: 0 } },
  { desc: 'delay, default percentage 100: always', config: { delay: { fixedDelayMs: 250 } }, expect: { delayed: 100, delayMs: 250, aborted: 0 } },
  { desc: 'abort, default percentage 100: always', config: { abort: { httpStatus: 503 } }, expect: { delayed: 0, aborted: 100, status: 503 } },
  { desc: 'delay 0%: never', config: { delay: { fixedDelayMs: 250, percentage: 0 } }, expect: { delayed: 0, aborted: 0 } },
  { desc: 'abort 0%: never', config: { abort: { httpStatus: 500, percentage: 0 } }, expect: { delayed: 0, aborted: 0 } },
  { desc: 'delay 100% explicit: always', config: { delay: { fixedDelayMs: 7, percentage: 100 } }, expect: { delayed: 100, delayMs: 7, aborted: 0 } },
  { desc: 'delay 10%', config: { delay: { fixedDelayMs: 100, percentage: 10 } }, expect: { delayed: 10, delayMs: 100, aborted: 0 } },
  { desc: 'abort 25%', config: { abort: { httpStatus: 429, percentage: 25 } }, expect: { delayed: 0, aborted: 25, status: 429 } },
  { desc: 'abort 0.5%', config: { abort: { httpStatus: 500, percentage: 0.5 } }, expect: { delayed: 0, aborted: 0.5, status: 500 } },
  { desc: 'abort 99.5%', config: { abort: { httpStatus: 500, percentage: 99.5 } }, expect: { delayed: 0, aborted: 99.5, status: 500 } },
  {
    desc: 'delay 50% and abort 30% together',
    config: { delay: { fixedDelayMs: 40, percentage: 50 }, abort: { httpStatus: 502, percentage: 30 } },
    expect: { delayed: 50, delayMs: 40, aborted: 30, status: 502 },
  },
];

describe('fault injection', () => {
  for (const c of cases) {
    it(c.desc, () => {
      const f = new CompiledFault(c.config, seeded(7));
      let delayed = 0;
      let aborted = 0;
      for (let i = 0; i < DRAWS; i++) {
        const d = f.delayMs();
        const s = f.abortStatus();
        if (d !== 0) {
          delayed++;
          assert.equal(d, c.expect.delayMs);
        }
        if (s !== 0) {
          aborted++;
          assert.equal(s, c.expect.status);
        }
      }
      // Binomial sd over 10k draws is at most 0.5 percentage points; allow 3 sd. 0% and 100% are exact.
      const check = (got: number, want: number, what: string): void => {
        const pct = (got * 100) / DRAWS;
        if (want === 0 || want === 100) assert.equal(pct, want, what);
        else {
          const sd = Math.sqrt((want * (100 - want)) / DRAWS);
          assert.ok(Math.abs(pct - want) <= 3 * sd + 0.01, `${what}: ${pct}% vs ${want}% (sd ${sd.toFixed(3)})`);
        }
      };
      check(delayed, c.expect.delayed, 'delayed');
      check(aborted, c.expect.aborted, 'aborted');
    });
  }

  it('delay and abort are decided independently', () => {
    const f = new CompiledFault({ delay: { fixedDelayMs: 1, percentage: 50 }, abort: { httpStatus: 500, percentage: 50 } }, seeded(11));
    let both = 0;
    for (let i = 0; i < DRAWS; i++) if (f.delayMs() !== 0 && f.abortStatus() !== 0) both++;
    // P(both) = 25%: sd 0.43 points.
    assert.ok(Math.abs((both * 100) / DRAWS - 25) < 1.5, `both ${both}`);
  });

  it('0% and 100% do not draw random numbers', () => {
    let draws = 0;
    const random = (): number => {
      draws++;
      return 0.5;
    };
    const f = new CompiledFault({ delay: { fixedDelayMs: 5 }, abort: { httpStatus: 500, percentage: 0 } }, random);
    for (let i = 0; i < 100; i++) {
      assert.equal(f.delayMs(), 5);
      assert.equal(f.abortStatus(), 0);
    }
    assert.equal(draws, 0);
  });

  it('the threshold is strict: a draw of exactly percentage/100 misses', () => {
    assert.equal(new CompiledFault({ abort: { httpStatus: 500, percentage: 50 } }, () => 0.5).abortStatus(), 0);
    assert.equal(new CompiledFault({ abort: { httpStatus: 500, percentage: 50 } }, () => 0.4999).abortStatus(), 500);
  });

  it('a delay of 0 ms is a no-op even when it applies', () => {
    assert.equal(new CompiledFault({ delay: { fixedDelayMs: 0 } }).delayMs(), 0);
  });
});
