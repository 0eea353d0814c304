/**
 * Walking a JSON/TypeBox schema alongside a value: shared by ${ENV} substitution (which needs
 * to know what type a key expects) and secret redaction (which needs to know which keys carry
 * `'x-secret': true`). Config-load time only; nothing here runs per request.
 *
 * A position in the value is described by a list of candidate schema nodes, because a union
 * may offer several branches that could apply (we keep every branch that fits the value's
 * JSON type and, for objects, prefer branches that declare the property).
 */
/** A schema node viewed as plain JSON Schema (TypeBox's Kind symbols are ignored). */
export type SchemaNode = {
    readonly [key: string]: unknown;
};
/** The JSON type of a value: 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null' | 'undefined' | ... */
export declare function jsonTypeOf(value: unknown): string;
export declare function isPlainObject(value: unknown): value is Record<string, unknown>;
/** Sets an own enumerable property, even for the key `__proto__` (plain assignment would change the prototype). */
export declare function setOwn(target: Record<string, unknown>, key: string, value: unknown): void;
/** Flattens unions (anyOf / oneOf) and intersections (allOf) into the nodes that describe concrete shapes. */
export declare function expand(nodes: readonly SchemaNode[]): SchemaNode[];
/** The JSON types a (non-union) node accepts; empty when it does not say (accepts anything). */
export declare function nodeTypes(node: SchemaNode): string[];
/** Whether a (non-union) node could describe a value of this JSON type. */
export declare function typeFits(node: SchemaNode, value: unknown): boolean;
/** The expanded candidates that fit the value's type; all expanded candidates when none fits. */
export declare function fitting(nodes: readonly SchemaNode[], value: unknown): SchemaNode[];
/**
 * Candidate schema nodes for `container[key]`, given the candidates for the container.
 * Objects: branches that declare the property win; otherwise patternProperties, then an
 * additionalProperties schema (records). Arrays: `items` (or tuple `prefixItems`/`items[]`).
 */
export declare function childNodes(nodes: readonly SchemaNode[], container: unknown, key: string | number): SchemaNode[];
