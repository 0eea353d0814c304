import type { LoadBalancerConfig } from '../../config/schema/index.js';
import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
import { RoundRobinBalancer } from './round-robin.js';

export type { Balancer } from './balancer.js';

/** The one table of balancers: config name -> constructor. */
const BALANCERS: Record<string, (endpoints: readonly Endpoint[], config: LoadBalancerConfig) => Balancer> = {
  'round-robin': (endpoints) => new RoundRobinBalancer(endpoints),
  weighted: (endpoints) => new RoundRobinBalancer(endpoints),
};

export function createBalancer(config: LoadBalancerConfig, endpoints: readonly Endpoint[]): Balancer {
  const type = typeof config === 'string' ? config : config.type;
  const make = BALANCERS[type];
  if (!make) throw new Error(`unknown load balancer "${type}"`);
  return make(endpoints, config);
}
