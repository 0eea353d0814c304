/**
 * The live state of one endpoint of one service in this process: what balancers read to skip
 * endpoints and to weigh load. It outlives config versions (keyed by service and address), so a
 * reload does not forget that an endpoint is down.
 */
export class EndpointState {
  readonly service: string;
  readonly address: string;
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

  constructor(service: string, address: string) {
    this.service = service;
    this.address = address;
  }

  /** In the rotation: healthy and not ejected. Hot path. */
  get available(): boolean {
    return this.healthy && !this.ejected;
  }
}

/** Every endpoint state of this process, keyed by `service|address`. */
export class EndpointStateRegistry {
  private readonly states = new Map<string, EndpointState>();

  get(service: string, address: string): EndpointState {
    const key = `${service}|${address}`;
    let state = this.states.get(key);
    if (state === undefined) {
      state = new EndpointState(service, address);
      this.states.set(key, state);
    }
    return state;
  }

  /** Forgets endpoints no longer in the config. */
  retain(keys: ReadonlySet<string>): void {
    for (const key of this.states.keys()) if (!keys.has(key)) this.states.delete(key);
  }

  all(): IterableIterator<EndpointState> {
    return this.states.values();
  }
}
