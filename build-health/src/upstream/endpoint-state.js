/**
 * The live state of one endpoint of one service in this process: what balancers read to skip
 * endpoints and to weigh load. It outlives config versions (keyed by service and address), so a
 * reload does not forget that an endpoint is down.
 */
export class EndpointState {
    service;
    address;
    /** Requests in flight to this endpoint from this process (least-request reads it). */
    outstanding = 0;
    /** Verdict of active health checks; true when the service has none. */
    healthy = true;
    /** Taken out by passive outlier detection until `ejectedUntil`. */
    ejected = false;
    ejectedUntil = 0;
    /** How many times it was ejected: the ejection time grows with it. */
    ejectionCount = 0;
    /** Consecutive 5xx / gateway failures seen on real traffic. */
    consecutiveFailures = 0;
    constructor(service, address) {
        this.service = service;
        this.address = address;
    }
    /** In the rotation: healthy and not ejected. Hot path. */
    get available() {
        return this.healthy && !this.ejected;
    }
}
/** Every endpoint state of this process, keyed by `service|address`. */
export class EndpointStateRegistry {
    states = new Map();
    get(service, address) {
        const key = `${service}|${address}`;
        let state = this.states.get(key);
        if (state === undefined) {
            state = new EndpointState(service, address);
            this.states.set(key, state);
        }
        return state;
    }
    /** Forgets endpoints no longer in the config. */
    retain(keys) {
        for (const key of this.states.keys())
            if (!keys.has(key))
                this.states.delete(key);
    }
    all() {
        return this.states.values();
    }
}
//# sourceMappingURL=endpoint-state.js.map