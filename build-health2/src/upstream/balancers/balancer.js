export {};
//# sourceMappingURL=balancer.js.map