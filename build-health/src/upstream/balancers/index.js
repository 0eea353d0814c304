import { LeastRequestBalancer } from './least-request.js';
import { MaglevBalancer } from './maglev.js';
import { RandomBalancer } from './random.js';
import { RingHashBalancer } from './ring-hash.js';
import { RoundRobinBalancer } from './round-robin.js';
export { LeastRequestBalancer } from './least-request.js';
export { MaglevBalancer } from './maglev.js';
export { RandomBalancer } from './random.js';
export { RingHashBalancer } from './ring-hash.js';
export { RoundRobinBalancer } from './round-robin.js';
export { seededRandom } from './rng.js';
/** The one table of balancers: config name -> constructor. Built once per config version. */
const BALANCERS = Object.freeze({
    'round-robin': (endpoints) => new RoundRobinBalancer(endpoints),
    weighted: (endpoints) => new RoundRobinBalancer(endpoints),
    'least-request': (endpoints) => new LeastRequestBalancer(endpoints),
    random: (endpoints) => new RandomBalancer(endpoints),
    'consistent-hash': (endpoints, config) => typeof config === 'object' && config.algorithm === 'maglev' ? new MaglevBalancer(endpoints) : new RingHashBalancer(endpoints),
});
/** The balancer names `createBalancer` accepts (for docs and the admin view). */
export const BALANCER_TYPES = Object.freeze(Object.keys(BALANCERS));
export function createBalancer(config, endpoints) {
    const type = typeof config === 'string' ? config : config.type;
    if (!Object.hasOwn(BALANCERS, type))
        throw new Error(`unknown load balancer "${type}"`);
    return BALANCERS[type](endpoints, config);
}
//# sourceMappingURL=index.js.map