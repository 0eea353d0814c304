/**
 * The live state of one endpoint of one service in this process: what balancers read to skip
 * endpoints and to weigh load. It outlives config versions (keyed by service and address), so a
 * reload does not forget that an endpoint is down.
 */
export declare class EndpointState {
    readonly service: string;
    readonly address: string;
    /** Requests in flight to this endpoint from this process (least-request reads it). */
    outstanding: number;
    /** Verdict of active health checks; true when the service has none. */
    healthy: boolean;
    /** Taken out by passive outlier detection until `ejectedUntil`. */
    ejected: boolean;
    ejectedUntil: number;
    /** How many times it was ejected: the ejection time grows with it. */
    ejectionCount: number;
    /** Consecutive 5xx / gateway failures seen on real traffic. */
    consecutiveFailures: number;
    constructor(service: string, address: string);
    /** In the rotation: healthy and not ejected. Hot path. */
    get available(): boolean;
}
/** Every endpoint state of this process, keyed by `service|address`. */
export declare class EndpointStateRegistry {
    private readonly states;
    get(service: string, address: string): EndpointState;
    /** Forgets endpoints no longer in the config. */
    retain(keys: ReadonlySet<string>): void;
    all(): IterableIterator<EndpointState>;
}
