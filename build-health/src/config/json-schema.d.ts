export declare const JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema";
/**
 * The root config schema as plain JSON Schema (draft 2020-12): a fresh deep copy each call,
 * `$schema` first. TypeBox's Kind/Optional symbols are not part of the output.
 */
export declare function configJsonSchema(): Record<string, unknown>;
