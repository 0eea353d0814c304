#!/usr/bin/env node
// Side-by-side macro benchmark: `npm run bench` (ARCHITECTURE.md point 15, issue 8).
//
// One run, one upstream, one load generator (wrk), several targets:
//   direct        wrk straight to the upstream: the most any proxy could reach on this setup
//   nginx         nginx as a plain reverse proxy, 1 worker, keep-alive to the upstream
//   meshgate-1w   node dist/cli/main.js start, workers: 1
//   meshgate-Nw   the same, workers: auto
// Each target gets a warm-up run (discarded) and a measured run per scenario; the report is a
// markdown table per scenario with each row's ratio against nginx and against direct, printed
// to stdout and appended to bench/results/<YYYY-MM-DD>.md. Progress goes to stderr.
//
// Adding things:
//   - a target: one entry in TARGETS (start() returns { url, stop }); see nginx for a template.
//   - a scenario: one entry in SCENARIOS. `upstream` (body size), `route` (extra meshgate
//     route keys) and `gateway` (extra top-level meshgate keys) are part of a scenario's "setup": scenarios with the same setup share one
//     upstream and one start of each target; `headers` are sent by wrk on every request.
//
// Plain ESM JavaScript on purpose: it runs without a build step. It builds meshgate itself
// (`npm run build`) when dist/cli/main.js is missing or older than src/.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BENCH_DIR = path.join(ROOT, 'bench');
const WRK_LUA = path.join(BENCH_DIR, 'wrk-report.lua');
const NODE_UPSTREAM = path.join(BENCH_DIR, 'upstream.mjs');
const MESHGATE_CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const SMALL_BODY = 'hello world\n';

