#!/usr/bin/env node
// Side-by-side macro benchmark: `npm run bench` (ARCHITECTURE.md point 15, issue 8).
//
// One run, one upstream, one load generator (wrk), several targets:
//   direct               wrk straight to the upstream: the most any proxy could reach on this setup
//   nginx                nginx as a plain reverse proxy, 1 worker, keep-alive to the upstream
//   haproxy              haproxy, nbthread 1, http-reuse always
//   caddy                caddy reverse_proxy, GOMAXPROCS=1, admin API and automatic HTTPS off
//   fast-gateway         fast-gateway 3.4.7 (bench/peers/fast-gateway.mjs), 1 process
//   fastify-http-proxy   @fastify/http-proxy on fastify (bench/peers/fastify-http-proxy.mjs), 1 process
//   meshgate-1w          node dist/cli/main.js start, workers: 1
//   meshgate-Nw          the same, workers: auto
// and, for the obs-overhead scenario only, meshgate-1w with observability off and on.
// Each target gets a warm-up run (discarded) and a measured run per scenario; the report is a
// markdown table per scenario with each row's ratio against nginx and against direct, printed
// to stdout and appended to bench/results/<YYYY-MM-DD>.md, and the same numbers as an SVG bar
// chart in bench/results/<YYYY-MM-DD>.svg. Progress goes to stderr.
//
// Adding things:
//   - a target: one entry in TARGETS (start() returns { url, stop }); see nginx for a template.
//   - a scenario: one entry in SCENARIOS. `upstream` (body size), `route` (extra meshgate
//     route keys) and `gateway` (extra top-level meshgate keys) are part of a scenario's
//     "setup": scenarios with the same setup share one upstream and one start of each target;
//     `headers` are sent by wrk on every request; `targets` limits the targets it runs on.
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
const PEERS_DIR = path.join(BENCH_DIR, 'peers');
const MESHGATE_CLI = path.join(ROOT, 'dist', 'cli', 'main.js');
const SMALL_BODY = 'hello world\n';

// Default timings: the full set is 40 measured runs and 22 target starts, so 2 s warm-up + 5 s
// measured keeps it near 6 minutes on 2 cores (bound: 10); --quick is 8 runs of 1 + 2 s.
const TIMING = { full: { warmup: 2, duration: 5 }, quick: { warmup: 1, duration: 2 } };
/** Rounds of a paired scenario (each round measures both of its targets once). */
const PAIRED_ROUNDS = 4;

