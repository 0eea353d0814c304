import type { EndpointState } from './endpoint-state.js';
/** One upstream address, parsed once per config version. */
export interface Endpoint {
    /** `host:port` as written in the config (IPv6 as `[::1]:8080`). */
    readonly address: string;
    readonly host: string;
    readonly port: number;
    readonly weight: number;
    /** Live state (health, ejection, requests in flight), kept across config versions. */
    readonly state: EndpointState;
}
/** Parses `host:port` / `[v6]:port`. Returns null when the text is not a valid address. */
export declare function parseAddress(address: string): {
    host: string;
    port: number;
} | null;
