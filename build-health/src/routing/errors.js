/**
 * The one error the router builder throws: a route the router cannot compile (bad regular
 * expression, unsupported path syntax...). Config validation should catch these first; this keeps
 * a bad route from crashing the build obscurely and says which route and which key is at fault.
 */
export class RouterBuildError extends Error {
    /** The route's position in the config file (`RouterEntry.index`). */
    routeIndex;
    /** Key path in JS form, as config issues use it: `routes[3].headers[0].value`. */
    keyPath;
    constructor(routeIndex, routeName, keyPath, problem) {
        super(`route ${JSON.stringify(routeName)} (${keyPath}): ${problem}`);
        this.name = 'RouterBuildError';
        this.routeIndex = routeIndex;
        this.keyPath = keyPath;
    }
}
/** `regexError`-style message for a source that does not compile. */
export function regexProblem(err) {
    const m = err instanceof Error ? err.message : String(err);
    // V8: "Invalid regular expression: /^(?:(()$/: Unterminated group"
    const short = /^Invalid regular expression: \/.*\/[a-z]*: (.*)$/s.exec(m);
    return `invalid regular expression: ${short !== null ? short[1] : m}`;
}
//# sourceMappingURL=errors.js.map