// ---------------------------------------------------------------------------------------------
// Scenarios. `full: true` ones make the default set; `quick: true` ones are the --quick set.
// `targets` (ids) limits a scenario to some targets; without it, it runs on every main target.
// `baseline` adds a column: each row's req/s against another row of the same run, either the
// same target in another scenario ({ scenario }) or another target of this one ({ target }).
const POLICY_TARGETS = ['direct', 'nginx', 'meshgate-1w', 'meshgate-Nw'];
const SCENARIOS = [
  { id: 'small-ka-50', title: 'small body (12 B), keep-alive', conns: 50, full: true, quick: true },
  { id: 'small-ka-256', title: 'small body (12 B), keep-alive', conns: 256, full: true },
  {
    id: 'body-64k',
    title: '64 KiB body, keep-alive',
    conns: 50,
    full: true,
    upstream: { bodyBytes: 65536 },
  },
  // wrk reconnects after every response when the server honours `Connection: close`: one TCP
  // handshake and teardown per request on the client side (proxies keep the upstream side alive).
  {
    id: 'new-conn',
    title: 'small body (12 B), new connection per request (`Connection: close`)',
    conns: 50,
    full: true,
    headers: ['Connection: close'],
  },
  // The seed's full policy set on the route (meshgate rows; direct and nginx for the ratios).
  // The rate limit is far above what the machine can send, so it never denies.
  {
    id: 'policies',
    title: 'small body (12 B), keep-alive, route with circuit breaker + retry policy + timeout + rateLimitRps',
    conns: 50,
    full: true,
    targets: POLICY_TARGETS,
    baseline: { scenario: 'small-ka-50', label: 'vs bare route' },
    route: {
      timeoutSeconds: 5,
      rateLimitRps: 1000000,
      circuitBreaker: { failureThreshold: 5, timeoutSeconds: 30, halfOpenRequests: 3 },
      retryPolicy: { maxAttempts: 3, backoffMultiplier: 2.0, initialDelayMs: 100 },
    },
  },
  // What metrics, the access log and tracing cost together: meshgate-1w started twice, with
  // observability off and on (see OBS_TARGETS); the issue's target is under 10%.
  {
    id: 'obs-overhead',
    title: 'small body (12 B), keep-alive, meshgate observability off vs on (metrics, access log to a file, tracing 1% to OTLP)',
    conns: 50,
    full: true,
    targets: ['direct', 'nginx', 'meshgate-1w-obs-off', 'meshgate-1w-obs-on'],
    baseline: { target: 'meshgate-1w-obs-off', label: 'vs obs off', rows: ['meshgate-1w-obs-off', 'meshgate-1w-obs-on'] },
    // Off and on run at once on the same CPU and are loaded at once in every round (runPaired):
    // the median of the rounds' ratios is the cost. Warm-up (unless --warmup): 20 s before the
    // rounds. With observability on, V8 has some 60 more functions to optimize (tracing, the
    // access log, the export thread's encoder), and its compiler threads share the gateway's
    // core: after 2 s of warm-up they were still compiling (0.56 µs of CPU per request in a
    // profile of the first rounds, none with observability off), which took 1-2% off the ratio
    // (0.889 against 0.901 with 15 s first, side by side over 4-6 launches). A gateway runs for
    // days; its steady state is the cost.
    paired: { targets: ['meshgate-1w-obs-off', 'meshgate-1w-obs-on'], warmup: 20 },
  },
  // Rate-limit decision cost, out of the default set (time): a limit high enough never to
  // deny, in process (memory) and in Redis (REDIS_URL, default 127.0.0.1:6379).
  {
    id: 'ratelimit-local',
    title: 'small body (12 B), keep-alive, route with a token-bucket limit (memory store)',
    conns: 50,
    targets: POLICY_TARGETS,
    baseline: { scenario: 'small-ka-50', label: 'vs bare route' },
    route: { rateLimits: [{ name: 'bench', limit: 100000000, periodSeconds: 1, key: 'ip' }] },
  },
  {
    id: 'ratelimit-redis',
    title: 'small body (12 B), keep-alive, route with a token-bucket limit (Redis store)',
    conns: 50,
    targets: POLICY_TARGETS,
    baseline: { scenario: 'small-ka-50', label: 'vs bare route' },
    route: { rateLimits: [{ name: 'bench', limit: 100000000, periodSeconds: 1, key: 'ip' }] },
    gateway: { rateLimitStore: { type: 'redis', url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', onStoreError: 'deny', timeoutMs: 1000 } },
  },
  // Every request in the access log (formatting and writing).
  {
    id: 'access-log',
    title: 'small body (12 B), keep-alive, access log on (every request, to /dev/null)',
    conns: 50,
    targets: POLICY_TARGETS,
    baseline: { scenario: 'small-ka-50', label: 'vs bare route' },
    gateway: { accessLog: { enabled: true, output: '/dev/null' } },
  },
];

// ---------------------------------------------------------------------------------------------
// CPU layout. A benchmark that lets wrk, the upstream and the proxy float over the same cores
// hides the proxy's cost (they steal each other's cycles at random). So each role gets its own
// cores (taskset), and a single-worker proxy gets one core to itself:
//   2 cores:   core 0: wrk (1 thread) and the upstream (1 process); core 1: the proxy, alone
//   3 cores:   wrk 0, upstream 1, proxy 2; multi-worker targets on all three
//   4-7 cores: wrk 0, upstream 1, proxy 2; multi-worker targets on 2..n-1 (no sharing)
//   8+ cores:  wrk on the first quarter (one thread per core), the upstream on the second
//              quarter (one nginx worker per core), single-worker proxies on the next core,
//              multi-worker targets on the remaining half, so a many-worker gateway is not
//              starved by a load generator or an upstream that cannot keep up with it
// The work of wrk and the upstream per request is the same for every target, so `direct`,
// measured with the same layout, is what a zero-cost proxy would get: the ceiling of every
// proxied row. A proxy row close to `direct` is limited by the load/upstream cores, not by
// itself (its ratio is then a lower bound). On 2 and 3 cores multi-worker targets share cores
// with wrk and the upstream; their row shows scaling under that contention, not free scaling.
// --cpus overrides any role.
function cpuLayout(allowed) {
  const n = allowed.length;
  if (n >= 8) {
    const q = Math.floor(n / 4);
    return { load: allowed.slice(0, q), upstream: allowed.slice(q, 2 * q), proxy: [allowed[2 * q]], all: allowed.slice(2 * q) };
  }
  if (n >= 4) return { load: [allowed[0]], upstream: [allowed[1]], proxy: [allowed[2]], all: allowed.slice(2) };
  if (n === 3) return { load: [allowed[0]], upstream: [allowed[1]], proxy: [allowed[2]], all: allowed };
  if (n === 2) return { load: [allowed[0]], upstream: [allowed[0]], proxy: [allowed[1]], all: allowed };
  return null;
}

// ---------------------------------------------------------------------------------------------
// Targets. start(ctx, setup) -> { url, stop() }; `cpus` names an entry of the CPU layout.
// `available(ctx)` returns null or the reason the target is skipped. `kind` colours the chart.
// `extra: true` targets run only in scenarios that name them.
const TARGETS = [
  {
    id: 'direct',
    kind: 'ceiling',
    describe: (ctx, setup) => `wrk straight to the upstream (${setup.upstreamKind})`,
    cpus: 'upstream',
    available: () => null,
    start: async (ctx) => ({ url: ctx.upstream.url, stop: async () => {} }),
  },
  {
    id: 'nginx',
    kind: 'native',
    bin: 'nginx',
    describe: (ctx, setup) =>
      `nginx ${ctx.versions.nginx ?? '?'} reverse proxy, 1 worker, HTTP/1.1 upstream keepalive ${upstreamIdle(setup)}, proxy_buffers 32 8k`,
    cpus: 'proxy',
    available: (ctx) => binMissing(ctx, 'nginx'),
    start: async (ctx, setup) => {
      const port = await freePort();
      const [host, upPort] = ctx.upstream.address;
      // proxy_buffers: the default (8 4k|8k) is smaller than the 64 KiB body, and nginx would
      // spill the rest of a response to a temp file whenever wrk reads a little late.
      return startNginx(ctx, 'nginx-proxy', 'proxy', 1, port, () => `
  upstream bench {
    server ${host}:${upPort};
    keepalive ${upstreamIdle(setup)};
    keepalive_requests 1000000;
  }
  server {
    listen 127.0.0.1:${port} backlog=4096;
    location / {
      proxy_pass http://bench;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffer_size 8k;
      proxy_buffers 32 8k;
    }
  }`);
    },
  },
  {
    id: 'haproxy',
    kind: 'native',
    bin: 'haproxy',
    describe: (ctx) => `haproxy ${ctx.versions.haproxy ?? '?'}, nbthread 1, http-reuse always (upstream keep-alive), logs off`,
    cpus: 'proxy',
    available: (ctx) => binMissing(ctx, 'haproxy'),
    start: async (ctx) => {
      const port = await freePort();
      const [host, upPort] = ctx.upstream.address;
      const dir = mkTmp(ctx, 'haproxy');
      const conf = path.join(dir, 'haproxy.cfg');
      fs.writeFileSync(
        conf,
        `# generated by scripts/bench.mjs
global
  nbthread 1
  maxconn 8192
defaults
  mode http
  maxconn 8192
  option http-keep-alive
  http-reuse always
  timeout connect 5s
  timeout client 30s
  timeout server 30s
  timeout http-keep-alive 60s
frontend bench
  bind 127.0.0.1:${port}
  default_backend upstream
backend upstream
  server up ${host}:${upPort}
`,
      );
      const proc = launch(ctx, 'haproxy', ctx.bins.haproxy, ['-db', '-f', conf], { cpus: 'proxy' });
      const url = `http://127.0.0.1:${port}/`;
      await waitForStatus200(url, proc, 10_000, ctx.upstream.body);
      return { url, stop: () => terminate(proc, 3000) };
    },
  },
  {
    id: 'caddy',
    kind: 'native',
    bin: 'caddy',
    describe: (ctx, setup) =>
      `caddy ${ctx.versions.caddy ?? '?'} reverse_proxy, GOMAXPROCS=1, keep-alive (max_idle_conns_per_host ${upstreamIdle(setup)}), admin API and automatic HTTPS off`,
    cpus: 'proxy',
    available: (ctx) => binMissing(ctx, 'caddy'),
    start: async (ctx, setup) => {
      const port = await freePort();
      const [host, upPort] = ctx.upstream.address;
      const dir = mkTmp(ctx, 'caddy');
      const conf = path.join(dir, 'caddy.json');
      fs.writeFileSync(
        conf,
        JSON.stringify({
          admin: { disabled: true },
          logging: { logs: { default: { level: 'ERROR' } } },
          storage: { module: 'file_system', root: path.join(dir, 'data') },
          apps: {
            http: {
              servers: {
                bench: {
                  listen: [`127.0.0.1:${port}`],
                  automatic_https: { disable: true },
                  routes: [
                    {
                      handle: [
                        {
                          handler: 'reverse_proxy',
                          upstreams: [{ dial: `${host}:${upPort}` }],
                          transport: { protocol: 'http', keep_alive: { enabled: true, max_idle_conns_per_host: upstreamIdle(setup) } },
                        },
                      ],
                    },
                  ],
                },
              },
            },
          },
        }),
      );
      // Its data and config dirs (autosave.json, locks) go to the temp dir, not $HOME.
      const env = { ...process.env, GOMAXPROCS: '1', HOME: dir, XDG_DATA_HOME: path.join(dir, 'data'), XDG_CONFIG_HOME: path.join(dir, 'config') };
      const proc = launch(ctx, 'caddy', ctx.bins.caddy, ['run', '--config', conf], { cpus: 'proxy', env });
      const url = `http://127.0.0.1:${port}/`;
      await waitForStatus200(url, proc, 15_000, ctx.upstream.body);
      return { url, stop: () => terminate(proc, 3000) };
    },
  },
  nodePeerTarget('fast-gateway', 'fast-gateway.mjs', (ctx) =>
    `fast-gateway ${ctx.versions['fast-gateway'] ?? '?'} (restana + fast-proxy-lite, node:http keep-alive agent), 1 process; ` +
    'the newest that installs here: 5.x needs fast-proxy-lite ^1.1.3, which the registry does not serve; ' +
    "it passes a client's `Connection: close` on upstream (new-conn: a new upstream connection per request too)"),
  nodePeerTarget('fastify-http-proxy', 'fastify-http-proxy.mjs', (ctx, setup) =>
    `@fastify/http-proxy ${ctx.versions['@fastify/http-proxy'] ?? '?'} on fastify ${ctx.versions.fastify ?? '?'}, logger off, ` +
    `undici pool of ${upstreamIdle(setup, 128)} connections, upstream \`Connection\` response header dropped (see the peer script), 1 process`),
  meshgateTarget('meshgate-1w', 1, 'proxy'),
  meshgateTarget('meshgate-Nw', 'auto', 'all'),
  // obs-overhead: the same single-worker meshgate twice. Keys this build does not accept yet
  // (checked with `meshgate validate`) are left out and the row says so.
  meshgateTarget('meshgate-1w-obs-off', 1, 'proxy', {
    extra: true,
    base: 'meshgate-1w',
    label: 'observability off: metrics.enabled false, no access log, no tracing',
    gateway: () => ({ metrics: { enabled: false } }),
  }),
  meshgateTarget('meshgate-1w-obs-on', 1, 'proxy', {
    extra: true,
    base: 'meshgate-1w',
    label: 'observability on: metrics, access log of every request to a file, tracing sampleRate 0.01 to an OTLP/HTTP sink',
    gateway: (ctx, dir) => ({
      metrics: { enabled: true },
      accessLog: { enabled: true, output: path.join(dir, 'access.log') },
      tracing: { sampleRate: 0.01, exporter: { kind: 'otlp', endpoint: `http://127.0.0.1:${ctx.traceSink.port}/v1/traces` } },
    }),
  }),
];

// Idle upstream connections a proxy keeps (nginx `keepalive`, caddy max_idle_conns_per_host,
// the undici pool). With more client connections than that in flight, responses beyond it
// close their upstream connection and the next request opens a new one. Measured with nginx at
// 256 connections: keepalive 64 gave 28k req/s, 256 gave 49k, 512 gave 51k. So it is sized to
// the largest connection count of the run (at least the proxy's own default), to compare each
// proxy at its best.
const upstreamIdle = (setup, atLeast = 64) => Math.max(atLeast, setup?.maxConns ?? 0);

function nodePeerTarget(id, script, describe) {
  return {
    id,
    kind: 'node',
    describe,
    cpus: 'proxy',
    available: () => null,
    start: async (ctx, setup) => {
      const port = await freePort();
      const args = [path.join(PEERS_DIR, script), '--port', String(port), '--upstream', ctx.upstream.url.replace(/\/$/, ''), '--connections', String(upstreamIdle(setup, 128))];
      const proc = launch(ctx, id, process.execPath, args, { cpus: 'proxy', env: { ...process.env, NODE_ENV: 'production' } });
      const url = `http://127.0.0.1:${port}/`;
      await waitForStatus200(url, proc, 15_000, ctx.upstream.body);
      return { url, stop: () => terminate(proc, 3000) };
    },
  };
}

function meshgateTarget(id, workers, cpus, variant = {}) {
  const target = {
    id,
    kind: 'meshgate',
    meshgate: true,
    extra: variant.extra ?? false,
    base: variant.base,
    notes: [],
    describe: (ctx) =>
      `meshgate, \`workers: ${workers}\`` +
      (workers === 'auto' ? ` (${ctx.layout ? ctx.layout.all.length : os.availableParallelism()} cores)` : '') +
      (variant.label ? `, ${variant.label}` : '') +
      (target.notes.length ? ` (${target.notes.join('; ')})` : ''),
    cpus,
    available: (ctx) => ctx.meshgateUnavailable,
    start: async (ctx, setup) => {
      const port = await freePort();
      const adminPort = await freePort();
      const [host, upPort] = ctx.upstream.address;
      const route = { name: 'bench', path: '/', backendService: 'bench', ...(setup.route ?? {}) };
      const dir = mkTmp(ctx, id);
      const configPath = path.join(dir, 'meshgate.yaml');
      const write = (gateway) =>
        fs.writeFileSync(
          configPath,
          [
            `listen: { host: 127.0.0.1, port: ${port} }`,
            `admin: { host: 127.0.0.1, port: ${adminPort} }`,
            `workers: ${workers}`,
            'logLevel: warn',
            ...Object.entries(gateway).map(([k, v]) => `${k}: ${JSON.stringify(v)}`),
            'services:',
            `  bench: { endpoints: ["${host}:${upPort}"] }`,
            'routes:',
            `  - ${JSON.stringify(route)}`,
            '',
          ].join('\n'),
        );
      let gateway = { ...(setup.gateway ?? {}) };
      if (variant.gateway) {
        const wanted = variant.gateway(ctx, dir);
        target.notes = [];
        for (const [key, value] of Object.entries(wanted)) {
          write({ ...gateway, [key]: value });
          const why = validateConfig(configPath);
          if (why) {
            target.notes.push(`\`${key}\` left out: this build rejects it (${why})`);
            log(`${id}: \`${key}\` is not accepted by this meshgate build, measuring without it: ${why}`);
          } else gateway[key] = value;
        }
      }
      write(gateway);
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
  return target;
}

// `meshgate validate`: null when the config is accepted, else the first line of the complaint.
function validateConfig(file) {
  const r = spawnSync(process.execPath, [MESHGATE_CLI, 'validate', '--config', file], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  if (r.status === 0) return null;
  const text = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = text.find((l) => /unknown|additional|not allowed|must/i.test(l)) ?? text[0] ?? `exit ${r.status}`;
  return line.replace(`${file}: `, '').slice(0, 160);
}

// A stand-in OTLP/HTTP collector for obs-overhead: answers every export with 200 and an empty
// (protobuf) or `{}` (JSON) response, and counts them, so the tracing row shows spans did flow.
// It runs in this process: it handles a few exports per second, far from the pinned cores' load.
async function startTraceSink() {
  const sink = { port: 0, exports: 0, bytes: 0 };
  const server = http.createServer((req, res) => {
    req.on('data', (d) => (sink.bytes += d.length));
    req.on('end', () => {
      sink.exports++;
      const json = /json/.test(req.headers['content-type'] ?? '');
      res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
      res.end(json ? '{}' : '');
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  sink.port = server.address().port;
  sink.stop = () => new Promise((resolve) => server.close(resolve));
  return sink;
}

// ---------------------------------------------------------------------------------------------
// Upstreams: nginx (cheapest) or the Node fallback. start() -> { kind, url, address, body, stop }
async function startUpstream(ctx, setup) {
  const bodyBytes = setup.upstream?.bodyBytes ?? SMALL_BODY.length;
  const body = bodyBytes === SMALL_BODY.length ? SMALL_BODY : 'x'.repeat(Math.max(0, bodyBytes - 1)) + '\n';
  const port = await freePort();
  const url = `http://127.0.0.1:${port}/`;
  const useNginx = ctx.opts.upstream === 'nginx' || (ctx.opts.upstream === 'auto' && ctx.bins.nginx);
  const workers = ctx.layout ? ctx.layout.upstream.length : 1;
  if (useNginx) {
    if (!ctx.bins.nginx) throw new Error('--upstream nginx: nginx is not installed');
    // Small bodies with `return 200 "..."`; nginx cannot take a 64 KiB string literal (its config
    // tokens are limited to a 4 KiB buffer), so large bodies are a file, sent with sendfile.
    let location;
    let how;
    if (body.length <= 1024) {
      // nginx string literal: escape backslash and double quote; "\n" is written as the two characters \n.
      const literal = body.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
      location = `location / { return 200 "${literal}"; }`;
      how = '`return 200`';
    } else {
      location = `location / { root __DIR__/www; try_files /body =404; }`;
      how = `a ${bodyBytes}-byte file (sendfile, open_file_cache)`;
    }
    const started = await startNginx(ctx, 'nginx-upstream', 'upstream', workers, port, (dir) => {
      if (body.length > 1024) {
        fs.mkdirSync(path.join(dir, 'www'), { mode: 0o755 });
        fs.writeFileSync(path.join(dir, 'www', 'body'), body, { mode: 0o644 });
      }
      return `
  sendfile on;
  open_file_cache max=16;
  etag off;
  server {
    listen 127.0.0.1:${port} backlog=4096;
    ${location.replace('__DIR__', dir)}
  }`;
    }, body);
    return {
      kind: `nginx ${ctx.versions.nginx}, ${workers} worker${workers > 1 ? 's' : ''}, ${how}`,
      url,
      address: ['127.0.0.1', port],
      body,
      stop: started.stop,
    };
  }
  const proc = launch(ctx, 'node-upstream', process.execPath, [NODE_UPSTREAM, '--port', String(port), '--body-bytes', String(bodyBytes)], {
    cpus: 'upstream',
  });
  await waitForStatus200(url, proc, 10_000, body);
  return {
    kind: `Node ${process.version} raw \`net\` responder (bench/upstream.mjs), 1 process${ctx.bins.nginx ? '' : ' (nginx not installed)'}`,
    url,
    address: ['127.0.0.1', port],
    body,
    stop: () => terminate(proc, 3000),
  };
}

// An nginx with `workers` workers, its config, pid and temp files in a temp dir, in the foreground.
async function startNginx(ctx, name, cpus, workers, port, httpBlock, expectBody) {
  const dir = mkTmp(ctx, name);
  // Workers run as `nobody` when we are root; they must be able to reach their temp dirs.
  fs.chmodSync(dir, 0o755);
  const conf = path.join(dir, 'nginx.conf');
  const block = httpBlock(dir);
  fs.writeFileSync(
    conf,
    `# generated by scripts/bench.mjs
worker_processes ${workers};
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
${block}
}
`,
  );
  const proc = launch(ctx, name, ctx.bins.nginx, ['-p', dir, '-c', conf, '-g', `daemon off; pid ${dir}/nginx.pid; error_log stderr;`], { cpus });
  await waitForStatus200(`http://127.0.0.1:${port}/`, proc, 10_000, expectBody ?? ctx.upstream?.body);
  return { url: `http://127.0.0.1:${port}/`, stop: () => terminate(proc, 3000) };
}

// ---------------------------------------------------------------------------------------------
// Debian binaries (nginx, haproxy, caddy, wrk): found on PATH or in /usr/sbin; when missing and
// running as root, `apt-get install -y <package>` (after one `apt-get update` if that fails).
const PACKAGES = { nginx: 'nginx-light', haproxy: 'haproxy', caddy: 'caddy', wrk: 'wrk' };
const binMissing = (ctx, name) => (ctx.bins[name] ? null : `${name} not installed (apt-get install -y ${PACKAGES[name]})${ctx.installNotes[name] ? `: ${ctx.installNotes[name]}` : ''}`);

function findOrInstall(names, { install }) {
  const bins = {};
  const notes = {};
  const missing = [];
  for (const name of Object.keys(PACKAGES)) {
    bins[name] = which(name);
    if (!names.includes(name)) continue;
    if (bins[name]) log(`${name}: ${bins[name]}`);
    else missing.push(name);
  }
  if (!missing.length) return { bins, notes };
  const pkgs = missing.map((n) => PACKAGES[n]);
  const why = !install
    ? '--no-install'
    : process.getuid?.() !== 0
      ? 'not root'
      : !which('apt-get')
        ? 'no apt-get'
        : null;
  if (why) {
    for (const n of missing) notes[n] = `not installing (${why})`;
    log(`not found: ${missing.join(', ')}; not installing (${why}): apt-get install -y ${pkgs.join(' ')}`);
    return { bins, notes };
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const apt = (args) => spawnSync('apt-get', args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', timeout: 300_000 });
  log(`not found: ${missing.join(', ')}; installing: apt-get install -y ${pkgs.join(' ')}`);
  let r = apt(['install', '-y', ...pkgs]);
  if (r.status !== 0) {
    log('apt-get install failed; apt-get update and once more');
    apt(['update']);
    r = apt(['install', '-y', ...pkgs]);
  }
  for (const n of missing) {
    bins[n] = which(n);
    if (bins[n]) log(`${n}: installed (${PACKAGES[n]}), ${bins[n]}`);
    else {
      notes[n] = `apt-get install -y ${PACKAGES[n]} failed (${(r.stderr ?? '').trim().split('\n').pop() || `exit ${r.status ?? r.signal}`})`;
      log(`${n}: ${notes[n]}`);
    }
  }
  return { bins, notes };
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
  if (!tmpRoot) {
    tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'meshgate-bench-'));
    fs.chmodSync(tmpRoot, 0o755); // nginx workers run as `nobody` and read files below it
  }
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
  await terminate(proc, 1000); // not left running beside the next target's measurement
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

function versions(bins) {
  const v = { node: process.version, nginx: null, wrk: null, haproxy: null, caddy: null };
  const run = (bin, args, re) => {
    if (!bin) return null;
    const r = spawnSync(bin, args, { encoding: 'utf8', timeout: 10_000 });
    return re.exec(`${r.stdout}\n${r.stderr}`)?.[1] ?? 'unknown';
  };
  v.nginx = run(bins.nginx, ['-v'], /nginx\/(\S+)/);
  v.wrk = run(bins.wrk, ['-v'], /wrk (\S+)/);
  v.haproxy = run(bins.haproxy, ['-v'], /HA-?Proxy version (\S+)/i);
  v.caddy = run(bins.caddy, ['version'], /^v?(\d\S*)/m);
  for (const pkg of ['fast-gateway', '@fastify/http-proxy', 'fastify']) v[pkg] = pkgVersion(pkg);
  return v;
}

// The installed version of a dev dependency, or null.
function pkgVersion(pkg) {
  try {
    return JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
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
  log(cliExists ? 'dist/ is older than src/: npm run build -- --noEmitOnError' : 'dist/cli/main.js missing: npm run build -- --noEmitOnError');
  // --noEmitOnError: a src/ caught mid-edit must not leave a half-built dist/ behind.
  const r = spawnSync('npm', ['run', 'build', '--silent', '--', '--noEmitOnError'], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'], timeout: 300_000 });
  if (r.status !== 0) {
    return `meshgate CLI not built: npm run build failed (exit ${r.status ?? r.signal})` +
      (cliExists ? '; --no-build measures the dist/ that is there' : '');
  }
  if (!fs.existsSync(MESHGATE_CLI)) return 'meshgate CLI not built: npm run build produced no dist/cli/main.js';
  return null;
}

// ---------------------------------------------------------------------------------------------
// wrk: one thread per load CPU, keep-alive, --latency for p50/p90/p99 and the Lua hook for
// p99.9 and the error counts.
async function runWrk(ctx, url, { conns, seconds, headers = [] }) {
  const threads = Math.max(1, Math.min(conns, ctx.layout ? ctx.layout.load.length : 1));
  const args = [`-t${threads}`, `-c${conns}`, `-d${seconds}s`, '--latency', '--timeout', '5s', '-s', WRK_LUA];
  for (const h of headers) args.push('-H', h);
  args.push(url);
  const proc = launch(ctx, 'wrk', ctx.bins.wrk, args, { cpus: 'load' });
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
// Errors during the run, or other processes on the machine: the row is marked ⚠.
const disturbed = (r) => (r.errors && Object.values(r.errors).some((n) => n > 0)) || (r.cpu && r.cpu.other >= OTHER_LOAD_WARN);
const fmtRatio = (a, b) => (a && b ? `${(a / b).toFixed(2)}x` : '—');

function header(ctx) {
  const m = ctx.machine;
  const v = ctx.versions;
  const L = ctx.layout;
  const threads = L ? L.load.length : 1;
  const lines = [
    `## meshgate bench, ${ctx.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC`,
    '',
    `- Machine: ${m.cores} cores, ${m.model}, Linux ${m.kernel}; Node ${v.node}; wrk ${v.wrk}` + (ctx.git ? `; meshgate ${ctx.git}` : ''),
    `- Peers: nginx ${v.nginx ?? 'not installed'}, haproxy ${v.haproxy ?? 'not installed'}, caddy ${v.caddy ?? 'not installed'} (Debian packages); ` +
      `fast-gateway ${v['fast-gateway'] ?? 'not installed'} (the newest that installs from this registry: 5.x needs fast-proxy-lite ^1.1.3, which it does not serve), ` +
      `@fastify/http-proxy ${v['@fastify/http-proxy'] ?? 'not installed'} on fastify ${v.fastify ?? 'not installed'}`,
    `- Upstream (on CPU ${L ? L.upstream.join(',') : 'any'}): ${ctx.upstreamKinds.join('; ')}`,
    `- Load: wrk, ${threads} thread${threads > 1 ? 's' : ''} on CPU ${L ? L.load.join(',') : 'any'}, keep-alive unless the scenario says otherwise, ` +
      `${ctx.warmup} s warm-up then ${ctx.duration} s measured per target and scenario`,
    L
      ? `- Pinning (taskset): wrk on CPU ${L.load.join(',')}, upstream on CPU ${L.upstream.join(',')}, ` +
        `single-process proxies (nginx, haproxy, caddy, the Node peers, meshgate-1w) on CPU ${L.proxy.join(',')}, multi-worker targets on CPUs ${L.all.join(',')}` +
        (ctx.opts.cpus ? ` (--cpus ${ctx.opts.cpus})` : '') +
        '. `direct` runs with the same layout, so its row is the ceiling of the proxied rows' +
        (L.all.some((c) => L.load.includes(c) || L.upstream.includes(c)) ? '; multi-worker targets share cores with wrk and the upstream' : '')
      : `- Pinning: none (${ctx.pinWhy})`,
    `- Latency: p50/p90/p99 from wrk --latency, p99.9 from bench/wrk-report.lua; ratios are req/s against the nginx and direct rows of the same table; ` +
      'CPU busy: each core over the measured run (/proc/stat), 100% marks the bottleneck; steal = time the hypervisor gave to other guests; ' +
      'other = CPU time of processes outside this benchmark, in % of one core (rows marked ⚠ when above 5%)',
  ];
  if (ctx.chartPath) lines.push(`- Chart: ${ctx.chartPath} (req/s per target and scenario; rewritten by each run of the day)`);
  return lines.join('\n');
}

// The req/s of `targetId` in the baseline of `scenario` (another scenario of this run, or
// another target of the same table), or undefined.
function baselineRps(ctx, scenario, targetId) {
  const b = scenario.baseline;
  if (!b || (b.rows && !b.rows.includes(targetId))) return undefined;
  const list = b.scenario ? ctx.results.get(ctx.resultKey.get(b.scenario)) : ctx.results.get(scenario.id + scenario.conns);
  return list?.find((r) => r.target.id === (b.target ?? targetId))?.result?.rps;
}

function table(ctx, scenario, results) {
  const byId = Object.fromEntries(results.filter((r) => r.result).map((r) => [r.target.id, r.result]));
  const nginx = byId.nginx?.rps;
  const direct = byId.direct?.rps;
  const base = scenario.baseline;
  const lines = [
    `### ${scenario.id}: ${scenario.title}, ${scenario.conns} connections`,
    '',
    `| target | req/s | p50 | p90 | p99 | p99.9 | vs nginx | vs direct |${base ? ` ${base.label} |` : ''} CPU busy |`,
    `|---|---:|---:|---:|---:|---:|---:|---:|${base ? '---:|' : ''}---|`,
  ];
  const notes = [];
  for (const { target, result, skipped } of results) {
    if (!result) {
      lines.push(`| ${target.id} | — | — | — | — | — | — | — |${base ? ' — |' : ''} |`);
      notes.push(skipped.startsWith('failed') ? `${target.id}: ${skipped}` : `${target.id}: skipped (${skipped})`);
      continue;
    }
    const l = result.latency;
    const errs = result.errors ? Object.entries(result.errors).filter(([, n]) => n > 0) : [];
    const busyElsewhere = result.cpu && result.cpu.other >= OTHER_LOAD_WARN;
    const mark = disturbed(result) ? ' ⚠' : '';
    if (busyElsewhere) {
      notes.push(`${target.id}: other processes used ${Math.round(result.cpu.other * 100)}% of a core during the run; its numbers are disturbed, rerun when the machine is quiet`);
    }
    const baseCell = base ? ` ${fmtRatio(result.rps, baselineRps(ctx, scenario, target.id))} |` : '';
    // A paired target shared its core with its pair: against nginx and direct (alone) it would read half.
    const shared = scenario.paired?.targets.includes(target.id) && ctx.pairRatios.has(scenario.id);
    lines.push(
      `| ${target.id}${mark} | ${fmtInt(result.rps)} | ${fmtMs(l.p50)} | ${fmtMs(l.p90)} | ${fmtMs(l.p99)} | ${fmtMs(l['p99.9'])} | ${shared ? '—' : fmtRatio(result.rps, nginx)} | ${shared ? '—' : fmtRatio(result.rps, direct)} |${baseCell} ${fmtCpu(result.cpu)} |`,
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
  if (base?.scenario) {
    lines.push(`- ${base.label}: req/s against the same target's row in \`${base.scenario}\` of this run` +
      (ctx.resultKey.has(base.scenario) ? ' (direct and nginx do not see the route: their ratio shows the run-to-run noise)' : ` (not in this run: run it with \`--scenario ${base.scenario},${scenario.id}\`)`));
  }
  if (scenario.id === 'obs-overhead') {
    const off = byId['meshgate-1w-obs-off'];
    const on = byId['meshgate-1w-obs-on'];
    if (off && on) {
      // Paired rounds: the median of each launch's rounds' ratios, and the median of those over
      // launches (the table's rows are the means of all rounds).
      const launches = ctx.pairRatios.get(scenario.id) ?? [];
      const perLaunch = launches.map((r) => median(r));
      const ratio = perLaunch.length ? median(perLaunch) : on.rps / off.rps;
      const cost = 1 - ratio;
      const warm = ctx.pairWarmups.get(scenario.id);
      const list = (rs) => rs.map((r) => r.toFixed(3)).join(', ');
      const how =
        (perLaunch.length === 0
          ? 'one run each'
          : perLaunch.length === 1
            ? `median of ${launches[0].length} paired rounds (${list(launches[0])})`
            : `median over ${perLaunch.length} launches of each one's median round (launches ${list(perLaunch)}; rounds ${launches.map((r) => list(r)).join(' | ')})`) +
        (warm !== undefined ? `, after ${warm} s of warm-up (both at once${perLaunch.length > 1 ? ', each launch' : ''})` : '');
      if (ctx.pairRatios.has(scenario.id)) lines.push('- meshgate-1w-obs-off and meshgate-1w-obs-on share their core, loaded at once: each row is about half of what one does alone (so no ratio to nginx or direct)');
      lines.push(
        `- observability on/off: ${ratio.toFixed(3)}x req/s, ${how} (${cost >= 0 ? `${(cost * 100).toFixed(1)}% fewer` : `${(-cost * 100).toFixed(1)}% more`}), ` +
          `p50 ${fmtMs(off.latency.p50)} → ${fmtMs(on.latency.p50)}, p99 ${fmtMs(off.latency.p99)} → ${fmtMs(on.latency.p99)}; ` +
          `target: under 10% → ${disturbed(off) || disturbed(on) ? 'not judged (rows disturbed, see ⚠)' : cost < 0.1 ? 'met' : 'NOT met'} in this run` +
          (ctx.traceSink ? `; the OTLP sink received ${ctx.traceSink.exports} export request${ctx.traceSink.exports === 1 ? '' : 's'} (${fmtInt(ctx.traceSink.bytes)} bytes)` : ''),
      );
    }
  }
  for (const n of notes) lines.push(`- ${n}`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------
// SVG chart of the same tables, no dependency: per scenario, one horizontal bar per target,
// req/s scaled to the scenario's largest row (scenarios differ by 10x: body-64k, new-conn),
// a dashed line at nginx's req/s, and the numbers (req/s, ratio against nginx, p99) beside it.
const KIND_COLOUR = { ceiling: '#9e9e9e', native: '#4e79a7', node: '#f28e2b', meshgate: '#59a14f' };
const KIND_LABEL = { ceiling: 'direct (ceiling)', native: 'nginx / haproxy / caddy', node: 'Node peers', meshgate: 'meshgate' };
const xml = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function svgChart(ctx, scenarios) {
  const W = 1120;
  const labelW = 190;
  const barX = 200;
  const barW = 420;
  const rowH = 20;
  const out = [];
  let y = 24;
  const m = ctx.machine;
  out.push(`<text x="10" y="${y}" font-size="16" font-weight="bold">${xml(`meshgate bench, ${ctx.startedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC`)}</text>`);
  y += 18;
  out.push(`<text x="10" y="${y}" fill="#555">${xml(`${m.cores} cores, ${m.model}; Node ${ctx.versions.node}; ${ctx.warmup} s warm-up + ${ctx.duration} s per run; ` +
    (ctx.layout ? `wrk CPU ${ctx.layout.load.join(',')}, upstream CPU ${ctx.layout.upstream.join(',')}, single-process proxies CPU ${ctx.layout.proxy.join(',')}` : 'no pinning'))}</text>`);
  y += 20;
  let lx = 10;
  for (const [kind, colour] of Object.entries(KIND_COLOUR)) {
    out.push(`<rect x="${lx}" y="${y - 10}" width="12" height="12" fill="${colour}"/><text x="${lx + 16}" y="${y}">${xml(KIND_LABEL[kind])}</text>`);
    lx += 30 + KIND_LABEL[kind].length * 7;
  }
  out.push(`<line x1="${lx}" y1="${y - 4}" x2="${lx + 20}" y2="${y - 4}" stroke="#333" stroke-dasharray="4 3"/><text x="${lx + 26}" y="${y}">nginx req/s</text>`);
  y += 14;
  for (const s of scenarios) {
    const results = ctx.results.get(s.id + s.conns) ?? [];
    const max = Math.max(1, ...results.map((r) => r.result?.rps ?? 0));
    const nginx = results.find((r) => r.target.id === 'nginx')?.result?.rps;
    y += 22;
    out.push(`<text x="10" y="${y}" font-weight="bold">${xml(`${s.id}: ${s.title}, ${s.conns} connections`)}</text>`);
    y += 6;
    const top = y;
    for (const { target, result, skipped } of results) {
      const cy = y + rowH / 2;
      out.push(`<text x="${labelW}" y="${cy + 4}" text-anchor="end">${xml(target.id)}</text>`);
      if (result) {
        const w = Math.max(1, (result.rps / max) * barW);
        const fill = KIND_COLOUR[target.kind] ?? '#777';
        out.push(`<rect x="${barX}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 6}" fill="${fill}"><title>${xml(`${target.id}: ${fmtInt(result.rps)} req/s, p50 ${fmtMs(result.latency.p50)}, p99 ${fmtMs(result.latency.p99)}, p99.9 ${fmtMs(result.latency['p99.9'])}`)}</title></rect>`);
        const base = s.baseline ? baselineRps(ctx, s, target.id) : undefined;
        const warn = disturbed(result) ? ' ⚠' : '';
        const text = `${fmtInt(result.rps)} req/s · ${fmtRatio(result.rps, nginx)} nginx · p99 ${fmtMs(result.latency.p99)}` +
          (base ? ` · ${fmtRatio(result.rps, base)} ${s.baseline.label.replace(/^vs /, 'of ')}` : '') + warn;
        out.push(`<text x="${barX + barW + 10}" y="${cy + 4}">${xml(text)}</text>`);
      } else {
        out.push(`<text x="${barX + 4}" y="${cy + 4}" fill="#999">${xml(skipped.startsWith('failed') ? 'failed' : `skipped: ${skipped}`.slice(0, 110))}</text>`);
      }
      y += rowH;
    }
    if (nginx) {
      const nx = barX + (nginx / max) * barW;
      out.push(`<line x1="${nx.toFixed(1)}" y1="${top}" x2="${nx.toFixed(1)}" y2="${y}" stroke="#333" stroke-dasharray="4 3"/>`);
    }
  }
  y += 20;
  out.push(`<text x="10" y="${y}" fill="#555">${xml('⚠: errors, or other processes busy during the run (see the .md report). Bars are scaled per scenario.')}</text>`);
  y += 12;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${y}" viewBox="0 0 ${W} ${y}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}

function resultsPath(ctx, ext) {
  return path.join(BENCH_DIR, 'results', `${ctx.startedAt.toISOString().slice(0, 10)}.${ext}`);
}

function writeResults(ctx, text) {
  const file = resultsPath(ctx, 'md');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  if (fs.existsSync(file)) fs.appendFileSync(file, `\n---\n\n${text}\n`);
  else fs.writeFileSync(file, `# meshgate benchmark results\n\nWritten by \`npm run bench\` (scripts/bench.mjs); each run is appended.\n\n${text}\n`);
  return path.relative(ROOT, file);
}

// ---------------------------------------------------------------------------------------------
const targetHelp = () =>
  TARGETS.map((t) => `  ${t.id.padEnd(21)}${TARGET_HELP[t.id]()}`).join('\n');
const installed = (pkg) => pkgVersion(pkg) ?? 'not installed';
const TARGET_HELP = {
  direct: () => 'wrk straight to the upstream: the ceiling of every proxied row',
  nginx: () => 'nginx (Debian nginx-light), 1 worker, keepalive to the upstream sized to the connections',
  haproxy: () => 'haproxy (Debian), nbthread 1, http-reuse always',
  caddy: () => 'caddy (Debian), GOMAXPROCS=1, reverse_proxy with keep-alive, admin API and auto HTTPS off',
  'fast-gateway': () =>
    `fast-gateway ${installed('fast-gateway')} (dev dependency), bench/peers/fast-gateway.mjs, 1 process.\n` +
    `${' '.repeat(23)}The newest that installs from this registry: 5.x needs fast-proxy-lite ^1.1.3,\n` +
    `${' '.repeat(23)}which it does not serve. Passes a client's Connection: close on upstream`,
  'fastify-http-proxy': () =>
    `@fastify/http-proxy ${installed('@fastify/http-proxy')} on fastify ${installed('fastify')} (dev dependencies), logger off,\n` +
    `${' '.repeat(23)}bench/peers/fastify-http-proxy.mjs, 1 process; drops the upstream's Connection header`,
  'meshgate-1w': () => 'meshgate (dist/cli/main.js start), workers: 1',
  'meshgate-Nw': () => 'meshgate, workers: auto (one per core it is pinned to)',
  'meshgate-1w-obs-off': () => 'obs-overhead only: meshgate-1w with metrics.enabled false, no access log, no tracing',
  'meshgate-1w-obs-on': () => 'obs-overhead only: meshgate-1w with metrics, access log to a file, tracing 1% to OTLP',
};
const scenarioHelp = () =>
  SCENARIOS.map((s) => {
    const tags = [s.full ? 'default' : 'by name', s.quick ? 'quick' : null].filter(Boolean).join(', ');
    const on = s.targets ? `targets: ${s.targets.join(', ')}` : 'all main targets';
    return `  ${s.id.padEnd(17)}[${tags}] ${s.title}, ${s.conns} connections\n${' '.repeat(19)}${on}`;
  }).join('\n');

const HELP = () => `Usage: npm run bench -- [options]      (or: node scripts/bench.mjs [options])

Runs a load generator (wrk) against each target, all proxying the same fixed-response upstream
on the same route with keep-alive, and prints a markdown table per scenario: req/s, p50, p90,
p99, p99.9, each row's ratio against nginx and against direct, and CPU use per core. The report
is appended to bench/results/<YYYY-MM-DD>.md and drawn in bench/results/<YYYY-MM-DD>.svg.

Targets (--only a,b; an obs-overhead variant also runs with --only meshgate-1w):
${targetHelp()}

Scenarios (--scenario a,b; default: the ones marked default; --quick: small-ka-50):
${scenarioHelp()}

Options:
  --quick             small-ka-50 on every target, ${TIMING.quick.warmup} s warm-up + ${TIMING.quick.duration} s (under 2 minutes)
  --duration N        seconds per measured run (default ${TIMING.full.duration}, or ${TIMING.quick.duration} with --quick)
  --warmup N          seconds of warm-up before each measured run (default ${TIMING.full.warmup}, or ${TIMING.quick.warmup} with --quick);
                      a paired scenario warms its targets once, together, before its rounds (obs-overhead: 20 s)
  --connections N     run the scenarios at N connections instead of their own counts
  --only a,b          targets to run (default: all)
  --scenario a,b      scenarios to run (see above); \`all\` for every one
  --upstream KIND     auto (default: nginx if installed, else Node), nginx, or node
  --cpus SPEC         override the CPU layout, e.g. 'load=0;upstream=0;proxy=1;all=0-1'
                      (roles: load = wrk, one thread per CPU; upstream = one nginx worker per CPU;
                      proxy = single-process targets; all = multi-worker targets)
  --no-pin            do not pin processes to CPUs with taskset
  --no-install        do not apt-get install missing Debian binaries (skip those targets)
  --no-write          do not write bench/results/ (neither the .md nor the .svg)
  --rounds N          rounds of a paired scenario (obs-overhead: off and on loaded at once,
                      default ${PAIRED_ROUNDS}); more rounds, a steadier median on a noisy machine
  --launches N        start a paired scenario's pair afresh N times, its warm-up and rounds each
                      time (default 1); the verdict is the median over launches (two launches of
                      one build differ by 2-3%: V8 optimizes each process its own way)
  --wait-quiet N      on a shared machine: wait for quiet (other processes under 10% of a core)
                      before starting, and measure a run again (up to 3 times) when other
                      processes took over 5% of a core during it; N seconds of waiting at most
                      over the whole run. Without it a busy machine is only reported (rows ⚠)
  --no-build          use dist/ as it is (no \`npm run build\` even when src/ is newer)
  -h, --help          this text

CPU pinning (taskset; --no-pin turns it off): on 2 cores wrk and the upstream share CPU 0 and
every single-process proxy gets CPU 1 alone, so a proxy's row is bounded by CPU 1 (its own cost)
or by CPU 0 (then it is as close to \`direct\` as this box can show). 3-7 cores: wrk, upstream
and proxy on separate cores; 8+: wrk and the upstream get a quarter of the cores each,
multi-worker targets the rest. Multi-worker targets share cores with wrk on 2-3 cores.

Binaries: wrk, nginx, haproxy and caddy are Debian packages (wrk, nginx-light, haproxy, caddy),
looked up on PATH and in /usr/sbin; a missing one is installed with apt-get when running as
root (and the script says so), else its target is skipped with the reason in the table. The
Node peers are dev dependencies (npm install). meshgate targets run dist/cli/main.js and run
\`npm run build\` first when it is missing or older than src/.`;

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
      'no-install': { type: 'boolean', default: false },
      cpus: { type: 'string' },
      'no-write': { type: 'boolean', default: false },
      'no-build': { type: 'boolean', default: false },
      'wait-quiet': { type: 'string' },
      rounds: { type: 'string' },
      launches: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (o.help) {
    console.log(HELP());
    return;
  }
  const startedAt = new Date();
  const num = (name, v, min) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Usage(`--${name} wants an integer >= ${min}, got ${JSON.stringify(v)}`);
    return n;
  };
  const timing = o.quick ? TIMING.quick : TIMING.full;
  const duration = o.duration !== undefined ? num('duration', o.duration, 1) : timing.duration;
  const warmup = o.warmup !== undefined ? num('warmup', o.warmup, 0) : timing.warmup;
  const rounds = o.rounds !== undefined ? num('rounds', o.rounds, 1) : PAIRED_ROUNDS;
  const launches = o.launches !== undefined ? num('launches', o.launches, 1) : 1;
  if (!['auto', 'nginx', 'node'].includes(o.upstream)) throw new Usage(`--upstream wants auto, nginx or node, got ${o.upstream}`);

  const ids = (arg) => arg.split(',').map((s) => s.trim()).filter(Boolean);
  let onlyIds = null;
  if (o.only) {
    onlyIds = ids(o.only);
    const unknown = onlyIds.filter((id) => !TARGETS.some((t) => t.id === id));
    if (unknown.length) throw new Usage(`unknown target: ${unknown.join(', ')} (known: ${TARGETS.map((t) => t.id).join(', ')})`);
  }
  const selected = (t) => !onlyIds || onlyIds.includes(t.id) || (t.base && onlyIds.includes(t.base));
  let scenarios;
  if (o.scenario && o.scenario !== 'all') {
    const wanted = ids(o.scenario);
    const unknown = wanted.filter((id) => !SCENARIOS.some((s) => s.id === id));
    if (unknown.length) throw new Usage(`unknown scenario: ${unknown.join(', ')} (known: ${SCENARIOS.map((s) => s.id).join(', ')})`);
    scenarios = SCENARIOS.filter((s) => wanted.includes(s.id));
  } else scenarios = o.scenario === 'all' ? SCENARIOS : SCENARIOS.filter((s) => (o.quick ? s.quick : s.full));
  if (o.connections !== undefined) {
    const conns = num('connections', o.connections, 1);
    const seen = new Set();
    scenarios = scenarios
      .map((s) => ({ ...s, conns }))
      .filter((s) => {
        const key = JSON.stringify({ ...s, id: undefined, quick: undefined, full: undefined });
        return !seen.has(key) && seen.add(key);
      });
  }
  const targetsOf = (s) => TARGETS.filter((t) => (s.targets ? s.targets.includes(t.id) : !t.extra) && selected(t));
  const usedTargets = TARGETS.filter((t) => scenarios.some((s) => targetsOf(s).includes(t)));
  if (!usedTargets.length) throw new Usage('no target runs in the chosen scenarios (see --only and --scenario)');

  // Debian binaries: only those this run needs.
  const needBins = ['wrk', ...new Set([...(o.upstream === 'node' ? [] : ['nginx']), ...usedTargets.map((t) => t.bin).filter(Boolean)])];
  const { bins, notes: installNotes } = findOrInstall(needBins, { install: !o['no-install'] });
  if (!bins.wrk) {
    log('wrk not found and not installed (apt-get install -y wrk). Stopping.');
    process.exitCode = 1;
    return;
  }
  const v = versions(bins);
  const ctx = {
    opts: o, versions: v, bins, installNotes, machine: machine(), git: gitRevision(), duration, warmup, startedAt,
    layout: null, pinWhy: '', upstream: null, upstreamKinds: [], traceSink: null,
  };
  if (o['no-pin']) ctx.pinWhy = '--no-pin';
  else {
    const { cpus, why } = allowedCpus();
    ctx.layout = cpus ? cpuLayout(cpus) : null;
    ctx.pinWhy = why ?? (ctx.layout ? '' : 'only one CPU');
    if (o.cpus && ctx.layout) ctx.layout = { ...ctx.layout, ...parseCpus(o.cpus) };
  }
  if (usedTargets.some((t) => t.meshgate)) {
    ctx.meshgateUnavailable = o['no-build']
      ? fs.existsSync(MESHGATE_CLI)
        ? null
        : 'meshgate CLI not built: no dist/cli/main.js (--no-build)'
      : ensureMeshgateBuilt();
  }
  if (usedTargets.some((t) => t.id === 'meshgate-1w-obs-on')) ctx.traceSink = await startTraceSink();

  // Scenarios with the same setup (upstream body, meshgate route and keys) share an upstream
  // and one start of each target.
  const groups = new Map();
  for (const s of scenarios) {
    const key = JSON.stringify({ upstream: s.upstream ?? null, route: s.route ?? null, gateway: s.gateway ?? null });
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(s);
  }
  ctx.results = new Map(scenarios.map((s) => [s.id + s.conns, []]));
  ctx.resultKey = new Map(scenarios.map((s) => [s.id, s.id + s.conns]));
  ctx.setups = new Map();
  ctx.pairRatios = new Map();
  ctx.pairWarmups = new Map();

  // A paired scenario's round loads both targets at once: one run's time per round.
  const runs = scenarios.reduce((n, s) => {
    const mine = targetsOf(s);
    const paired = s.paired ? mine.filter((t) => s.paired.targets.includes(t.id)).length : 0;
    return n + mine.length - paired + (paired === 2 ? rounds * launches : paired);
  }, 0);
  const starts = [...groups.values()].reduce((n, g) => n + TARGETS.filter((t) => g.some((s) => targetsOf(s).includes(t))).length, 0);
  const pairedWarmups = scenarios.reduce((n, s) => n + (s.paired ? launches * pairedWarmup(ctx, s) : 0), 0);
  log(`plan: ${scenarios.length} scenario${scenarios.length > 1 ? 's' : ''} (${scenarios.map((s) => s.id).join(', ')}), ${runs} measured runs of ` +
    `${warmup} s + ${duration} s, ${starts} target starts: about ${Math.ceil((runs * (warmup + duration + 0.5) + starts * 2 + pairedWarmups) / 60)} min`);

  // Other work on the machine (a build, tests, another benchmark) skews every number. Say so
  // before starting; with --wait-quiet N, wait for quiet (up to N seconds over the whole run)
  // before the run and again before a measured run whose predecessor was disturbed.
  const waitQuiet = o['wait-quiet'] !== undefined ? num('wait-quiet', o['wait-quiet'], 0) : 0;
  ctx.quietDeadline = Date.now() + waitQuiet * 1000;
  await untilQuiet(ctx, true);

  const started = Date.now();
  for (const group of groups.values()) {
    const setup = { ...group[0], maxConns: Math.max(...group.map((s) => s.conns)) };
    for (const s of group) ctx.setups.set(s, setup);
    ctx.upstream = await startUpstream(ctx, setup);
    setup.upstreamKind = ctx.upstream.kind;
    if (!ctx.upstreamKinds.includes(ctx.upstream.kind)) ctx.upstreamKinds.push(ctx.upstream.kind);
    log(`upstream: ${ctx.upstream.kind} at ${ctx.upstream.url}`);
    const pairedDone = await runPaired(ctx, group, targetsOf, { duration, rounds, launches });
    for (const target of TARGETS) {
      const mine = group.filter((s) => targetsOf(s).includes(target) && !pairedDone.has(`${s.id} ${target.id}`));
      if (!mine.length) continue;
      const why = target.available(ctx);
      if (why) {
        log(`${target.id}: skipped: ${why}`);
        for (const s of mine) ctx.results.get(s.id + s.conns).push({ target, skipped: why });
        continue;
      }
      let handle;
      try {
        log(`${target.id}: starting`);
        try {
          handle = await target.start(ctx, setup);
        } catch (err) {
          // freePort() hands out a port that another process on a shared machine may take
          // before the target binds it: one more try with new ports.
          if (!/EADDRINUSE/.test(err.message) || signalled) throw err;
          log(`${target.id}: port taken meanwhile (EADDRINUSE), starting again`);
          handle = await target.start(ctx, setup);
        }
        for (const s of mine) {
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
          ctx.results.get(s.id + s.conns).push({ target, result });
        }
      } catch (err) {
        if (signalled) throw new Interrupted();
        const why = `failed: ${err.message.split('\n')[0]}`;
        log(`${target.id}: ${err.message}`);
        for (const s of mine) {
          const list = ctx.results.get(s.id + s.conns);
          if (!list.some((r) => r.target === target)) list.push({ target, skipped: why });
        }
      } finally {
        await handle?.stop();
      }
    }
    await ctx.upstream.stop();
  }
  await ctx.traceSink?.stop();

  if (!o['no-write']) ctx.chartPath = path.relative(ROOT, resultsPath(ctx, 'svg'));
  const report = [header(ctx), ...scenarios.map((s) => table(ctx, s, ctx.results.get(s.id + s.conns)))].join('\n\n');
  console.log(report);
  if (!o['no-write']) {
    const md = writeResults(ctx, report);
    fs.writeFileSync(resultsPath(ctx, 'svg'), svgChart(ctx, scenarios));
    console.log(`\nWritten to ${md}; chart: ${ctx.chartPath}`);
  }
  log(`\ntotal ${((Date.now() - started) / 1000).toFixed(0)} s (measuring), ${((Date.now() - startedAt) / 1000).toFixed(0)} s in all`);
}

class Usage extends Error {}

/**
 * The paired scenarios of a group: both targets start together, pinned to the same proxy core,
 * and every round loads both at once, each with its own wrk, so that they share that core and
 * the machine's noise for the same seconds; the ratio of their req/s is then the ratio of their
 * cost per request. (Measured one after the other instead, a round's ratio moved 0.55x to 1.11x
 * on a shared 2-core VM; at once, 0.85x to 0.91x.) With --launches, the pair is started afresh
 * that many times. A target's row is the mean req/s of all its rounds (each about half of what
 * it does alone), with the median round's latencies; `ctx.pairRatios` keeps, by scenario, each
 * launch's list of round ratios (second target over first), for the note. Returns the
 * `scenario target` pairs it measured (or found unavailable).
 */
async function runPaired(ctx, group, targetsOf, { duration, rounds: roundCount, launches }) {
  const done = new Set();
  for (const s of group) {
    if (!s.paired) continue;
    const pair = s.paired.targets.map((id) => TARGETS.find((t) => t.id === id)).filter((t) => targetsOf(s).includes(t));
    if (pair.length !== 2) continue;
    for (const t of pair) done.add(`${s.id} ${t.id}`);
    const list = ctx.results.get(s.id + s.conns);
    const why = pair.map((t) => t.available(ctx)).find(Boolean);
    if (why) {
      log(`${s.id}: skipped: ${why}`);
      for (const t of pair) list.push({ target: t, skipped: why });
      continue;
    }
    const setup = ctx.setups.get(s);
    const pairWarmup = pairedWarmup(ctx, s);
    ctx.pairWarmups.set(s.id, pairWarmup);
    const rounds = [[], []];
    const launchRatios = [];
    try {
      // Each launch starts both afresh: V8 optimizes every process its own way, and two launches
      // of one build differ by 2-3%, more than the rounds of one launch do.
      for (let l = 0; l < launches; l++) {
        const handles = [];
        try {
          for (const t of pair) {
            log(`${t.id}: starting${launches > 1 ? ` (launch ${l + 1}/${launches})` : ''}`);
            handles.push(await t.start(ctx, setup));
          }
          if (pairWarmup > 0) await Promise.all(handles.map((h) => runWrk(ctx, h.url, { conns: s.conns, seconds: pairWarmup, headers: s.headers })));
          const ratios = [];
          for (let r = 0; r < roundCount; r++) {
            // Both at once, each by its own wrk: the two share the proxy core for the same seconds.
            const results = await Promise.all(handles.map((h) => runWrk(ctx, h.url, { conns: s.conns, seconds: duration, headers: s.headers })));
            for (let i = 0; i < 2; i++) {
              rounds[i].push(results[i]);
              log(`${pair[i].id}: ${s.id} @${s.conns} round ${r + 1}/${roundCount}: ${fmtInt(results[i].rps)} req/s, p99 ${fmtMs(results[i].latency.p99)}`);
            }
            ratios.push(results[1].rps / results[0].rps);
          }
          launchRatios.push(ratios);
        } finally {
          for (const h of handles) await h.stop();
        }
      }
      ctx.pairRatios.set(s.id, launchRatios);
      for (let i = 0; i < 2; i++) list.push({ target: pair[i], result: combineRounds(rounds[i]) });
    } catch (err) {
      if (signalled) throw new Interrupted();
      log(`${s.id}: ${err.message}`);
      for (const t of pair) if (!list.some((r) => r.target === t)) list.push({ target: t, skipped: `failed: ${err.message.split('\n')[0]}` });
    }
  }
  return done;
}

/** Seconds of warm-up for each target of a paired scenario: its own (see obs-overhead) unless --warmup says. */
function pairedWarmup(ctx, scenario) {
  return ctx.opts.warmup === undefined ? (scenario.paired.warmup ?? ctx.warmup) : ctx.warmup;
}

/** One row from several runs of a target: mean req/s, summed requests and errors, the median run's latencies and CPU. */
function combineRounds(runs) {
  const byRps = [...runs].sort((a, b) => a.rps - b.rps);
  const median = byRps[Math.floor((byRps.length - 1) / 2)];
  const errors = {};
  for (const r of runs) for (const [k, n] of Object.entries(r.errors ?? {})) errors[k] = (errors[k] ?? 0) + n;
  const worstOther = runs.reduce((w, r) => (r.cpu && (!w || r.cpu.other > w.other) ? r.cpu : w), null);
  return {
    rps: runs.reduce((sum, r) => sum + r.rps, 0) / runs.length,
    requests: runs.reduce((sum, r) => sum + (r.requests ?? 0), 0),
    latency: median.latency,
    errors,
    // The median run's CPU split, but the busiest "other" of any round (a disturbed round marks the row).
    cpu: median.cpu && worstOther ? { ...median.cpu, other: worstOther.other } : median.cpu,
  };
}

const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

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
