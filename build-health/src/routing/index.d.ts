export { buildRouter, type BuildRouterOptions } from './router.js';
export { RouterBuildError } from './errors.js';
export type { MatchInput, MatchResult, RouteTableRow, Router, RouterEntry } from './types.js';
