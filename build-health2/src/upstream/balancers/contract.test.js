import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createBalancer } from './index.js';
import { makeEndpoints, numberedEndpoints, setAvailable } from './testing.js';
const KINDS = [
    { label: 'round-robin', config: 'round-robin', hashKeys: [null] },
    { label: 'weighted', config: 'weighted', hashKeys: [null] },
    { label: 'least-request', config: 'least-request', hashKeys: [null] },
    { label: 'random', config: 'random', hashKeys: [null] },
    { label: 'consistent-hash ring', config: { type: 'consistent-hash', key: 'header:x-user' }, hashKeys: ['user-1', 'user-2', null] },
    { label: 'consistent-hash maglev', config: { type: 'consistent-hash', key: 'header:x-user', algorithm: 'maglev' }, hashKeys: ['user-1', 'user-2', null] },
];
const WEIGHTINGS = [
    { label: 'equal weights', weights: [1, 1, 1, 1] },
    { label: 'weights 1:2:3:4', weights: [1, 2, 3, 4] },
];
const CASES = [
    { desc: 'all available: any endpoint', out: [], exclude: null, allowed: [0, 1, 2, 3] },
    { desc: 'unavailable endpoints are skipped', out: [0, 2], exclude: null, allowed: [1, 3] },
    { desc: 'the excluded endpoint is avoided when another is available', out: [], exclude: 3, allowed: [0, 1, 2] },
    { desc: 'exclude and unavailable together', out: [0, 1], exclude: 2, allowed: [3] },
    { desc: 'the excluded endpoint is returned when it is the only available one', out: [0, 1, 3], exclude: 2, allowed: [2] },
    { desc: 'all unavailable: null', out: [0, 1, 2, 3], exclude: null, allowed: null },
    { desc: 'all unavailable and one excluded: null', out: [0, 1, 2, 3], exclude: 1, allowed: null },
    { desc: 'the only available endpoint is returned', out: [1, 2, 3], exclude: null, allowed: [0] },
];
const PICKS = 400;
for (const kind of KINDS) {
    describe(`balancer contract: ${kind.label}`, () => {
        for (const weighting of WEIGHTINGS) {
            for (const c of CASES) {
                it(`${weighting.label}: ${c.desc}`, () => {
                    const endpoints = numberedEndpoints(4, weighting.weights);
                    for (const i of c.out)
                        setAvailable(endpoints[i], false);
                    const exclude = c.exclude === null ? null : endpoints[c.exclude];
                    const balancer = createBalancer(kind.config, endpoints);
                    const seen = new Set();
                    for (const key of kind.hashKeys) {
                        for (let p = 0; p < PICKS; p++) {
                            const got = balancer.pick(exclude, key === null ? null : `${key}-${p}`);
                            if (c.allowed === null) {
                                assert.equal(got, null);
                                continue;
                            }
                            assert.ok(got !== null, 'expected an endpoint, got null');
                            const index = endpoints.indexOf(got);
                            assert.ok(c.allowed.includes(index), `picked ${got.address} (index ${index}), allowed ${c.allowed.join(',')}`);
                            seen.add(index);
                        }
                    }
                    // Every allowed endpoint is reachable (all of them get picks, or keys, in 400+ tries),
                    // except for least-request, which prefers the one with fewer requests: all are at 0 here,
                    // so with unequal weights the heaviest candidate always wins.
                    if (c.allowed !== null && !(kind.config === 'least-request' && weighting.weights[0] !== weighting.weights[1])) {
                        assert.deepEqual([...seen].sort(), [...c.allowed].sort());
                    }
                });
            }
        }
        it('no endpoints: null', () => {
            const balancer = createBalancer(kind.config, []);
            for (const key of kind.hashKeys)
                assert.equal(balancer.pick(null, key), null);
        });
        it('one endpoint: returned even when excluded, null when unavailable', () => {
            const [only] = makeEndpoints(['only:1']);
            const balancer = createBalancer(kind.config, [only]);
            for (const key of kind.hashKeys) {
                assert.equal(balancer.pick(null, key), only);
                assert.equal(balancer.pick(only, key), only);
                setAvailable(only, false);
                assert.equal(balancer.pick(null, key), null);
                assert.equal(balancer.pick(only, key), null);
                setAvailable(only, true);
            }
        });
        it('an excluded endpoint of another service (or version) is never returned', () => {
            const endpoints = numberedEndpoints(2);
            const [foreign] = makeEndpoints(['10.9.9.9:1']);
            const balancer = createBalancer(kind.config, endpoints);
            for (const e of endpoints)
                setAvailable(e, false);
            for (const key of kind.hashKeys)
                assert.equal(balancer.pick(foreign, key), null);
        });
        it('an endpoint that comes back is picked again', () => {
            const endpoints = numberedEndpoints(3);
            const balancer = createBalancer(kind.config, endpoints);
            for (const e of endpoints)
                setAvailable(e, false);
            for (const key of kind.hashKeys)
                assert.equal(balancer.pick(null, key), null);
            setAvailable(endpoints[1], true);
            for (const key of kind.hashKeys)
                assert.equal(balancer.pick(null, key), endpoints[1]);
        });
    });
}
describe('createBalancer', () => {
    it('rejects an unknown type, including inherited property names', () => {
        const endpoints = numberedEndpoints(2);
        assert.throws(() => createBalancer('fastest', endpoints), /unknown load balancer "fastest"/);
        assert.throws(() => createBalancer('constructor', endpoints), /unknown load balancer "constructor"/);
    });
});
//# sourceMappingURL=contract.test.js.map