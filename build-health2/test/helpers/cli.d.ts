import { type CliGateway } from './gateway.js';
export interface CliResult {
    code: number | null;
    stdout: string;
    stderr: string;
}
/** Runs `meshgate <args>` to completion (killed after timeoutMs). */
export declare function runCli(args: string[], opts?: {
    env?: NodeJS.ProcessEnv;
    timeoutMs?: number;
}): Promise<CliResult>;
/**
 * Writes a new config into the running gateway's file, keeping its listen/admin ports and log
 * level. `atomic` writes a temp file and renames it over (what editors and ConfigMaps do);
 * otherwise the file is rewritten in place.
 */
export declare function rewriteConfig(cli: CliGateway, config: Record<string, unknown>, opts?: {
    atomic?: boolean;
}): void;
/** Writes text as-is into the gateway's config file (for invalid files). */
export declare function writeRaw(cli: CliGateway, text: string, opts?: {
    atomic?: boolean;
}): void;
/** GET an admin endpoint and parse its JSON. */
export declare function adminJson<T = Record<string, unknown>>(adminPort: number, path: string): Promise<{
    status: number;
    body: T;
    contentType: string;
}>;
/** The running config version, from the admin API (0 when the admin does not answer). */
export declare function configVersion(adminPort: number): Promise<number>;
/** The JSON log lines the gateway wrote so far (non-JSON lines are skipped). */
export declare function logEvents(cli: CliGateway): Array<Record<string, unknown>>;
/** Direct, live child pids of `pid` (the cluster workers of a primary). Zombies are not counted. */
export declare function childPids(pid: number): number[];
/** The process exists and is not a zombie (an exited child not yet reaped). */
export declare function isAlive(pid: number): boolean;
/**
 * Stops a CLI gateway however the test ended: SIGTERM, then SIGKILL after `graceMs`, and
 * SIGKILL for any worker left behind. Use as `t.after(() => killCli(cli))`.
 */
export declare function killCli(cli: CliGateway, graceMs?: number): Promise<void>;
