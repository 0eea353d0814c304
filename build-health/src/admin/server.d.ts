import type net from 'node:net';
import type { GatewayConfig } from '../config/schema/index.js';
import type { RouteTableRow } from '../routing/types.js';
/** What the admin API reads from the running gateway. */
export interface AdminSource {
    readonly started: boolean;
    readonly ready: boolean;
    readonly version: number;
    readonly config: GatewayConfig;
    routeTable(): readonly RouteTableRow[];
    status(): Record<string, unknown>;
    /** Every service with its endpoints' health, ejections, load and pools (asks every data plane). */
    services(): Promise<Record<string, unknown>>;
}
export declare class AdminServer {
    private readonly server;
    private readonly source;
    constructor(source: AdminSource);
    listen(host: string, port: number): Promise<net.AddressInfo>;
    close(): Promise<void>;
    private handle;
}
/** The route table as aligned text, one line per route in match order. */
export declare function formatRouteTable(rows: readonly RouteTableRow[]): string;
