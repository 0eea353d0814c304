/**
 * Turning TypeBox validation errors into one readable issue per problem: a JS-style key path
 * (`routes[2].circuitBreaker.failureThreshold`) and a short message (`must be >= 1`), with
 * "did you mean" for unknown keys and one message per union instead of one per branch.
 */
import { type ValueError } from '@sinclair/typebox/errors';
import { type SchemaNode } from './schema-walk.js';
export interface ConfigIssue {
    /** Key path in JS form (`routes[0].name`, `services["orders-v2"]`), `(root)` for the top; for syntax errors `line L, column C`; '' for whole-file errors. */
    readonly path: string;
    readonly message: string;
    /** 1-based position in the file, for syntax errors. */
    readonly line?: number;
    readonly column?: number;
}
export type PathSegment = string | number;
/** `['routes', 2, 'circuitBreaker']` -> `routes[2].circuitBreaker`; `[]` -> `(root)`. */
export declare function formatPath(segments: readonly PathSegment[]): string;
/** Splits a JSON pointer and types each segment by the value it walks through (array index -> number). */
export declare function pointerToSegments(pointer: string, root: unknown): PathSegment[];
/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
export declare function editDistance(a: string, b: string): number;
/** The candidate closest to `input` (case-insensitive edit distance), or undefined when none is reasonably close. */
export declare function didYouMean(input: string, candidates: Iterable<string>): string | undefined;
/** A short rendering of an offending value for messages (never used for secret nodes). */
export declare function showValue(value: unknown): string;
/** "an integer >= 1", "a non-empty string", "\"auto\"", "a list of strings", ... */
export declare function describeSchema(node: SchemaNode): string;
/** Converts TypeBox errors for `root` into issues: one per key path (the first error at a path wins). */
export declare function issuesFromErrors(errors: Iterable<ValueError>, root: unknown): ConfigIssue[];
