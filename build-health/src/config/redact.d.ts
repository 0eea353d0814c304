/**
 * Schema-driven secret redaction for /config and logs: every value whose schema node carries
 * `'x-secret': true` becomes "[redacted]". The schema is walked alongside the value (objects,
 * records via patternProperties/additionalProperties, arrays, unions by the branch that fits),
 * so marking a field secret in its schema is all a policy has to do.
 */
import type { TSchema } from '@sinclair/typebox';
export declare const REDACTED = "[redacted]";
/** A deep copy of `config` with every secret value replaced by "[redacted]". The input is not modified. */
export declare function redactConfig<T>(config: T, schema?: TSchema): T;
