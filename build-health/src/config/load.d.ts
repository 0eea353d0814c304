import { type GatewayConfig } from './schema/index.js';
import { type EnvLike } from './env.js';
import { type ConfigIssue } from './issues.js';
export type { ConfigIssue } from './issues.js';
export type { EnvLike } from './env.js';
export { didYouMean, formatPath } from './issues.js';
export { parseHostPort, type HostPort } from './semantic.js';
/** A config file that cannot be used; `message` has one line per issue: `<file>: <path>: <message>`. */
export declare class ConfigError extends Error {
    readonly file: string;
    readonly issues: ConfigIssue[];
    constructor(file: string, issues: readonly ConfigIssue[]);
}
/**
 * Parses YAML 1.2 (and so JSON) into plain data. Syntax errors, duplicate keys, unresolved
 * tags and aliases, several documents and an empty file throw a ConfigError with line/column.
 */
export declare function parseConfigText(text: string, file: string): unknown;
/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value (not in keys) of parsed data;
 * `$${` gives a literal `${`. `:-` uses the default when VAR is unset or empty. A string that
 * received a substitution is turned into a number/boolean where the schema expects one and
 * cannot take a string there (`port: ${PORT}`). Missing variables throw a ConfigError naming
 * each key path. Returns a copy; the input is not modified.
 */
export declare function substituteEnv(value: unknown, file: string, env?: EnvLike): unknown;
/** Schema validation plus semantic checks; returns the value typed, or throws a ConfigError listing every issue. */
export declare function validateConfig(value: unknown, file: string): GatewayConfig;
/** parse + substitute + validate, for text already in hand (tests, watchers, the API). */
export declare function loadConfigText(text: string, file: string, env?: EnvLike): GatewayConfig;
/** Reads and loads a YAML/JSON config file. Every failure (missing file included) is a ConfigError. */
export declare function loadConfigFile(file: string, env?: EnvLike): Promise<GatewayConfig>;
/** Synchronous loadConfigFile, for the CLI. */
export declare function loadConfigFileSync(file: string, env?: EnvLike): GatewayConfig;
