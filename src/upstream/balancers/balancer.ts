import type { Endpoint } from '../endpoint.js';

/**
 * The seam every load balancer implements: pick one endpoint for a request, or null when none
 * is available. `exclude` lets a retry ask for a different endpoint than the one that failed.
 */
export interface Balancer {
  pick(exclude: Endpoint | null): Endpoint | null;
}
