import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
import { RoundRobinBalancer } from './round-robin.js';

export type { Balancer } from './balancer.js';

/** The one table of balancers: config name -> constructor. */
const BALANCERS: Record<string, (endpoints: readonly Endpoint[]) => Balancer> = {
  'round-robin': (endpoints) => new RoundRobinBalancer(endpoints),
};

export function createBalancer(type: string, endpoints: readonly Endpoint[]): Balancer {
  const make = BALANCERS[type];
  if (!make) throw new Error(`unknown load balancer "${type}"`);
  return make(endpoints);
}
