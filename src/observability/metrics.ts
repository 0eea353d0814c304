/**
 * Prometheus metrics (admin `/metrics`).
 *
 * - PlaneMetrics: one per data plane (the process itself with workers: 1, each worker otherwise).
 *   It is the plane's RequestObserver: per request it bumps pre-bound children (bound once per
 *   route/service/endpoint, cached by the compiled object in a WeakMap and by label values in the
 *   family, so series survive reloads and never go backwards). What the request's end tells
 *   (status, bytes, durations, attempts, timeouts, error code: bulkhead and fault rejections) is
 *   counted there; events inside policies (breaker transitions, fault delays, outlier ejections)
 *   are counted where they happen (PolicyCounters). Pools, health, ejections, breaker states,
 *   bulkhead occupancy, rate-limit decisions, open connections and event loop utilisation are
 *   read at scrape time.
 * - processRegistry(): prom-client's default process metrics (event loop lag, memory, handles,
 *   GC...), one registry per process.
 * - renderMetrics(): merges the JSON of every process (the control process and each worker)
 *   with prom-client's AggregatorRegistry.aggregate (counters and histograms summed; each gauge
 *   by its own aggregator) and renders Prometheus text or OpenMetrics.
 *
 * Label values are route names, service names, endpoint addresses from config, status codes and
 * error codes: never raw paths or client addresses.
 */
import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import { AggregatorRegistry, collectDefaultMetrics, Registry } from 'prom-client';
import type { RequestContext } from '../dataplane/context.js';
import type { CompiledRoute, Snapshot } from '../engine/snapshot.js';
import { BULKHEAD_METRICS } from '../policies/bulkhead/metrics.js';
import { BREAKER_STATE_VALUE, CIRCUIT_BREAKER_METRICS } from '../policies/circuit-breaker/metrics.js';
import { FAULT_METRICS } from '../policies/fault/metrics.js';
import { RETRY_METRICS } from '../policies/retry/metrics.js';
import type { CircuitBreaker } from '../policies/circuit-breaker/breaker.js';
import type { RouteRateLimiter } from '../policies/rate-limit/runtime.js';
import type { PooledEndpoint } from '../upstream/service.js';
import { CounterFamily, gauge, HistogramFamily, type CounterChild, type HistogramChild, type MetricJSON } from './metrics-kinds.js';
import type { RequestObserver } from './observer.js';
import type { PolicyCounters } from './policy-counters.js';

export type { MetricJSON } from './metrics-kinds.js';

/** Request and upstream duration buckets, in seconds: sub-millisecond to 10 s. */
export const DURATION_BUCKETS = Object.freeze([0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]);

/** Label strings for status codes 0..599, computed once (0: no response was sent). */
const CODE_LABEL: readonly string[] = Array.from({ length: 600 }, (_, i) => String(i));
/** Status class label per code: 1xx..5xx; `none` when no response was sent (client went away first). */
const CLASS_LABEL: readonly string[] = Array.from({ length: 600 }, (_, i) => (i < 100 ? 'none' : `${Math.floor(i / 100)}xx`));

/** What PlaneMetrics reads from its data plane at scrape time. */
export interface MetricsPlane {
  readonly snapshot: Snapshot;
  readonly connectionCount: number;
  readonly upstreams: { readonly counters: PolicyCounters };
  /** Span export counts, when tracing is on. */
  readonly tracing?: { readonly loss: { readonly queued: number; readonly dropped: number; readonly exported: number } } | null;
}

/** Timeouts by kind: an attempt cut by retryPolicy.perTryTimeoutMs, or the request by the route's timeoutSeconds. */
export const TIMEOUT_METRICS = Object.freeze({
  timeouts: Object.freeze({
    name: 'meshgate_upstream_timeouts_total',
    help: 'Upstream timeouts by kind: per_try (an attempt cut by retryPolicy.perTryTimeoutMs, retried or answered 504) or overall (the route timeout answered 504).',
    type: 'counter',
    labels: Object.freeze(['route', 'service', 'kind'] as const),
  }),
});

/** The children of one (route, service): bound on the route's first request of a config version. */
class RouteBinding {
  /** By status code, bound on first use. */
  readonly codes: Array<CounterChild | undefined> = new Array<CounterChild | undefined>(600).fill(undefined);
  readonly errors = new Map<string, CounterChild>();
  readonly duration: HistogramChild;
  readonly requestBytes: CounterChild;
  readonly responseBytes: CounterChild;
  readonly retries: CounterChild;
  readonly retriesExhausted: CounterChild;
  readonly perTryTimeouts: CounterChild;
  readonly overallTimeouts: CounterChild;
  readonly route: string;
  readonly service: string;
  private readonly m: PlaneMetrics;

