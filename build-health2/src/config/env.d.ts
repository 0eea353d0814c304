/**
 * `${VAR}` / `${VAR:-default}` substitution in string values of an already-parsed config, so an
 * environment value can never inject YAML structure. `$${` escapes to a literal `${`.
 *
 * Types: a string that received at least one substitution is converted when the schema at
 * that position cannot take it as a string but takes a number/integer (numeric text) or a
 * boolean (`true`/`false`). So `port: ${PORT}` with PORT=8080 becomes 8080, while
 * `workers: ${WORKERS}` keeps `auto` and turns `4` into 4. Strings written literally in the
 * file are never converted (`port: "8080"` stays an error).
 */
import { type SchemaNode } from './schema-walk.js';
import { type ConfigIssue, type PathSegment } from './issues.js';
export type EnvLike = Readonly<Record<string, string | undefined>>;
interface StringResult {
    readonly value: string;
    readonly substituted: boolean;
}
/** Substitutes one string. Pushes issues (with the given path) for missing or malformed references. */
export declare function substituteString(input: string, env: EnvLike, path: readonly PathSegment[], issues: ConfigIssue[]): StringResult;
/** Converts a substituted string to the number/boolean the schema expects there, when it cannot be a string. */
export declare function coerceSubstituted(value: string, nodes: readonly SchemaNode[]): unknown;
/**
 * Returns a copy of `value` with every string substituted (keys are left alone), plus the
 * issues found. `schema` guides the number/boolean conversion; pass `undefined` to skip it.
 */
export declare function substituteValue(value: unknown, env: EnvLike, schema: SchemaNode | undefined): {
    value: unknown;
    issues: ConfigIssue[];
};
export {};
