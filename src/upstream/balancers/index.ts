import type { LoadBalancerConfig } from '../../config/schema/index.js';
import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
import { LeastRequestBalancer } from './least-request.js';
import { MaglevBalancer } from './maglev.js';
import { RandomBalancer } from './random.js';
import { RingHashBalancer } from './ring-hash.js';
import { RoundRobinBalancer } from './round-robin.js';

export type { Balancer } from './balancer.js';
export { LeastRequestBalancer } from './least-request.js';
export { MaglevBalancer } from './maglev.js';
export { RandomBalancer } from './random.js';
export { RingHashBalancer } from './ring-hash.js';
export { RoundRobinBalancer } from './round-robin.js';
export { seededRandom, type RandomSource } from '../../util/random.js';

type BalancerFactory = (endpoints: readonly Endpoint[], config: LoadBalancerConfig) => Balancer;

/** The one table of balancers: config name -> constructor. Built once per config version. */
const BALANCERS: Readonly<Record<string, BalancerFactory>> = Object.freeze({
  'round-robin': (endpoints) => new RoundRobinBalancer(endpoints),
  weighted: (endpoints) => new RoundRobinBalancer(endpoints),
  'least-request': (endpoints) => new LeastRequestBalancer(endpoints),
  random: (endpoints) => new RandomBalancer(endpoints),
  'consistent-hash': (endpoints, config) =>
    typeof config === 'object' && config.algorithm === 'maglev' ? new MaglevBalancer(endpoints) : new RingHashBalancer(endpoints),
});

/** The balancer names `createBalancer` accepts (for docs and the admin view). */
export const BALANCER_TYPES: readonly string[] = Object.freeze(Object.keys(BALANCERS));

export function createBalancer(config: LoadBalancerConfig, endpoints: readonly Endpoint[]): Balancer {
  const type = typeof config === 'string' ? config : config.type;
  if (!Object.hasOwn(BALANCERS, type)) throw new Error(`unknown load balancer "${type}"`);
  return BALANCERS[type]!(endpoints, config);
}