  constructor(m: PlaneMetrics, route: string, service: string) {
    this.m = m;
    this.route = route;
    this.service = service;
    this.duration = m.requestDuration.child(route, service);
    this.requestBytes = m.requestBytes.child(route, service);
    this.responseBytes = m.responseBytes.child(route, service);
    this.retries = m.retries.child(route, service);
    this.retriesExhausted = m.retriesExhausted.child(route, service);
    this.perTryTimeouts = m.timeouts.child(route, service, 'per_try');
    this.overallTimeouts = m.timeouts.child(route, service, 'overall');
  }

  bindCode(code: number): CounterChild {
    const c = this.m.requests.child(this.route, this.service, CODE_LABEL[code]!, CLASS_LABEL[code]!);
    this.codes[code] = c;
    return c;
  }

  bindError(code: string): CounterChild {
    const c = this.m.gatewayErrors.child(this.route, code);
    this.errors.set(code, c);
    return c;
  }

  /** Counters that follow from the error code: bulkhead rejections, fault aborts (bound on first use). */
  countPolicyError(code: string, status: number): void {
    let c: CounterChild | undefined;
    switch (code) {
      case 'MG_BULKHEAD_FULL':
        c = this.bulkheadFull ??= this.m.bulkheadRejected.child(this.service, 'queue_full');
        break;
      case 'MG_BULKHEAD_TIMEOUT':
        c = this.bulkheadTimeout ??= this.m.bulkheadRejected.child(this.service, 'queue_timeout');
        break;
      case 'MG_FAULT_INJECTED':
        c = this.m.faultAborts.child(this.route, CODE_LABEL[status] ?? '0');
        break;
      default:
        return;
    }
    c.value++;
  }

  private bulkheadFull: CounterChild | null = null;
  private bulkheadTimeout: CounterChild | null = null;
}

/** Rate-limit decision counts per route and limit name, kept across config versions. */
class RateLimitTotals {
  /** Counts of limiters of versions retired two reloads ago or earlier, by `route\0limit`. */
  private readonly carry = new Map<string, { route: string; limit: string; allowed: number; limited: number }>();
  /**
   * Limiters of the previous version: still read live (its in-flight requests finish on it),
   * folded into `carry` at the next reload.
   */
  private previous: Array<[string, RouteRateLimiter]> = [];

  /** A new version was swapped in over `old`. */
  retire(old: Snapshot): void {
    for (const [route, limiter] of this.previous) this.add(this.carry, route, limiter);
    this.previous = limitersOf(old);
  }

  collect(current: Snapshot): MetricJSON {
    const totals = new Map<string, { route: string; limit: string; allowed: number; limited: number }>();
    for (const [k, v] of this.carry) totals.set(k, { ...v });
    for (const [route, limiter] of this.previous) this.add(totals, route, limiter);
    for (const [route, limiter] of limitersOf(current)) this.add(totals, route, limiter);
    const values: MetricJSON['values'] = [];
    for (const t of totals.values()) {
      values.push({ value: t.allowed, labels: { route: t.route, limit: t.limit, decision: 'allowed' } });
      values.push({ value: t.limited, labels: { route: t.route, limit: t.limit, decision: 'limited' } });
    }
    return {
      name: 'meshgate_ratelimit_decisions_total',
      help: 'Rate-limit decisions by route and limit name: allowed (every limit of an admitted request) or limited (the limit that denied it).',
      type: 'counter',
      aggregator: 'sum',
      values,
    };
  }

  private add(into: Map<string, { route: string; limit: string; allowed: number; limited: number }>, route: string, limiter: RouteRateLimiter): void {
    for (const [limit, c] of limiter.counts) {
      const key = `${route}\u0000${limit}`;
      let t = into.get(key);
      if (t === undefined) into.set(key, (t = { route, limit, allowed: 0, limited: 0 }));
      t.allowed += c.allowed;
      t.limited += c.limited;
    }
  }
}

function limitersOf(snap: Snapshot): Array<[string, RouteRateLimiter]> {
  const out: Array<[string, RouteRateLimiter]> = [];
  for (const r of snap.routes) if (r.rateLimiter !== null) out.push([r.name, r.rateLimiter]);
  return out;
}

