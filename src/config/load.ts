/**
 * Reading a config file: YAML 1.2 (JSON is YAML) -> `${ENV}` substitution -> schema validation
 * (TypeBox, compiled once at module load) -> semantic checks. Every problem becomes an issue
 * with a key path, and all of them are thrown together as one ConfigError:
 *
 *   gateway.yaml: routes[2].circuitBreaker.failureThreshold: must be >= 1
 *   gateway.yaml: routes[0].timeoutSecond: unknown key (did you mean "timeoutSeconds"?)
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import { GatewayConfigSchema, type GatewayConfig } from './schema/index.js';
import { substituteValue, type EnvLike } from './env.js';
import { issuesFromErrors, type ConfigIssue } from './issues.js';
import { semanticIssues } from './semantic.js';

export type { ConfigIssue } from './issues.js';
export type { EnvLike } from './env.js';
export { didYouMean, formatPath } from './issues.js';
export { parseHostPort, type HostPort } from './semantic.js';

/** A config file that cannot be used; `message` has one line per issue: `<file>: <path>: <message>`. */
export class ConfigError extends Error {
  readonly file: string;
  readonly issues: ConfigIssue[];

  constructor(file: string, issues: readonly ConfigIssue[]) {
    super(issues.map((i) => (i.path === '' ? `${file}: ${i.message}` : `${file}: ${i.path}: ${i.message}`)).join('\n'));
    this.name = 'ConfigError';
    this.file = file;
    this.issues = [...issues];
  }
}

/** Compiled once: validation never builds a checker per call. */
const checker = TypeCompiler.Compile(GatewayConfigSchema);

function syntaxIssue(err: YAMLError, lines: LineCounter, text: string): ConfigIssue {
  const { line, col } = lines.linePos(err.pos[0]);
  let message = err.message.split('\n')[0] ?? err.message;
  if (err.code === 'MULTIPLE_DOCS') message = 'the file must hold a single YAML document (found a second "---")';
  // `{`/`}` end a plain scalar inside flow collections: `{ port: ${PORT} }` needs quotes.
  const lineText = text.split('\n')[line - 1] ?? '';
  if (lineText.includes('${') && /[[{]/.test(lineText)) message += ' (hint: quote "${...}" values inside [ ] or { })';
  return { path: `line ${line}, column ${col}`, message, line, column: col };
}

/**
 * Parses YAML 1.2 (and so JSON) into plain data. Syntax errors, duplicate keys, unresolved
 * tags and aliases, several documents and an empty file throw a ConfigError with line/column.
 */
export function parseConfigText(text: string, file: string): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { version: '1.2', prettyErrors: false, lineCounter: lines, uniqueKeys: true });
  // Only the first problem: after a syntax error the parser's later complaints are mostly echoes of it.
  const first = doc.errors[0] ?? doc.warnings[0];
  if (first !== undefined) throw new ConfigError(file, [syntaxIssue(first, lines, text)]);
  if (doc.contents === null) {
    throw new ConfigError(file, [{ path: '', message: 'the file is empty (expected a mapping with listen, services, routes, ...)' }]);
  }
  try {
    // maxAliasCount bounds alias expansion ("billion laughs").
    return doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(file, [{ path: '', message: err instanceof Error ? err.message : String(err) }]);
  }
}

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value (not in keys) of parsed data;
 * `$${` gives a literal `${`. `:-` uses the default when VAR is unset or empty. A string that
 * received a substitution is turned into a number/boolean where the schema expects one and
 * cannot take a string there (`port: ${PORT}`). Missing variables throw a ConfigError naming
 * each key path. Returns a copy; the input is not modified.
 */
export function substituteEnv(value: unknown, file: string, env: EnvLike = process.env): unknown {
  const r = substituteValue(value, env, GatewayConfigSchema);
  if (r.issues.length > 0) throw new ConfigError(file, r.issues);
  return r.value;
}

/** Schema validation plus semantic checks; returns the value typed, or throws a ConfigError listing every issue. */
export function validateConfig(value: unknown, file: string): GatewayConfig {
  if (!checker.Check(value)) {
    const issues = issuesFromErrors(checker.Errors(value), value);
    throw new ConfigError(file, issues.length > 0 ? issues : [{ path: '(root)', message: 'is invalid' }]);
  }
  const issues = semanticIssues(value);
  if (issues.length > 0) throw new ConfigError(file, issues);
  return value;
}

/** parse + substitute + validate, for text already in hand (tests, watchers, the API). */
export function loadConfigText(text: string, file: string, env: EnvLike = process.env): GatewayConfig {
  return validateConfig(substituteEnv(parseConfigText(text, file), file, env), file);
}

function readError(file: string, err: unknown): ConfigError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  const message =
    code === 'ENOENT'
      ? 'file not found'
      : code === 'EISDIR'
        ? 'is a directory, not a config file'
        : code === 'EACCES' || code === 'EPERM'
          ? 'permission denied'
          : `cannot read: ${err instanceof Error ? err.message : String(err)}`;
  return new ConfigError(file, [{ path: '', message }]);
}

/** Reads and loads a YAML/JSON config file. Every failure (missing file included) is a ConfigError. */
export async function loadConfigFile(file: string, env: EnvLike = process.env): Promise<GatewayConfig> {
  return (await loadConfigFileText(file, env)).config;
}

/** loadConfigFile, with the text the config came from (what a file watcher compares changes to). */
export async function loadConfigFileText(file: string, env: EnvLike = process.env): Promise<{ config: GatewayConfig; text: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    throw readError(file, err);
  }
  return { config: loadConfigText(text, file, env), text };
}

/** Synchronous loadConfigFile, for the CLI. */
export function loadConfigFileSync(file: string, env: EnvLike = process.env): GatewayConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw readError(file, err);
  }
  return loadConfigText(text, file, env);
}
