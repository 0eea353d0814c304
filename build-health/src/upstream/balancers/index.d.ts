import type { LoadBalancerConfig } from '../../config/schema/index.js';
import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
export type { Balancer } from './balancer.js';
export { LeastRequestBalancer } from './least-request.js';
export { MaglevBalancer } from './maglev.js';
export { RandomBalancer } from './random.js';
export { RingHashBalancer } from './ring-hash.js';
export { RoundRobinBalancer } from './round-robin.js';
export { seededRandom, type RandomSource } from './rng.js';
/** The balancer names `createBalancer` accepts (for docs and the admin view). */
export declare const BALANCER_TYPES: readonly string[];
export declare function createBalancer(config: LoadBalancerConfig, endpoints: readonly Endpoint[]): Balancer;