/** The metrics of one data plane; also its RequestObserver. */
export class PlaneMetrics implements RequestObserver {
  readonly requests = new CounterFamily('meshgate_requests_total', 'Requests by route, service, status code and class (class none: the client went away before any response).', [
    'route', 'service', 'code', 'class',
  ]);
  readonly requestDuration = new HistogramFamily('meshgate_request_duration_seconds', 'Time from the request head to the end of the response (or abandonment), by route and service.', ['route', 'service'], DURATION_BUCKETS);
  readonly requestBytes = new CounterFamily('meshgate_request_bytes_total', 'Request body bytes received from clients, by route and service.', ['route', 'service']);
  readonly responseBytes = new CounterFamily('meshgate_response_bytes_total', 'Response body bytes sent to clients, by route and service.', ['route', 'service']);
  readonly retries = CounterFamily.of(RETRY_METRICS.retries);
  readonly gatewayErrors = new CounterFamily('meshgate_gateway_errors_total', 'Requests the gateway answered itself with an error, by route and error code (MG_*).', ['route', 'code']);
  readonly retriesExhausted = CounterFamily.of(RETRY_METRICS.exhausted);
  readonly timeouts = CounterFamily.of(TIMEOUT_METRICS.timeouts);
  readonly bulkheadRejected = CounterFamily.of(BULKHEAD_METRICS.rejected);
  readonly faultAborts = CounterFamily.of(FAULT_METRICS.aborts);
  readonly upstreamDuration = new HistogramFamily('meshgate_upstream_duration_seconds', 'Time from sending the request upstream to its response head (last attempt), by service and endpoint.', ['service', 'endpoint'], DURATION_BUCKETS);

  private readonly plane: MetricsPlane;
  private readonly routes = new WeakMap<CompiledRoute, RouteBinding>();
  /** Bindings by route and service name: a reload rebinds to the same children. */
  private readonly byName = new Map<string, RouteBinding>();
  /** Requests that matched no route: route="" service="". */
  private readonly noRoute: RouteBinding;
  private readonly endpoints = new WeakMap<PooledEndpoint, HistogramChild>();
  // The last route's binding and the last endpoint's histogram: consecutive requests mostly share
  // them, and a comparison is cheaper than a WeakMap lookup (two per request otherwise).
  private lastRoute: CompiledRoute | null | undefined = undefined;
  private lastBinding: RouteBinding;
  private lastEndpoint: PooledEndpoint | null = null;
  private lastEndpointHistogram: HistogramChild | null = null;
  private readonly rateLimits = new RateLimitTotals();
  /** Event loop utilisation at the previous scrape (the gauge covers the time since). */
  private lastElu: EventLoopUtilization = performance.eventLoopUtilization();

  constructor(plane: MetricsPlane) {
    this.plane = plane;
    this.noRoute = new RouteBinding(this, '', '');
    this.lastBinding = this.noRoute;
  }

  // Hot path, change with care: no allocation or string building once the children are bound.
  requestDone(ctx: RequestContext): void {
    const route = ctx.route;
    let b: RouteBinding;
    if (route === this.lastRoute) {
      b = this.lastBinding;
    } else {
      b = route === null ? this.noRoute : (this.routes.get(route) ?? this.bind(route));
      this.lastRoute = route;
      this.lastBinding = b;
    }
    const status = ctx.status;
    const code = status > 0 && status < 600 ? status : 0;
    (b.codes[code] ?? b.bindCode(code)).value++;
    b.duration.observe((ctx.doneHr - ctx.startedHr) / 1000);
    b.requestBytes.value += ctx.bodyBytes;
    b.responseBytes.value += ctx.responseBytes;
    const attempts = ctx.attempts;
    if (attempts > 1) b.retries.value += attempts - 1;
    const err = ctx.errorCode;
    if (err !== null) {
      (b.errors.get(err) ?? b.bindError(err)).value++;
      b.countPolicyError(err, code);
    }
    if (ctx.perTryTimeouts > 0) b.perTryTimeouts.value += ctx.perTryTimeouts;
    if (ctx.routeTimedOut) b.overallTimeouts.value++;
    if (route !== null && route.retry !== null && attempts >= route.retry.maxAttempts && (code >= 500 || err !== null)) b.retriesExhausted.value++;
    const e = ctx.endpoint;
    if (e !== null && route !== null && ctx.upstreamSentHr > 0 && ctx.upstreamHeadHr >= ctx.upstreamSentHr) {
      if (e !== this.lastEndpoint) {
        this.lastEndpointHistogram = this.endpoints.get(e) ?? this.bindEndpoint(route.service.name, e);
        this.lastEndpoint = e;
      }
      this.lastEndpointHistogram!.observe((ctx.upstreamHeadHr - ctx.upstreamSentHr) / 1000);
    }
  }

