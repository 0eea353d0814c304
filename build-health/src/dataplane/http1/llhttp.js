/**
 * Node's own llhttp binding, the parser behind node:http. It is not a documented API, so it is
 * reached in this one file only, and checked at start-up: meshgate is tested on Node 20 and 22.
 * We use it directly because node:http's IncomingMessage/ServerResponse streams and per-request
 * promises cost about half the throughput of a proxy (ARCHITECTURE.md point 11); the parser
 * itself is cheap and hardened (request smuggling rules, header limits).
 */
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const common = require('_http_common');
export const HTTPParser = common.HTTPParser;
/** llhttp's method table: onHeadersComplete reports the method as an index into it. */
export const METHODS = common.methods;
if (typeof HTTPParser !== 'function' || typeof HTTPParser.kOnHeadersComplete !== 'number' || !Array.isArray(METHODS)) {
    throw new Error(`meshgate: this Node.js (${process.version}) does not expose the llhttp binding meshgate needs; use Node.js 20 or 22`);
}
export const kOnHeaders = HTTPParser.kOnHeaders;
export const kOnHeadersComplete = HTTPParser.kOnHeadersComplete;
export const kOnBody = HTTPParser.kOnBody;
export const kOnMessageComplete = HTTPParser.kOnMessageComplete;
export const kOnExecute = HTTPParser.kOnExecute;
/** The async resource the binding wants; one shared object keeps it out of the per-connection cost. */
export const PARSER_RESOURCE = Object.freeze({ type: 'meshgate' });
//# sourceMappingURL=llhttp.js.map