// ---------------------------------------------------------------------------------------------
// Scenarios. `quick: true` ones are the only ones run by --quick.
const SCENARIOS = [
  { id: 'small-ka-50', title: 'small body (12 B), keep-alive', conns: 50, quick: true },
  { id: 'small-ka-256', title: 'small body (12 B), keep-alive', conns: 256 },
  // Later, for example:
  // { id: 'body-64k', title: '64 KiB body, keep-alive', conns: 50, upstream: { bodyBytes: 65536 } },
  // { id: 'new-conn', title: 'small body, new connection per request', conns: 50, headers: ['Connection: close'] },
  // Rate-limit decision cost (meshgate rows only; compare with small-ka-50's): a limit high
  // enough never to deny, in process (memory) and in Redis (REDIS_URL, default 127.0.0.1:6379).
  {
    id: 'ratelimit-local',
    title: 'small body (12 B), keep-alive, route with a token-bucket limit (memory store)',
    conns: 50,
    route: { rateLimits: [{ name: 'bench', limit: 100000000, periodSeconds: 1, key: 'ip' }] },
  },
  {
    id: 'ratelimit-redis',
    title: 'small body (12 B), keep-alive, route with a token-bucket limit (Redis store)',
    conns: 50,
    route: { rateLimits: [{ name: 'bench', limit: 100000000, periodSeconds: 1, key: 'ip' }] },
    gateway: { rateLimitStore: { type: 'redis', url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', onStoreError: 'deny', timeoutMs: 1000 } },
  },
  // Every request in the access log (formatting and writing; metrics are always on).
  {
    id: 'access-log',
    title: 'small body (12 B), keep-alive, access log on (every request, to /dev/null)',
    conns: 50,
    gateway: { accessLog: { enabled: true, output: '/dev/null' } },
  },
  // The seed's full policy set on the route (meshgate rows only; compare with small-ka-50's).
  {
    id: 'policies',
    title: 'small body (12 B), keep-alive, route with circuit breaker + retry policy + timeout + rateLimitRps',
    conns: 50,
    quick: true,
    route: {
      timeoutSeconds: 5,
      rateLimitRps: 1000000,
      circuitBreaker: { failureThreshold: 5, timeoutSeconds: 30, halfOpenRequests: 3 },
      retryPolicy: { maxAttempts: 3, backoffMultiplier: 2.0, initialDelayMs: 100 },
    },
  },
];

// ---------------------------------------------------------------------------------------------
// CPU layout. This box has 2 cores, and a benchmark that lets wrk, the upstream and the proxy
// float over both hides the proxy's cost (they steal each other's cycles at random). So:
//   core 0: wrk (1 thread) and the upstream (1 nginx worker or 1 Node process)
//   core 1: the proxy under test, alone
// The work on core 0 per request is the same for every target (wrk sends and parses one
// request/response, the upstream answers one), so `direct`, measured with the same layout, is
// exactly what a zero-cost proxy on core 1 would get: the ceiling of every proxied row. A proxy
// row close to `direct` is therefore limited by core 0, not by itself (its ratio is then a
// lower bound of how fast it really is). Targets with several workers (meshgate-Nw) are pinned
// to all cores, so they compete with wrk and the upstream; their row shows scaling under that
// contention, not free scaling.
// On machines with more cores the same roles go to separate cores (load 0, upstream 1, proxy 2).
function cpuLayout(allowed) {
  if (allowed.length >= 3) {
    return { load: [allowed[0]], upstream: [allowed[1]], proxy: [allowed[2]], all: allowed };
  }
  if (allowed.length === 2) return { load: [allowed[0]], upstream: [allowed[0]], proxy: [allowed[1]], all: allowed };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Targets. start(ctx, setup) -> { url, stop() }; `cpus` names an entry of the CPU layout.
// `available(ctx)` returns null or the reason the target is skipped.
const TARGETS = [
  {
    id: 'direct',
    describe: (ctx) => `wrk straight to the upstream (${ctx.upstream.kind})`,
    cpus: 'upstream',
    available: () => null,
    start: async (ctx) => ({ url: ctx.upstream.url, stop: async () => {} }),
  },
  {
    id: 'nginx',
    describe: (ctx, setup) => `nginx ${ctx.versions.nginx ?? '?'} reverse proxy, 1 worker, HTTP/1.1 upstream keepalive ${nginxKeepalive(setup)}`,
    cpus: 'proxy',
    available: (ctx) => (ctx.versions.nginx ? null : 'nginx not installed (apt-get install -y nginx-light)'),
    start: async (ctx, setup) => {
      const port = await freePort();
      const [host, upPort] = ctx.upstream.address;
      return startNginx(ctx, 'nginx-proxy', 'proxy', port, () => `
  upstream bench {
    server ${host}:${upPort};
    keepalive ${nginxKeepalive(setup)};
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
    }
  }`);
    },
  },
  meshgateTarget('meshgate-1w', 1, 'proxy'),
  meshgateTarget('meshgate-Nw', 'auto', 'all'),
];

// nginx's `keepalive N` is the number of idle upstream connections a worker keeps; with more
// client connections than N in flight, every response beyond N closes its upstream connection
// and the next request opens a new one. Measured here at 256 connections: keepalive 64 gave
// 28k req/s, 256 gave 49k, 512 gave 51k (50 connections: 45-50k). So it is sized to the largest
// connection count of the run (at least 64), not left at 64, to compare against nginx at its best.
const nginxKeepalive = (setup) => Math.max(64, setup?.maxConns ?? 0);

function meshgateTarget(id, workers, cpus) {
  return {
    id,
    meshgate: true,
    describe: (ctx) =>
      `meshgate, \`workers: ${workers}\`` +
      (workers === 'auto' ? ` (${ctx.layout ? ctx.layout.all.length : os.availableParallelism()} cores)` : ''),
    cpus,
    available: (ctx) => ctx.meshgateUnavailable,
    start: async (ctx, setup) => {
      const port = await freePort();
      const adminPort = await freePort();
      const [host, upPort] = ctx.upstream.address;
      const route = { name: 'bench', path: '/', backendService: 'bench', ...(setup.route ?? {}) };
      const dir = mkTmp(ctx, id);
      const configPath = path.join(dir, 'meshgate.yaml');
      fs.writeFileSync(
        configPath,
        [
          `listen: { host: 127.0.0.1, port: ${port} }`,
          `admin: { host: 127.0.0.1, port: ${adminPort} }`,
          `workers: ${workers}`,
          'logLevel: warn',
          ...Object.entries(setup.gateway ?? {}).map(([k, v]) => `${k}: ${JSON.stringify(v)}`),
          'services:',
          `  bench: { endpoints: ["${host}:${upPort}"] }`,
          'routes:',
          `  - ${JSON.stringify(route)}`,
          '',
        ].join('\n'),
      );
      const proc = launch(ctx, id, process.execPath, [MESHGATE_CLI, 'start', '--config', configPath], {
        cpus,
        env: { ...process.env, NODE_ENV: 'production' },
      });
      await waitForStatus200(`http://127.0.0.1:${adminPort}/readyz`, proc, 15_000);
      const url = `http://127.0.0.1:${port}/`;
      await waitForStatus200(url, proc, 15_000, ctx.upstream.body);
      return { url, stop: () => terminate(proc, 5000) };
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Upstreams: nginx (cheapest) or the Node fallback. start() -> { kind, url, address, body, stop }
async function startUpstream(ctx, setup) {
  const bodyBytes = setup.upstream?.bodyBytes ?? SMALL_BODY.length;
  const body = bodyBytes === SMALL_BODY.length ? SMALL_BODY : 'x'.repeat(Math.max(0, bodyBytes - 1)) + '\n';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const useNginx = ctx.opts.upstream === 'nginx' || (ctx.opts.upstream === 'auto' && ctx.versions.nginx);
  if (useNginx) {
    if (!ctx.versions.nginx) throw new Error('--upstream nginx: nginx is not installed');
    // nginx string literal: escape backslash and double quote; "\n" is written as the two characters \n.
    const literal = body.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
    const started = await startNginx(ctx, 'nginx-upstream', 'upstream', port, () => `
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / { return 200 "${literal}"; }
  }`, body);
    return { kind: `nginx ${ctx.versions.nginx}, 1 worker, \`return 200\``, url, address: ['127.0.0.1', port], body, stop: started.stop };
  }
  const proc = launch(ctx, 'node-upstream', process.execPath, [NODE_UPSTREAM, '--port', String(port), '--body-bytes', String(bodyBytes)], {
    cpus: 'upstream',
  });
  await waitForStatus200(url, proc, 10_000, body);
  return {
    kind: `Node ${process.version} raw \`net\` responder (bench/upstream.mjs), 1 process${ctx.versions.nginx ? '' : ' (nginx not installed)'}`,
    url,
    address: ['127.0.0.1', port],
    body,
    stop: () => terminate(proc, 3000),
  };
}

// An nginx with 1 worker, its config, pid and temp files in a temp dir, in the foreground.
async function startNginx(ctx, name, cpus, port, httpBlock, expectBody) {
  const dir = mkTmp(ctx, name);
  // Workers run as `nobody` when we are root; they must be able to reach their temp dirs.
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'nginx.conf');
  fs.writeFileSync(
    conf,
    `# generated by scripts/bench.mjs
worker_processes 1;
events { worker_connections 8192; }
http {
  access_log off;
  default_type text/plain;
  keepalive_requests 1000000;  # the default (1000) would close wrk's connections every ~1000 requests
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
${httpBlock(dir)}
}
`,
  );
  const proc = launch(ctx, name, 'nginx', ['-p', dir, '-c', conf, '-g', `daemon off; pid ${dir}/nginx.pid; error_log stderr;`], { cpus });
  await waitForStatus200(`http://127.0.0.1:${port}/`, proc, 10_000, expectBody ?? ctx.upstream?.body);
  return { url: `http://127.0.0.1:${port}/`, stop: () => terminate(proc, 3000) };
}

// ---------------------------------------------------------------------------------------------
// Child processes. Every child gets its own process group (detached), so stop/cleanup can signal
// the whole group: nginx's worker, meshgate's cluster workers. Nothing outlives the script: the
// `exit` hook SIGKILLs any group still registered, and SIGINT/SIGTERM/SIGHUP stop them first.
const live = new Set();

function launch(ctx, name, cmd, args, { cpus, env } = {}) {
  if (signalled) throw new Interrupted();
  const cpuList = cpus && ctx.layout ? ctx.layout[cpus] : null;
  const argv = cpuList ? ['taskset', '-c', cpuList.join(','), cmd, ...args] : [cmd, ...args];
  const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, env: env ?? process.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d) => {
    out += d.toString();
    if (out.length > 256 * 1024) out = out.slice(-128 * 1024);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  let onExit;
  const proc = {
    name,
    child,
    cpus: cpuList,
    output: () => out,
    exitCode: undefined,
    exited: new Promise((resolve) => (onExit = resolve)),
    closed: new Promise((resolve) => child.once('close', resolve)),
  };
  child.once('exit', (code, signal) => onExit((proc.exitCode ??= signal ?? code)));
  child.once('error', (err) => {
    keep(`spawn ${argv[0]} failed: ${err.message}\n`);
    onExit((proc.exitCode ??= 'spawn-error'));
  });
  live.add(proc);
  proc.exited.then(() => {
    killGroup(proc, 'SIGKILL'); // leftovers of the group (workers of a master that died)
    live.delete(proc);
  });
  return proc;
}

function killGroup(proc, signal) {
  if (!proc.child.pid) return;
  try {
    process.kill(-proc.child.pid, signal);
  } catch {
    /* group already gone */
  }
}

async function terminate(proc, graceMs) {
  if (proc.exitCode === undefined) {
    killGroup(proc, 'SIGTERM');
    const done = await Promise.race([proc.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      log(`  ${proc.name} did not stop within ${graceMs} ms, SIGKILL`);
      killGroup(proc, 'SIGKILL');
      await proc.exited;
    }
  }
  killGroup(proc, 'SIGKILL');
  live.delete(proc);
}

let tmpRoot = null;
function mkTmp(ctx, name) {
  tmpRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'meshgate-bench-'));
  return fs.mkdtempSync(path.join(tmpRoot, `${name}-`));
}

function cleanupSync() {
  for (const proc of live) killGroup(proc, 'SIGKILL');
  live.clear();
  if (tmpRoot) fs.rmSync(tmpRoot, { recursive: true, force: true });
  tmpRoot = null;
}

async function cleanupAndExit(code) {
  await Promise.all([...live].map((p) => terminate(p, 1500)));
  cleanupSync();
  process.exit(code);
}
process.on('exit', cleanupSync);
// First signal: stop the children (SIGTERM, then SIGKILL after 1.5 s) and exit; a second one
// exits at once (the exit hook still SIGKILLs what is left). While a signal is being handled,
// the failures it causes in main() (wrk killed, ...) are not reported.
let signalled = false;
class Interrupted extends Error {}
for (const [sig, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(sig, () => {
    if (signalled) process.exit(code);
    signalled = true;
    log(`\n${sig}: stopping child processes`);
    cleanupAndExit(code);
  });
}

// ---------------------------------------------------------------------------------------------
// Small helpers.
const log = (...a) => console.error(...a);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function httpGet(url, timeoutMs) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false, timeout: timeoutMs }, (res) => {
      let body = '';
      res.setEncoding('latin1');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode, body }));
      res.on('error', (err) => resolve({ error: err.message }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (err) => resolve({ error: err.message }));
  });
}

