import { EndpointStateRegistry } from './endpoint-state.js';
import { PoolRegistry } from './pool.js';

/** The upstream side of one process that outlives config versions: pools and endpoint states. */
export class UpstreamRuntime {
  readonly pools = new PoolRegistry();
  readonly states = new EndpointStateRegistry();

  close(): void {
    this.pools.close();
  }
}
