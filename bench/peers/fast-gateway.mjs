#!/usr/bin/env node
// fast-gateway as a plain reverse proxy for scripts/bench.mjs: one route for every path, one
// process (no cluster), defaults otherwise (restana server; fast-proxy-lite over node:http with
// a keep-alive agent).
//
//   node bench/peers/fast-gateway.mjs --port 8080 --upstream http://127.0.0.1:8081
//
// fast-gateway 3.4.7 is the newest that installs from this registry: 5.x needs
// fast-proxy-lite ^1.1.3, which the registry does not serve.
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';

const require = createRequire(import.meta.url);
const gateway = require('fast-gateway');

const { values } = parseArgs({
  options: {
    port: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    upstream: { type: 'string' },
    // Accepted for a uniform command line; fast-proxy-lite's agent already allows 2048 sockets.
    connections: { type: 'string' },
  },
});
if (!values.port || !values.upstream) {
  process.stderr.write('usage: fast-gateway.mjs --port N --upstream http://host:port\n');
  process.exit(2);
}

// prefix '' + the default pathRegex '/*' gives the route '/*': every path, passed on unchanged.
const server = gateway({ routes: [{ prefix: '', target: values.upstream }] });
await server.start(Number(values.port), values.host);
process.stdout.write(`fast-gateway listening on ${values.host}:${values.port}\n`);
for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => process.exit(0));