// Polls until GET url returns 200 (and, when given, the expected body). Fails early when the
// process exits, with the tail of its output.
async function waitForStatus200(url, proc, timeoutMs, expectBody) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (proc.exitCode !== undefined) {
      throw new Error(`${proc.name} exited (${proc.exitCode}) before ${url} answered 200\n${tail(proc.output())}`);
    }
    const r = await httpGet(url, 1000);
    if (r.status === 200 && (expectBody === undefined || r.body === expectBody)) return;
    last = r.error ?? (r.status === 200 ? `200 with an unexpected body ${JSON.stringify(r.body.slice(0, 80))}` : `status ${r.status}`);
    await sleep(100);
  }
  throw new Error(`${proc.name}: ${url} did not answer 200 within ${timeoutMs} ms (last: ${last})\n${tail(proc.output())}`);
}

const tail = (s, n = 2000) => (s.trim() ? '  | ' + s.trim().slice(-n).split('\n').join('\n  | ') : '  (no output)');

function which(cmd) {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/sbin'])) {
    const p = path.join(dir || '.', cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  return null;
}

function versions() {
  const v = { node: process.version, nginx: null, wrk: null, haproxy: null };
  if (which('nginx')) {
    const r = spawnSync('nginx', ['-v'], { encoding: 'utf8' });
    v.nginx = /nginx\/(\S+)/.exec(r.stderr + r.stdout)?.[1] ?? 'unknown';
  }
  if (which('wrk')) {
    const r = spawnSync('wrk', ['-v'], { encoding: 'utf8' });
    v.wrk = /wrk (\S+)/.exec(r.stdout + r.stderr)?.[1] ?? 'unknown';
  }
  return v;
}

function machine() {
  let model = os.cpus()[0]?.model?.trim() || 'unknown CPU';
  try {
    model = /^model name\s*:\s*(.+)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? model;
  } catch {
    /* not Linux */
  }
  return { cores: os.availableParallelism(), model, kernel: os.release() };
}

// The CPUs this process may run on (its affinity), as taskset reports them; null if taskset is
// missing or does not work here (some containers forbid sched_setaffinity).
function allowedCpus() {
  if (!which('taskset')) return { cpus: null, why: 'taskset not found' };
  const r = spawnSync('taskset', ['-pc', String(process.pid)], { encoding: 'utf8' });
  const list = /list:\s*(\S+)/.exec(r.stdout)?.[1];
  if (!list) return { cpus: null, why: 'taskset -p failed' };
  const cpus = [];
  for (const part of list.split(',')) {
    const [a, b] = part.split('-').map(Number);
    for (let c = a; c <= (b ?? a); c++) cpus.push(c);
  }
  const probe = spawnSync('taskset', ['-c', String(cpus[cpus.length - 1]), 'true']);
  if (probe.status !== 0) return { cpus: null, why: 'taskset cannot set the affinity here' };
  return { cpus };
}

// CPU accounting from /proc (Linux), to tell which core was the bottleneck of a run and whether
// something else on the machine took CPU time during it (another build, the test suite, a
// neighbour VM). Per core: busy = not idle/iowait; steal = time the hypervisor gave elsewhere.
// "Other" = busy time of all cores minus the CPU time of this script and its process groups
// (wrk, upstream, target and their workers), in % of one core. Kernel time spent on our own
// loopback traffic in softirq context is not charged to a process, so it is left out of both
// sides (irq and softirq columns are not counted as busy for "other").
function cpuSnapshot(ctx) {
  try {
    const cores = {};
    let procBusy = 0; // user+nice+system of all cores
    for (const m of fs.readFileSync('/proc/stat', 'utf8').matchAll(/^cpu(\d+) (.*)$/gm)) {
      const f = m[2].trim().split(/\s+/).map(Number);
      cores[m[1]] = { total: f.slice(0, 8).reduce((x, y) => x + y, 0), idle: f[3] + f[4], steal: f[7] ?? 0 };
      procBusy += f[0] + f[1] + f[2];
    }
    const groups = new Set([...live].map((p) => p.child.pid));
    let ours = 0;
    for (const pid of fs.readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      let stat;
      try {
        stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      } catch {
        continue; // exited meanwhile
      }
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
      if (Number(pid) === process.pid || groups.has(Number(f[2]))) ours += Number(f[11]) + Number(f[12]);
    }
    return { cores, procBusy, ours, at: process.hrtime.bigint() };
  } catch {
    return null;
  }
}

function cpuUse(before, after) {
  if (!before || !after) return null;
  const cores = {};
  for (const [cpu, a] of Object.entries(after.cores)) {
    const b = before.cores[cpu];
    const dt = a.total - b.total;
    cores[cpu] = { busy: dt > 0 ? 1 - (a.idle - b.idle) / dt : 0, steal: dt > 0 ? (a.steal - b.steal) / dt : 0 };
  }
  const ticks = (Number(after.at - before.at) / 1e9) * 100; // USER_HZ is 100 on Linux
  const other = Math.max(0, (after.procBusy - before.procBusy - (after.ours - before.ours)) / ticks);
  return { cores, other };
}

function gitRevision() {
  const r = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) return null;
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).stdout.trim() !== '';
  return r.stdout.trim() + (dirty ? ' (src/ modified)' : '');
}

