import type { Endpoint } from '../endpoint.js';
import type { Balancer } from './balancer.js';
/**
 * Helpers for balancer tests and simulations: plain endpoints with their own live state, pick
 * counting and run lengths. No test framework here, so it is safe to import from anywhere.
 */
export type EndpointSpec = string | {
    readonly address: string;
    readonly weight?: number;
};
/** Endpoints named by address (e.g. `a:1`), weight 1 unless given. */
export declare function makeEndpoints(specs: readonly EndpointSpec[], service?: string): Endpoint[];
/** `n` endpoints `10.0.0.<i+1>:8080` with the given weights (or all 1). */
export declare function numberedEndpoints(n: number, weights?: readonly number[]): Endpoint[];
/** Marks an endpoint in or out of the rotation (as health checks would). */
export declare function setAvailable(e: Endpoint, available: boolean): void;
/** The addresses of `picks` consecutive picks (null when the balancer returned none). */
export declare function pickSequence(b: Balancer, picks: number, exclude?: Endpoint | null, hashKey?: string | null): (string | null)[];
/** How often each address was picked, in `picks` picks (every endpoint listed, 0 when never). */
export declare function countPicks(b: Balancer, endpoints: readonly Endpoint[], picks: number, hashKey?: string | null): Map<string, number>;
/** The longest run of `value` in the sequence. */
export declare function maxRun<T>(sequence: readonly T[], value: T): number;
/** Shares in percent, rounded to 0.01, for diagnostics. */
export declare function percentages(counts: ReadonlyMap<string, number>): Record<string, number>;
