import type { GatewayConfig } from './schema/index.js';
import { type ConfigIssue } from './issues.js';
export interface HostPort {
    /** Host without brackets (`::1` for `[::1]:80`). */
    readonly host: string;
    readonly port: number;
}
/** A DNS name (labels of letters, digits, `-`, `_`; optional trailing dot) or an IPv4 address. */
export declare function isValidHostName(host: string): boolean;
/**
 * Parses `host:port` (`[v6]:port` for IPv6). Returns the parts, or a message saying what is wrong.
 * Port must be 1-65535.
 */
export declare function parseHostPort(text: string): HostPort | string;
/** Returns a message when `source` is not a valid JavaScript regular expression (compiled without flags). */
export declare function regexError(source: string): string | undefined;
/** All semantic issues of a schema-valid config. */
export declare function semanticIssues(config: GatewayConfig): ConfigIssue[];