// ---------------------------------------------------------------------------------------------
// meshgate build: `npm run build` when dist/cli/main.js is missing or older than any file in src/.
function newestMtime(dir) {
  let newest = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (!e.name.endsWith('.test.ts')) newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

function ensureMeshgateBuilt() {
  const srcDir = path.join(ROOT, 'src');
  const cliExists = fs.existsSync(MESHGATE_CLI);
  if (cliExists && fs.statSync(MESHGATE_CLI).mtimeMs >= newestMtime(srcDir)) return null;
  if (!cliExists && !fs.existsSync(path.join(srcDir, 'cli', 'main.ts'))) {
    return 'meshgate CLI not built: no dist/cli/main.js and no src/cli/main.ts yet';
  }
  log(cliExists ? 'dist/ is older than src/: npm run build' : 'dist/cli/main.js missing: npm run build');
  const r = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  if (r.status !== 0) {
    return `meshgate CLI not built: npm run build failed (exit ${r.status ?? r.signal})` +
      (cliExists ? '; --no-build measures the dist/ that is there' : '');
  }
  if (!fs.existsSync(MESHGATE_CLI)) return 'meshgate CLI not built: npm run build produced no dist/cli/main.js';
  return null;
}

// ---------------------------------------------------------------------------------------------
// wrk: one thread on the load CPU, keep-alive, --latency for p50/p90/p99 and the Lua hook for
// p99.9 and the error counts.
async function runWrk(ctx, url, { conns, seconds, headers = [] }) {
  const args = ['-t1', `-c${conns}`, `-d${seconds}s`, '--latency', '--timeout', '5s', '-s', WRK_LUA];
  for (const h of headers) args.push('-H', h);
  args.push(url);
  const proc = launch(ctx, 'wrk', 'wrk', args, { cpus: 'load' });
  const watchdog = setTimeout(() => terminate(proc, 1000), (seconds + 20) * 1000);
  // CPU use over the middle of the run (skipping wrk's connection set-up and the tail).
  let before = null;
  let after = null;
  const t1 = setTimeout(() => (before = cpuSnapshot(ctx)), Math.min(500, seconds * 100));
  const t2 = setTimeout(() => (after = cpuSnapshot(ctx)), seconds * 1000 - Math.min(500, seconds * 100));
  await proc.exited;
  await Promise.race([proc.closed, sleep(2000)]);
  clearTimeout(watchdog);
  clearTimeout(t1);
  clearTimeout(t2);
  const text = proc.output();
  if (proc.exitCode !== 0) throw new Error(`wrk exited with ${proc.exitCode}\n${tail(text)}`);
  return { ...parseWrk(text), cpu: cpuUse(before, after) };
}

const UNIT_US = { us: 1, ms: 1e3, s: 1e6, m: 60e6, h: 3600e6 };

function parseWrk(text) {
  const rps = Number(/^Requests\/sec:\s*([\d.]+)/m.exec(text)?.[1]);
  const lat = {};
  for (const m of text.matchAll(/^\s*(50|75|90|99)(?:\.0+)?%\s+([\d.]+)(us|ms|s|m|h)\s*$/gm)) lat[`p${m[1]}`] = Number(m[2]) * UNIT_US[m[3]];
  const lua = /^BENCH_RESULT (\{.*\})\s*$/m.exec(text);
  const extra = lua ? JSON.parse(lua[1]) : null;
  if (!Number.isFinite(rps) && !extra) throw new Error(`cannot parse wrk output\n${tail(text)}`);
  const latency = { ...(extra?.latency_us ?? {}), ...lat }; // --latency text wins for p50/p90/p99
  return {
    rps: Number.isFinite(rps) ? rps : extra.requests / (extra.duration_us / 1e6),
    requests: extra?.requests ?? Number(/(\d+) requests in/.exec(text)?.[1]),
    latency,
    errors: extra?.errors ?? null,
  };
}

// ---------------------------------------------------------------------------------------------
// Report.
const fmtInt = (n) => Math.round(n).toLocaleString('en-US');
function fmtMs(us) {
  if (us === undefined || !Number.isFinite(us)) return '—';
  const ms = us / 1000;
  return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0)} ms`;
}
// "0: 100%, 1: 96%", with the hypervisor's steal when noticeable ("1: 96% (steal 4%)") and the
// CPU used by other processes ("other 30%") when above OTHER_LOAD_WARN.
const OTHER_LOAD_WARN = 0.05;
const fmtCpu = (c) =>
  c
    ? Object.entries(c.cores)
        .map(([cpu, x]) => `${cpu}: ${Math.round(x.busy * 100)}%` + (x.steal >= 0.02 ? ` (steal ${Math.round(x.steal * 100)}%)` : ''))
        .join(', ') + (c.other >= OTHER_LOAD_WARN ? `; other ${Math.round(c.other * 100)}%` : '')
    : '';
const fmtRatio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '—');

function header(ctx) {
  const m = ctx.machine;
  const v = ctx.versions;
  const L = ctx.layout;
  const lines = [
    `## meshgate bench, ${new Date().toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    '',
    `- Machine: ${m.cores} cores, ${m.model}, Linux ${m.kernel}; Node ${v.node}; nginx ${v.nginx ?? 'not installed'}; wrk ${v.wrk}` +
      (ctx.git ? `; meshgate ${ctx.git}` : ''),
    `- Upstream: ${ctx.upstreamKind}, on CPU ${L ? L.upstream.join(',') : 'any'}`,
    `- Load: wrk, 1 thread on CPU ${L ? L.load.join(',') : 'any'}, keep-alive, ${ctx.warmup} s warm-up then ${ctx.duration} s measured per target and scenario`,
    L
      ? `- Pinning (taskset): wrk on CPU ${L.load.join(',')}, upstream on CPU ${L.upstream.join(',')}, ` +
        `single-worker proxies on CPU ${L.proxy.join(',')}, multi-worker targets on CPUs ${L.all.join(',')}` +
        (ctx.opts.cpus ? ` (--cpus ${ctx.opts.cpus})` : '') +
        '. `direct` runs with the same layout, so its row is the ceiling of the proxied rows' +
        (L.all.some((c) => L.load.includes(c) || L.upstream.includes(c)) ? '; multi-worker targets share cores with wrk and the upstream' : '')
      : `- Pinning: none (${ctx.pinWhy})`,
    `- Latency: p50/p90/p99 from wrk --latency, p99.9 from bench/wrk-report.lua; ratios are req/s against the nginx and direct rows of the same table; ` +
      'CPU busy: each core over the measured run (/proc/stat), 100% marks the bottleneck; steal = time the hypervisor gave to other guests; ' +
      'other = CPU time of processes outside this benchmark, in % of one core (rows marked ⚠ when above 5%)',
  ];
  return lines.join('\n');
}

