/** Shared by the ring and Maglev balancers. */
/** Both store endpoint indices in a Uint16Array. */
export const MAX_HASH_ENDPOINTS = 0xffff;
/**
 * Endpoint indices ordered by address (then by position): both builds walk endpoints in this
 * order, so the mapping does not depend on the order the config lists them in.
 */
export function indicesByAddress(endpoints) {
    if (endpoints.length > MAX_HASH_ENDPOINTS) {
        throw new Error(`consistent-hash: at most ${MAX_HASH_ENDPOINTS} endpoints per service, got ${endpoints.length}`);
    }
    return endpoints
        .map((_, i) => i)
        .sort((a, b) => {
        const x = endpoints[a].address;
        const y = endpoints[b].address;
        return x < y ? -1 : x > y ? 1 : a - b;
    });
}
/**
 * What `pick` answers when no endpoint other than `exclude` is available: `exclude` when it is
 * available (the Balancer contract: a retry on the same endpoint beats none), else null. Returns
 * undefined when some other endpoint is available, so a fallback search is sure to end.
 *
 * Hot path (taken only when the first choice is out), change with care: O(endpoints), no allocation.
 */
export function answerWithoutCandidates(endpoints, exclude) {
    let excludeAvailable = false;
    for (let i = 0; i < endpoints.length; i++) {
        const e = endpoints[i];
        if (!e.state.available)
            continue;
        if (e !== exclude)
            return undefined;
        excludeAvailable = true;
    }
    return excludeAvailable ? exclude : null;
}
/**
 * The fallback when the endpoint a key maps to is out or excluded: walk on from `start` (ring
 * position or table slot) to the first slot whose endpoint is a candidate. Only the keys of the
 * endpoint that is out move; keys of the other endpoints stay where they are. Call it only after
 * `answerWithoutCandidates` returned undefined (some candidate exists).
 *
 * Hot path (taken only when the first choice is out), change with care: no allocation.
 */
export function walkToCandidate(endpoints, owners, start, exclude) {
    const len = owners.length;
    for (let step = 1; step < len; step++) {
        let p = start + step;
        if (p >= len)
            p -= len;
        const e = endpoints[owners[p]];
        if (e !== exclude && e.state.available)
            return e;
    }
    return null; // only when a candidate owns no slot at all (more endpoints than slots)
}
//# sourceMappingURL=consistent-hash.js.map