  private bind(route: CompiledRoute): RouteBinding {
    const key = `${route.name}\u0000${route.service.name}`;
    let b = this.byName.get(key);
    if (b === undefined) this.byName.set(key, (b = new RouteBinding(this, route.name, route.service.name)));
    this.routes.set(route, b);
    return b;
  }

  private bindEndpoint(service: string, e: PooledEndpoint): HistogramChild {
    const c = this.upstreamDuration.child(service, e.address);
    this.endpoints.set(e, c);
    return c;
  }

  /** The plane swapped in a new config version over `old` (keeps rate-limit counts monotonic). */
  snapshotChanged(old: Snapshot): void {
    this.rateLimits.retire(old);
  }

  /** Everything this plane exports, read now. */
  collect(): MetricJSON[] {
    const snap = this.plane.snapshot;
    const open: MetricJSON['values'] = [];
    const healthy: MetricJSON['values'] = [];
    const ejected: MetricJSON['values'] = [];
    const bulkheadActive: MetricJSON['values'] = [];
    const bulkheadPending: MetricJSON['values'] = [];
    for (const svc of snap.services.values()) {
      if (svc.bulkhead !== null) {
        bulkheadActive.push({ value: svc.bulkhead.active, labels: { service: svc.name } });
        bulkheadPending.push({ value: svc.bulkhead.pending, labels: { service: svc.name } });
      }
      for (const e of svc.endpoints) {
        const labels = { service: svc.name, endpoint: e.address };
        const idle = e.pool.idleCount;
        open.push({ value: e.pool.open - idle, labels: { ...labels, state: 'active' } });
        open.push({ value: idle, labels: { ...labels, state: 'idle' } });
        healthy.push({ value: e.state.healthy ? 1 : 0, labels });
        ejected.push({ value: e.state.ejected ? 1 : 0, labels });
      }
    }
    return [
      this.requests.collect(),
      this.requestDuration.collect(),
      this.requestBytes.collect(),
      this.responseBytes.collect(),
      this.gatewayErrors.collect(),
      this.retries.collect(),
      this.retriesExhausted.collect(),
      this.timeouts.collect(),
      this.bulkheadRejected.collect(),
      this.faultAborts.collect(),
      ...this.plane.upstreams.counters.collect(),
      this.upstreamDuration.collect(),
      this.rateLimits.collect(snap),
      gauge('meshgate_open_connections', 'Client connections open now.', 'sum', [{ value: this.plane.connectionCount, labels: {} }]),
      gauge('meshgate_upstream_connections', 'Upstream pool connections per endpoint: active (carrying a request) or idle (kept alive).', 'sum', open),
      gauge('meshgate_endpoint_healthy', 'Endpoint health (1 healthy, 0 failed its active health check); across workers the minimum.', 'min', healthy),
      gauge('meshgate_endpoint_ejected', 'Endpoint ejected by outlier detection (1) or not (0); across workers the maximum.', 'max', ejected),
      breakerStates(snap),
      gauge(BULKHEAD_METRICS.active.name, `${BULKHEAD_METRICS.active.help} Across workers the sum.`, 'sum', bulkheadActive),
      gauge(BULKHEAD_METRICS.pending.name, `${BULKHEAD_METRICS.pending.help} Across workers the sum.`, 'sum', bulkheadPending),
      ...this.eventLoop(),
      ...this.spanExport(),
    ];
  }

  /** Tracing's export pipeline: what went out, what was lost (queue full, collector down), what waits. */
  private spanExport(): MetricJSON[] {
    const loss = this.plane.tracing?.loss;
    if (loss === undefined) return [];
    const counter = (name: string, help: string, value: number): MetricJSON => ({ name, help, type: 'counter', aggregator: 'sum', values: [{ value, labels: {} }] });
    return [
      counter('meshgate_tracing_spans_exported_total', 'Spans the collector accepted.', loss.exported),
      counter('meshgate_tracing_spans_dropped_total', 'Spans lost: the export queue was full, or their export failed (collector down or slow).', loss.dropped),
      gauge('meshgate_tracing_queued_spans', 'Spans waiting in the export queue.', 'sum', [{ value: loss.queued, labels: {} }]),
    ];
  }

