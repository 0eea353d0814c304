/**
 * The one error the router builder throws: a route the router cannot compile (bad regular
 * expression, unsupported path syntax...). Config validation should catch these first; this keeps
 * a bad route from crashing the build obscurely and says which route and which key is at fault.
 */
export declare class RouterBuildError extends Error {
    /** The route's position in the config file (`RouterEntry.index`). */
    readonly routeIndex: number;
    /** Key path in JS form, as config issues use it: `routes[3].headers[0].value`. */
    readonly keyPath: string;
    constructor(routeIndex: number, routeName: string, keyPath: string, problem: string);
}
/** `regexError`-style message for a source that does not compile. */
export declare function regexProblem(err: unknown): string;
