// `npm start`: the demo backends plus meshgate with examples/quickstart.yaml, in one command.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startDemoBackends } from './demo-backends.mjs';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const stopBackends = await startDemoBackends();
const gateway = spawn(process.execPath, [here('../dist/cli/main.js'), 'start', '--config', here('quickstart.yaml')], { stdio: 'inherit' });

console.log(`
meshgate demo: gateway on http://localhost:8080, admin on http://127.0.0.1:9901
Try:
  curl -i localhost:8080/api/v1/users                 # round-robin over two instances (weights 1:3)
  curl -i localhost:8080/api/v2/users/2               # path parameter rewritten to /api/v1/users/2
  curl -i -X POST localhost:8080/api/v1/orders -d '{"item":"book"}'
  curl -i localhost:8080/echo/hello?x=1               # the echo service shows the forwarded headers
  curl -i localhost:8080/nope                         # a problem+json 404
  curl -s 127.0.0.1:9901/routes?format=text           # the compiled route table, in match order
  edit examples/quickstart.yaml and save: it reloads without dropping a request
Ctrl-C stops everything.
`);

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  gateway.kill('SIGTERM');
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
gateway.on('exit', async (code) => {
  await stopBackends();
  process.exit(code ?? 0);
});