  /** Event loop utilisation since the previous scrape, and busy time since start (data-plane processes). */
  private eventLoop(): MetricJSON[] {
    const now = performance.eventLoopUtilization();
    const since = performance.eventLoopUtilization(now, this.lastElu);
    this.lastElu = now;
    return [
      gauge('meshgate_event_loop_utilization', 'Share of time the event loop was busy (0..1) since the previous scrape, per data-plane process; across workers the average.', 'average', [
        { value: since.utilization, labels: {} },
      ]),
      {
        name: 'meshgate_event_loop_busy_seconds_total',
        help: 'Time the event loops of the data-plane processes were busy (rate() of it: cores of event loop in use).',
        type: 'counter',
        aggregator: 'sum',
        values: [{ value: now.active / 1000, labels: {} }],
      },
    ];
  }
}

/** `meshgate_circuit_breaker_state` of every breaker the serving version uses (each once). */
function breakerStates(snap: Snapshot): MetricJSON {
  const decl = CIRCUIT_BREAKER_METRICS.state;
  const seen = new Set<CircuitBreaker>();
  const values: MetricJSON['values'] = [];
  const add = (b: CircuitBreaker, route: string, service: string, endpoint: string): void => {
    if (seen.has(b)) return;
    seen.add(b);
    values.push({ value: BREAKER_STATE_VALUE[b.state], labels: { route, service, endpoint } });
  };
  for (const r of snap.routes) {
    // A route's own breaker is named `route:...`; a service's breaker is shared by its routes.
    if (r.breaker !== null) add(r.breaker, r.breaker.name.startsWith('route:') ? r.name : '', r.service.name, '');
    if (r.endpointBreakers !== null) {
      for (const [address, b] of r.endpointBreakers) add(b, b.name.startsWith('route:') ? r.name : '', r.service.name, address);
    }
  }
  return gauge(decl.name, `${decl.help} Across workers the maximum.`, 'max', values);
}

let processReg: Registry | null = null;

/** prom-client's default process metrics for this process (created on first use, one per process). */
export function processRegistry(): Registry {
  if (processReg === null) {
    processReg = new Registry();
    collectDefaultMetrics({ register: processReg });
  }
  return processReg;
}

/** The control process's own metrics: config version and reloads. */
export function controlMetrics(version: number, reloads: { readonly succeeded: number; readonly failed: number }): MetricJSON[] {
  return [
    gauge('meshgate_config_version', 'The config version serving now (starts at 1, +1 per successful reload).', 'max', [{ value: version, labels: {} }]),
    {
      name: 'meshgate_config_reloads_total',
      help: 'Config reloads by result (success, failure).',
      type: 'counter',
      aggregator: 'sum',
      values: [
        { value: reloads.succeeded, labels: { result: 'success' } },
        { value: reloads.failed, labels: { result: 'failure' } },
      ],
    },
  ];
}

export const PROMETHEUS_CONTENT_TYPE = Registry.PROMETHEUS_CONTENT_TYPE;
export const OPENMETRICS_CONTENT_TYPE = Registry.OPENMETRICS_CONTENT_TYPE;

/** Whether an `Accept` header asks for OpenMetrics. */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && accept.includes('application/openmetrics-text');
}

/**
 * One exposition from the metrics of several processes (each an array from collect() or
 * `getMetricsAsJSON()`): same-named metrics are merged by their aggregator (sum by default).
 */
export async function renderMetrics(parts: ReadonlyArray<readonly object[]>, openMetrics: boolean): Promise<{ contentType: string; body: string }> {
  const contentType = openMetrics ? OPENMETRICS_CONTENT_TYPE : PROMETHEUS_CONTENT_TYPE;
  // OpenMetrics names a counter family without `_total` and its samples with it; prom-client
  // appends `_total` to each sample, so the family name is given without it.
  const input = openMetrics ? parts.map((p) => p.map(openMetricsName)) : parts;
  const registry = AggregatorRegistry.aggregate(input as object[]);
  registry.setContentType(contentType);
  return { contentType, body: await registry.metrics() };
}

function openMetricsName(m: object): object {
  const metric = m as { type?: string; name?: string };
  if (metric.type !== 'counter' || metric.name === undefined || !metric.name.endsWith('_total')) return m;
  return { ...metric, name: metric.name.slice(0, -'_total'.length) };
}