function table(ctx, scenario, results) {
  const byId = Object.fromEntries(results.filter((r) => r.result).map((r) => [r.target.id, r.result]));
  const nginx = byId.nginx?.rps;
  const direct = byId.direct?.rps;
  const lines = [
    `### ${scenario.title}, ${scenario.conns} connections`,
    '',
    '| target | req/s | p50 | p90 | p99 | p99.9 | vs nginx | vs direct | CPU busy |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  const notes = [];
  for (const { target, result, skipped } of results) {
    if (!result) {
      lines.push(`| ${target.id} | — | — | — | — | — | — | — | |`);
      notes.push(skipped.startsWith('failed') ? `${target.id}: ${skipped}` : `${target.id}: skipped (${skipped})`);
      continue;
    }
    const l = result.latency;
    const errs = result.errors ? Object.entries(result.errors).filter(([, n]) => n > 0) : [];
    const busyElsewhere = result.cpu && result.cpu.other >= OTHER_LOAD_WARN;
    const mark = errs.length || busyElsewhere ? ' ⚠' : '';
    if (busyElsewhere) {
      notes.push(`${target.id}: other processes used ${Math.round(result.cpu.other * 100)}% of a core during the run; its numbers are disturbed, rerun when the machine is quiet`);
    }
    lines.push(
      `| ${target.id}${mark} | ${fmtInt(result.rps)} | ${fmtMs(l.p50)} | ${fmtMs(l.p90)} | ${fmtMs(l.p99)} | ${fmtMs(l['p99.9'])} | ${fmtRatio(result.rps, nginx)} | ${fmtRatio(result.rps, direct)} | ${fmtCpu(result.cpu)} |`,
    );
    if (errs.length) {
      notes.push(`${target.id}: errors during the run: ${errs.map(([k, n]) => `${k === 'status' ? 'non-2xx/3xx' : k} ${n}`).join(', ')} (of ${fmtInt(result.requests)} requests)`);
    }
  }
  lines.push('');
  for (const t of results.map((r) => r.target)) {
    const cpus = ctx.layout ? ` [CPU ${ctx.layout[t.cpus].join(',')}]` : '';
    if (results.find((r) => r.target === t)?.result) lines.push(`- ${t.id}: ${t.describe(ctx, ctx.setups.get(scenario))}${cpus}`);
  }
  for (const n of notes) lines.push(`- ${n}`);
  return lines.join('\n');
}

function writeResults(text) {
  const dir = path.join(BENCH_DIR, 'results');
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${new Date().toISOString().slice(0, 10)}.md`);
  if (fs.existsSync(file)) fs.appendFileSync(file, `\n---\n\n${text}\n`);
  else fs.writeFileSync(file, `# meshgate benchmark results\n\nWritten by \`npm run bench\` (scripts/bench.mjs); each run is appended.\n\n${text}\n`);
  return path.relative(ROOT, file);
}

// ---------------------------------------------------------------------------------------------
const HELP = `Usage: npm run bench -- [options]      (or: node scripts/bench.mjs [options])

Measures, in one run with the same upstream and the same load generator (wrk):
  ${TARGETS.map((t) => t.id).join(', ')}
and prints a markdown table per scenario (req/s, p50/p90/p99/p99.9, ratio vs nginx and vs
direct), also appended to bench/results/<YYYY-MM-DD>.md.

Options:
  --quick             3 s per run, 1 s warm-up, main scenario only (under a minute)
  --duration N        seconds per measured run (default 8, or 3 with --quick)
  --warmup N          seconds of warm-up before each measured run (default 2, or 1 with --quick)
  --connections N     run the scenarios at N connections instead of their own counts
  --only a,b          targets to run (default: all): ${TARGETS.map((t) => t.id).join(', ')}
  --scenario a,b      scenarios to run: ${SCENARIOS.map((s) => s.id).join(', ')}
  --upstream KIND     auto (default: nginx if installed, else Node), nginx, or node
  --cpus SPEC         override the CPU layout, e.g. 'load=0;upstream=0;proxy=1;all=0-1'
                      (the default on 2 cores; roles: load = wrk, upstream, proxy = single-worker
                      targets, all = multi-worker targets)
  --no-pin            do not pin processes to CPUs with taskset
  --no-write          do not write bench/results/
  --wait-quiet N      on a shared machine: wait for quiet (other processes under 10% of a core)
                      before starting, and measure a run again (up to 3 times) when other
                      processes took over 5% of a core during it; N seconds of waiting at most
                      over the whole run. Without it a busy machine is only reported (rows ⚠)
  --no-build          use dist/ as it is (no \`npm run build\` even when src/ is newer)
  -h, --help          this text

Needs wrk (apt-get install -y wrk); nginx (apt-get install -y nginx-light) for the nginx target
and the cheapest upstream. meshgate targets run dist/cli/main.js and run \`npm run build\` first
when it is missing or older than src/.`;

async function main() {
  const { values: o } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      duration: { type: 'string' },
      warmup: { type: 'string' },
      connections: { type: 'string' },
      only: { type: 'string' },
      scenario: { type: 'string' },
      upstream: { type: 'string', default: 'auto' },
      'no-pin': { type: 'boolean', default: false },
      cpus: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      'wait-quiet': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (o.help) {
    console.log(HELP);
    return;
  }
  const num = (name, v, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Usage(`--${name} wants an integer >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  const duration = o.duration !== undefined ? num('duration', o.duration, 1) : o.quick ? 3 : 8;
  const warmup = o.warmup !== undefined ? num('warmup', o.warmup, 0) : o.quick ? 1 : 2;
  if (!['auto', 'nginx', 'node'].includes(o.upstream)) throw new Usage(`--upstream wants auto, nginx or node, got ${o.upstream}`);

  const pick = (list, arg, what) => {
    if (!arg) return list;
    const ids = arg.split(',').map((s) => s.trim()).filter(Boolean);
    const unknown = ids.filter((id) => !list.some((x) => x.id === id));
    if (unknown.length) throw new Usage(`unknown ${what}: ${unknown.join(', ')} (known: ${list.map((x) => x.id).join(', ')})`);
    return list.filter((x) => ids.includes(x.id));
  };
  const targets = pick(TARGETS, o.only, 'target');
  let scenarios = pick(SCENARIOS, o.scenario, 'scenario');
  if (o.quick && !o.scenario) scenarios = scenarios.filter((s) => s.quick);
  if (o.connections !== undefined) {
    const conns = num('connections', o.connections, 1);
    const seen = new Set();
    scenarios = scenarios
      .map((s) => ({ ...s, conns }))
      .filter((s) => {
        const key = JSON.stringify({ ...s, id: undefined, quick: undefined });
        return !seen.has(key) && seen.add(key);
      });
  }

  const v = versions();
  if (!v.wrk) {
    log('wrk not found: install it (apt-get install -y wrk). Stopping.');
    process.exitCode = 1;
    return;
  }
  const ctx = { opts: o, versions: v, machine: machine(), git: gitRevision(), duration, warmup, layout: null, pinWhy: '', upstream: null };
  if (o['no-pin']) ctx.pinWhy = '--no-pin';
  else {
    const { cpus, why } = allowedCpus();
    ctx.layout = cpus ? cpuLayout(cpus) : null;
    ctx.pinWhy = why ?? (ctx.layout ? '' : 'only one CPU');
    if (o.cpus && ctx.layout) ctx.layout = { ...ctx.layout, ...parseCpus(o.cpus) };
  }
  if (targets.some((t) => t.meshgate)) {
    ctx.meshgateUnavailable = o['no-build']
      ? fs.existsSync(MESHGATE_CLI)
        ? null
        : 'meshgate CLI not built: no dist/cli/main.js (--no-build)'
      : ensureMeshgateBuilt();
  }

  // Other work on the machine (a build, tests, another benchmark) skews every number. Say so
  // before starting; with --wait-quiet N, wait for quiet (up to N seconds over the whole run)
  // before the run and again before a measured run whose predecessor was disturbed.
  const waitQuiet = o['wait-quiet'] !== undefined ? num('wait-quiet', o['wait-quiet'], 0) : 0;
  ctx.quietDeadline = Date.now() + waitQuiet * 1000;
  await untilQuiet(ctx, true);

  // Scenarios with the same setup (upstream body, meshgate route) share an upstream and one
  // start of each target.
  const groups = new Map();
  for (const s of scenarios) {
    const key = JSON.stringify({ upstream: s.upstream ?? null, route: s.route ?? null, gateway: s.gateway ?? null });
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(s);
  }
  const results = new Map(scenarios.map((s) => [s.id + s.conns, []]));
  ctx.setups = new Map();
  const started = Date.now();
  for (const group of groups.values()) {
    const setup = { ...group[0], maxConns: Math.max(...group.map((s) => s.conns)) };
    for (const s of group) ctx.setups.set(s, setup);
    ctx.upstream = await startUpstream(ctx, setup);
    ctx.upstreamKind = ctx.upstream.kind;
    log(`upstream: ${ctx.upstream.kind} at ${ctx.upstream.url}`);
    for (const target of targets) {
      const why = target.available(ctx);
      if (why) {
        log(`${target.id}: skipped: ${why}`);
        for (const s of group) results.get(s.id + s.conns).push({ target, skipped: why });
        continue;
      }
      let handle;
      try {
        log(`${target.id}: starting`);
        handle = await target.start(ctx, setup);
        for (const s of group) {
          let result;
          for (let attempt = 1; ; attempt++) {
            if (warmup > 0) await runWrk(ctx, handle.url, { conns: s.conns, seconds: warmup, headers: s.headers });
            result = await runWrk(ctx, handle.url, { conns: s.conns, seconds: duration, headers: s.headers });
            const other = result.cpu?.other ?? 0;
            log(`${target.id}: ${s.id} @${s.conns}: ${fmtInt(result.rps)} req/s, p99 ${fmtMs(result.latency.p99)}` +
              (other >= OTHER_LOAD_WARN ? ` (disturbed: other processes ${Math.round(other * 100)}% of a core)` : ''));
            if (other < OTHER_LOAD_WARN || attempt === 3 || Date.now() >= ctx.quietDeadline) break;
            if (!(await untilQuiet(ctx, false))) break;
            log(`${target.id}: ${s.id} @${s.conns}: measuring again`);
          }
          results.get(s.id + s.conns).push({ target, result });
        }
      } catch (err) {
        if (signalled) throw new Interrupted();
        const why = `failed: ${err.message.split('\n')[0]}`;
        log(`${target.id}: ${err.message}`);
        for (const s of group) {
          const list = results.get(s.id + s.conns);
          if (!list.some((r) => r.target === target)) list.push({ target, skipped: why });
        }
      } finally {
        await handle?.stop();
      }
    }
    await ctx.upstream.stop();
  }

  const report = [header(ctx), ...scenarios.map((s) => table(ctx, s, results.get(s.id + s.conns)))].join('\n\n');
  console.log(report);
  log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s`);
  if (!o['no-write']) log(`written to ${writeResults(report)}`);
}

class Usage extends Error {}

// Waits (until ctx.quietDeadline) for other processes to use under 10% of a core, sampling 1 s
// at a time; true when quiet. `report` logs a busy machine even when there is no time to wait.
async function untilQuiet(ctx, report) {
  let waited = false;
  for (;;) {
    const before = cpuSnapshot(ctx);
    await sleep(1000);
    const other = cpuUse(before, cpuSnapshot(ctx))?.other ?? 0;
    if (other < 0.1) {
      if (waited) log('machine quiet again');
      return true;
    }
    if (Date.now() >= ctx.quietDeadline) {
      if (report || waited) {
        log(`warning: the machine is busy: other processes use ${Math.round(other * 100)}% of a core; results will be disturbed` +
          (ctx.opts['wait-quiet'] ? ' (--wait-quiet time used up)' : ' (--wait-quiet N waits for quiet)'));
      }
      return false;
    }
    if (!waited) log(`machine busy (other processes: ${Math.round(other * 100)}% of a core), waiting...`);
    waited = true;
    await sleep(2000);
  }
}

// --cpus 'load=0;upstream=1;proxy=1;all=0-1': overrides entries of the CPU layout.
function parseCpus(spec) {
  const out = {};
  for (const part of spec.split(';').filter(Boolean)) {
    const [role, list] = part.split('=');
    if (!['load', 'upstream', 'proxy', 'all'].includes(role) || !/^[\d,-]+$/.test(list ?? '')) {
      throw new Usage(`--cpus wants role=list pairs separated by ';' (roles: load, upstream, proxy, all), got ${JSON.stringify(part)}`);
    }
    out[role] = list.split(',').flatMap((r) => {
      const [a, b] = r.split('-').map(Number);
      return Array.from({ length: (b ?? a) - a + 1 }, (_, i) => a + i);
    });
  }
  return out;
}

main().then(
  () => signalled || cleanupAndExit(process.exitCode ?? 0),
  (err) => {
    if (signalled || err instanceof Interrupted) return;
    if (err instanceof Usage || err?.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || err?.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      log(`${err.message} (npm run bench -- --help)`);
      return cleanupAndExit(2);
    }
    log(err?.stack ?? String(err));
    return cleanupAndExit(1);
  },
);
