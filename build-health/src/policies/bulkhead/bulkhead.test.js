import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Bulkhead, bulkheadSettings } from './bulkhead.js';
/** A fake clock for setTimeout/clearTimeout: `advance(ms)` fires due timers in time order. */
class FakeTimers {
    now = 0;
    seq = 0;
    timers = new Map();
    set = ((fn, ms, ...args) => {
        const id = ++this.seq;
        this.timers.set(id, { at: this.now + (ms ?? 0), fn, args });
        return id;
    });
    clear = ((id) => {
        this.timers.delete(id);
    });
    get armed() {
        return this.timers.size;
    }
    advance(ms) {
        const until = this.now + ms;
        for (;;) {
            let next = null;
            for (const e of this.timers)
                if (e[1].at <= until && (next === null || e[1].at < next[1].at))
                    next = e;
            if (next === null)
                break;
            this.timers.delete(next[0]);
            this.now = next[1].at;
            next[1].fn(...next[1].args);
        }
        this.now = until;
    }
}
function run(cases) {
    for (const c of cases) {
        it(c.desc, () => {
            const t = new FakeTimers();
            const b = new Bulkhead(c.config.maxConcurrent, c.config.maxPending, c.config.queueTimeoutMs, t.set, t.clear);
            const results = [];
            const waiters = new Map();
            c.steps.forEach((s, i) => {
                const where = `step ${i} ${JSON.stringify(s)}`;
                if (s === 'acquire')
                    assert.equal(b.tryAcquire(), true, where);
                else if (s === 'reject')
                    assert.equal(b.tryAcquire(), false, where);
                else if (s === 'release')
                    b.release();
                else if (s[0] === 'advance')
                    t.advance(s[1]);
                else if (s[0] === 'seen')
                    assert.equal(results.length, s[1], `${where}: ${results.join(',')}`);
                else if (s[0] === 'cancel')
                    b.cancel(waiters.get(s[1]));
                else {
                    const name = s[1];
                    const w = b.enqueue((granted) => results.push(`${name}:${granted}`));
                    if (s[0] === 'full')
                        assert.equal(w, null, where);
                    else {
                        assert.notEqual(w, null, where);
                        waiters.set(name, w);
                    }
                }
                assert.ok(b.active >= 0 && b.pending >= 0, `${where}: counters never negative`);
                assert.ok(b.active <= c.config.maxConcurrent, `${where}: active within the limit`);
            });
            assert.deepEqual(results, c.expect.results);
            assert.equal(b.active, c.expect.active, 'active');
            assert.equal(b.pending, c.expect.pending, 'pending');
            if (c.expect.timersArmed !== undefined)
                assert.equal(t.armed, c.expect.timersArmed, 'timers armed');
        });
    }
}
describe('bulkhead', () => {
    const cfg = { maxConcurrent: 2, maxPending: 2, queueTimeoutMs: 100 };
    run([
        {
            desc: 'admits up to maxConcurrent, then refuses',
            config: cfg,
            steps: ['acquire', 'acquire', 'reject', 'reject'],
            expect: { results: [], active: 2, pending: 0 },
        },
        {
            desc: 'release with no waiters frees a slot; extra releases never go negative',
            config: cfg,
            steps: ['acquire', 'acquire', 'release', 'acquire', 'release', 'release', 'release', 'release', 'acquire'],
            expect: { results: [], active: 1, pending: 0 },
        },
        {
            desc: 'release hands the slot to the oldest waiter (FIFO), synchronously',
            config: { maxConcurrent: 1, maxPending: 3, queueTimeoutMs: 100 },
            steps: ['acquire', ['enqueue', 'a'], ['enqueue', 'b'], ['enqueue', 'c'], ['seen', 0], 'release', ['seen', 1], 'reject', 'release', 'release', ['seen', 3], 'release'],
            expect: { results: ['a:true', 'b:true', 'c:true'], active: 0, pending: 0, timersArmed: 0 },
        },
        {
            desc: 'a handed-over slot stays taken: a newcomer gets none',
            config: { maxConcurrent: 1, maxPending: 1, queueTimeoutMs: 100 },
            steps: ['acquire', ['enqueue', 'a'], 'reject', 'release', 'reject'],
            expect: { results: ['a:true'], active: 1, pending: 0 },
        },
        {
            desc: 'queue full -> null at once, and its callback is never called',
            config: cfg,
            steps: ['acquire', 'acquire', ['enqueue', 'a'], ['enqueue', 'b'], ['full', 'c'], ['advance', 1000]],
            expect: { results: ['a:false', 'b:false'], active: 2, pending: 0 },
        },
        {
            desc: 'maxPending 0: overflow is refused at once',
            config: { maxConcurrent: 1, maxPending: 0, queueTimeoutMs: 100 },
            steps: ['acquire', ['full', 'a']],
            expect: { results: [], active: 1, pending: 0 },
        },
        {
            desc: 'a waiter times out after queueTimeoutMs, not before',
            config: cfg,
            steps: [
                'acquire',
                'acquire',
                ['enqueue', 'a'],
                ['advance', 50],
                ['enqueue', 'b'],
                ['advance', 49],
                ['seen', 0],
                ['advance', 1],
                ['seen', 1],
                ['advance', 49],
                ['seen', 1],
                ['advance', 1],
            ],
            expect: { results: ['a:false', 'b:false'], active: 2, pending: 0, timersArmed: 0 },
        },
        {
            desc: 'a timed-out waiter is not handed a slot later',
            config: { maxConcurrent: 1, maxPending: 1, queueTimeoutMs: 100 },
            steps: ['acquire', ['enqueue', 'a'], ['advance', 100], 'release', 'acquire'],
            expect: { results: ['a:false'], active: 1, pending: 0 },
        },
        {
            desc: 'a granted waiter does not time out later',
            config: { maxConcurrent: 1, maxPending: 1, queueTimeoutMs: 100 },
            steps: ['acquire', ['enqueue', 'a'], ['advance', 60], 'release', ['advance', 1000]],
            expect: { results: ['a:true'], active: 1, pending: 0, timersArmed: 0 },
        },
        {
            desc: 'cancel removes a waiter: no callback, no slot, its timer stops',
            config: { maxConcurrent: 1, maxPending: 3, queueTimeoutMs: 100 },
            steps: ['acquire', ['enqueue', 'a'], ['enqueue', 'b'], ['enqueue', 'c'], ['cancel', 'b'], 'release', 'release', ['advance', 1000]],
            expect: { results: ['a:true', 'c:true'], active: 1, pending: 0, timersArmed: 0 },
        },
        {
            desc: 'cancel of the head and of the tail keeps the queue linked',
            config: { maxConcurrent: 1, maxPending: 3, queueTimeoutMs: 100 },
            steps: ['acquire', ['enqueue', 'a'], ['enqueue', 'b'], ['enqueue', 'c'], ['cancel', 'a'], ['cancel', 'c'], ['enqueue', 'd'], 'release', 'release', 'release'],
            expect: { results: ['b:true', 'd:true'], active: 0, pending: 0 },
        },
        {
            desc: 'cancel frees queue room; cancelling twice or after a grant is a no-op',
            config: { maxConcurrent: 1, maxPending: 1, queueTimeoutMs: 100 },
            steps: ['acquire', ['enqueue', 'a'], ['full', 'x'], ['cancel', 'a'], ['cancel', 'a'], ['enqueue', 'b'], 'release', ['cancel', 'b']],
            expect: { results: ['b:true'], active: 1, pending: 0 },
        },
        {
            desc: 'enqueue with a free slot and an empty queue grants at once',
            config: cfg,
            steps: [['enqueue', 'a'], 'acquire', 'reject'],
            expect: { results: ['a:true'], active: 2, pending: 0, timersArmed: 0 },
        },
    ]);
    it('a waiter may release from inside its callback: the slot goes to the next one', () => {
        const t = new FakeTimers();
        const b = new Bulkhead(1, 2, 100, t.set, t.clear);
        const got = [];
        assert.ok(b.tryAcquire());
        b.enqueue((g) => {
            got.push(`a:${g}`);
            b.release(); // a's request failed at once
        });
        b.enqueue((g) => got.push(`b:${g}`));
        b.release();
        assert.deepEqual(got, ['a:true', 'b:true']);
        assert.equal(b.active, 1);
        assert.equal(b.pending, 0);
    });
    it('cancel ignores a waiter of another bulkhead', () => {
        const t = new FakeTimers();
        const a = new Bulkhead(1, 1, 100, t.set, t.clear);
        const b = new Bulkhead(1, 1, 100, t.set, t.clear);
        a.tryAcquire();
        b.tryAcquire();
        const w = a.enqueue(() => { });
        b.cancel(w);
        assert.equal(a.pending, 1);
        assert.equal(b.pending, 0);
    });
    it('works with the real timers', async () => {
        const b = new Bulkhead(1, 1, 20);
        b.tryAcquire();
        const granted = await new Promise((resolve) => b.enqueue(resolve));
        assert.equal(granted, false);
        assert.equal(b.pending, 0);
    });
    it('settings from the service config', () => {
        assert.equal(bulkheadSettings({ endpoints: ['a:1'] }), null);
        assert.deepEqual(bulkheadSettings({ endpoints: ['a:1'], maxConcurrentRequests: 10 }), { maxConcurrent: 10, maxPending: 0, queueTimeoutMs: 1000 });
        assert.deepEqual(bulkheadSettings({ endpoints: ['a:1'], maxConcurrentRequests: 10, maxPendingRequests: 5, queueTimeoutMs: 250 }), {
            maxConcurrent: 10,
            maxPending: 5,
            queueTimeoutMs: 250,
        });
    });
});
//# sourceMappingURL=bulkhead.test.js.map