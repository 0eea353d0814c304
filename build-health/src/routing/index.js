export { buildRouter } from './router.js';
export { RouterBuildError } from './errors.js';
//# sourceMappingURL=index.js.map