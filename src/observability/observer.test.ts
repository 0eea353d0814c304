import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../dataplane/context.js';
import { combineObservers, type RequestObserver } from './observer.js';

describe('combineObservers', () => {
  it('calls every observer once per request, in order, whatever their number', () => {
    const ctx = { id: 'r1' } as unknown as RequestContext;
    assert.equal(combineObservers([null, null]), null);
    for (let n = 1; n <= 4; n++) {
      const calls: string[] = [];
      const observers: Array<RequestObserver | null> = [null];
      for (let i = 0; i < n; i++) observers.push({ requestDone: (c) => calls.push(`${i}:${c.id}`) }, null);
      const one = combineObservers(observers)!;
      one.requestDone(ctx);
      one.requestDone(ctx);
      const once = Array.from({ length: n }, (_, i) => `${i}:r1`);
      assert.deepEqual(calls, [...once, ...once], `${n} observer(s)`);
    }
  });
});
