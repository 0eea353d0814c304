import type { Endpoint } from '../endpoint.js';
/** Shared by the ring and Maglev balancers. */
/** Both store endpoint indices in a Uint16Array. */
export declare const MAX_HASH_ENDPOINTS = 65535;
/**
 * Endpoint indices ordered by address (then by position): both builds walk endpoints in this
 * order, so the mapping does not depend on the order the config lists them in.
 */
export declare function indicesByAddress(endpoints: readonly Endpoint[]): number[];
/**
 * What `pick` answers when no endpoint other than `exclude` is available: `exclude` when it is
 * available (the Balancer contract: a retry on the same endpoint beats none), else null. Returns
 * undefined when some other endpoint is available, so a fallback search is sure to end.
 *
 * Hot path (taken only when the first choice is out), change with care: O(endpoints), no allocation.
 */
export declare function answerWithoutCandidates(endpoints: readonly Endpoint[], exclude: Endpoint | null): Endpoint | null | undefined;
/**
 * The fallback when the endpoint a key maps to is out or excluded: walk on from `start` (ring
 * position or table slot) to the first slot whose endpoint is a candidate. Only the keys of the
 * endpoint that is out move; keys of the other endpoints stay where they are. Call it only after
 * `answerWithoutCandidates` returned undefined (some candidate exists).
 *
 * Hot path (taken only when the first choice is out), change with care: no allocation.
 */
export declare function walkToCandidate(endpoints: readonly Endpoint[], owners: Uint16Array, start: number, exclude: Endpoint | null): Endpoint | null;
