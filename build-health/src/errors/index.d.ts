export * from './codes.js';
export * from './gateway-error.js';
export * from './problem.js';
