/** The config's JSON Schema, for `meshgate schema` and editors (yaml-language-server, VS Code). */
import { GatewayConfigSchema } from './schema/index.js';
export const JSON_SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
/**
 * The root config schema as plain JSON Schema (draft 2020-12): a fresh deep copy each call,
 * `$schema` first. TypeBox's Kind/Optional symbols are not part of the output.
 */
export function configJsonSchema() {
    const plain = JSON.parse(JSON.stringify(GatewayConfigSchema));
    return { $schema: JSON_SCHEMA_DIALECT, ...plain };
}
//# sourceMappingURL=json-schema.js.map