/** Starting meshgate in tests: in process through the API, or as the real CLI in a child process. */
import { type ChildProcess } from 'node:child_process';
import { pino } from 'pino';
import { ApiGateway } from '../../src/index.js';
import type { GatewayConfig } from '../../src/config/schema/index.js';
export declare const silentLogger: pino.Logger<never, boolean>;
/** A gateway in this process on a free port, admin on a free port, one worker, no logs. */
export declare function startGateway(config: GatewayConfig): Promise<{
    gateway: ApiGateway;
    port: number;
    adminPort: number;
    url: string;
    close: () => Promise<void>;
}>;
/** The compiled CLI entry (build/src/cli/main.js when tests run from build/). */
export declare const CLI: string;
export declare function writeConfig(config: unknown, dir?: string): string;
export interface CliGateway {
    child: ChildProcess;
    port: number;
    adminPort: number;
    file: string;
    output: () => string;
    /** Resolves with the exit code. */
    exited: Promise<number | null>;
    stop(signal?: NodeJS.Signals): Promise<number | null>;
}
/**
 * Runs `meshgate start --config <file>` as a child process and waits until /readyz says 200.
 * The ports come from freePort(), so another process can take one before the child binds it
 * (under load, an outgoing connection's ephemeral port): that start is retried on new ports.
 */
export declare function startCli(config: Record<string, unknown>, opts?: {
    env?: NodeJS.ProcessEnv;
}): Promise<CliGateway>;
