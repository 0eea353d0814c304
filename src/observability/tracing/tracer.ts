/**
 * OpenTelemetry tracing of the gateway hop. One `Tracing` per data-plane process (config
 * `tracing`, read at start). Per request:
 *
 * - requestStart: the trace headers are read (propagation.ts) and the sampling decision made:
 *   an incoming sampled flag is obeyed (parent-based), otherwise `sampleRate` decides. An
 *   unsampled request gets no trace object at all: `ctx.trace` stays null and its headers go
 *   upstream untouched; `ctx.traceId` is the incoming trace id, if any (for the access log).
 * - A sampled request gets a RequestTrace: a SERVER span (started at the request's start time,
 *   child of the incoming context if there is one), and a CLIENT span per upstream attempt,
 *   whose id is the parent the upstream sees in the injected headers.
 * - requestDone (RequestObserver): the open spans end with status, route, error code.
 *
 * Spans are the gateway's own records (span.ts) with explicit parents and times, handed to the
 * batcher (export.ts) when they end, and exported from a thread of their own (export-thread.ts);
 * of the SDK only the exporters (in that thread) and the resource are used.
 * Nothing is registered globally: an application embedding meshgate keeps its own provider.
 */
import { SpanKind, SpanStatusCode, TraceFlags, type Attributes, type HrTime, type SpanContext } from '@opentelemetry/api';
import { TraceState, type InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import type { TracingConfig } from '../../config/schema/observability.js';
import type { RequestContext } from '../../dataplane/context.js';
import { headerValue } from '../../dataplane/http1/headers.js';
import type { ErrorCode } from '../../errors/index.js';
import type { Logger } from '../logger.js';
import type { RequestObserver } from '../observer.js';
import { SpanBatcher, SpanLossCounter, type BatchSettings, type ExporterSettings } from './export.js';
import { ThreadSpanExporter } from './export-thread.js';
import { extractTrace, FORMAT_BITS, IncomingTrace, injectionHeaders, isReplacedTraceHeader, W3C } from './propagation.js';
import { newSpanId, newTraceId, SPAN_SCOPE, spanResource, SpanRecord, type SpanSink } from './span.js';

// Span attribute names are written as literal keys below (the semantic-conventions names and
// meshgate.*): V8 then clones a literal's template and stores through monomorphic named ICs,
// which stays cheap in code that runs once per hundred requests with cold caches; computed keys
// take its generic keyed paths, measured at tens of µs per sampled request in the gateway.

/** The longest drain waits for the last spans to go out (a dead collector must not hold a shutdown). */
const SHUTDOWN_FLUSH_MAX_MS = 5000;

/** A tracing config with its defaults applied. */
export interface ResolvedTracing {
  readonly serviceName: string;
  readonly sampleRate: number;
  /** Formats in extraction order, as bits. */
  readonly order: readonly number[];
  readonly exporter: ExporterSettings;
  readonly batch: BatchSettings;
}

export function resolveTracing(config: TracingConfig): ResolvedTracing {
  const serviceName = config.serviceName ?? 'meshgate';
  const e = config.exporter ?? {};
  const kind = e.kind ?? 'otlp';
  const b = config.batch ?? {};
  return {
    serviceName,
    sampleRate: config.sampleRate ?? 1,
    order: (config.propagation ?? ['w3c', 'b3', 'b3multi']).map((f) => FORMAT_BITS[f]),
    exporter: {
      kind,
      endpoint: e.endpoint ?? (kind === 'zipkin' ? 'http://localhost:9411/api/v2/spans' : 'http://localhost:4318/v1/traces'),
      encoding: e.encoding ?? 'protobuf',
      headers: e.headers ?? {},
      timeoutMs: e.timeoutMs ?? 10_000,
      serviceName,
    },
    batch: { maxQueueSize: b.maxQueueSize ?? 2048, maxBatchSize: b.maxBatchSize ?? 512, scheduledDelayMs: b.scheduledDelayMs ?? 1000 },
  };
}

/**
 * The sampling decision: an incoming one (1 sampled, 0 not) is obeyed; with none (-1), a share
 * `rate` of requests is sampled.
 */
export function shouldSample(incoming: number, rate: number, random: () => number): boolean {
  if (incoming !== -1) return incoming === 1;
  return rate >= 1 || (rate > 0 && random() < rate);
}

export class Tracing implements RequestObserver, SpanSink {
  readonly settings: ResolvedTracing;
  /** Spans lost (queue full, failed exports) and the warning about them. */
  readonly loss: SpanLossCounter;
  /** SpanSink: shared by every span. */
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope = SPAN_SCOPE;
  private readonly exporter: ThreadSpanExporter;
  private readonly batcher: SpanBatcher;
  private readonly order: readonly number[];
  private readonly mask: number;
  private readonly firstFormat: number;
  private readonly sampleRate: number;
  /** Reused for every request: extraction allocates nothing of its own. */
  private readonly incoming = new IncomingTrace();
  private closed = false;
  private closing: Promise<void> | null = null;
  /** The sampling dice (replaceable in tests). */
  random: () => number = Math.random;

  constructor(settings: ResolvedTracing, logger: Logger | null = null) {
    this.settings = settings;
    this.order = settings.order;
    let mask = 0;
    for (const f of settings.order) mask |= f;
    this.mask = mask;
    this.firstFormat = settings.order[0] ?? W3C;
    this.sampleRate = settings.sampleRate;
    this.loss = new SpanLossCounter(logger, settings.exporter.endpoint);
    this.exporter = new ThreadSpanExporter(settings.exporter);
    this.resource = spanResource(settings.serviceName);
    this.batcher = new SpanBatcher(this.exporter, settings.batch, settings.exporter.timeoutMs, this.loss);
  }

  /** SpanSink: a span ended (request path): it only enters the export queue. */
  spanEnded(span: SpanRecord): void {
    this.batcher.add(span);
  }

  /** Hot path, change with care: once per request, before routing. */
  requestStart(ctx: RequestContext): void {
    if (this.closed) return;
    const incoming = this.incoming;
    const format = extractTrace(ctx.rawHeaders, this.order, this.mask, incoming);
    if (!shouldSample(format === 0 ? -1 : incoming.sampled, this.sampleRate, this.random)) {
      // Not recorded: the incoming headers pass through as they are; nothing is injected.
      if (incoming.traceId !== '') ctx.traceId = incoming.traceId;
      return;
    }
    const t = new RequestTrace(this, ctx, incoming);
    ctx.trace = t;
    ctx.traceId = t.traceId;
  }

  /** RequestObserver: ends the request's spans. */
  requestDone(ctx: RequestContext): void {
    const t = ctx.trace;
    if (t !== null) t.finish(ctx);
  }

  /** The formats injected for a sampled request (see RequestTrace). */
  injectFormats(incoming: IncomingTrace): number {
    return (incoming.format === 0 ? this.firstFormat : incoming.format) | incoming.present;
  }

  /** Exports what is queued (bounded), then stops; later requests are not traced. */
  close(): Promise<void> {
    this.closing ??= this.runClose();
    return this.closing;
  }

  private async runClose(): Promise<void> {
    // Requests the drain cut end their spans as their sockets close, a moment later.
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.closed = true;
    await this.batcher.shutdown(Math.min(this.settings.exporter.timeoutMs, SHUTDOWN_FLUSH_MAX_MS));
    // The export thread ends with the shutdown; past the bound it is ended here.
    await this.exporter.terminate();
    this.loss.report();
  }
}

/**
 * The spans of one sampled request. Rare (a few per hundred requests at typical rates), but each
 * one runs with cold caches amid unsampled traffic, so it stays small: plain span records, no
 * context objects, one clock offset.
 */
export class RequestTrace {
  readonly traceId: string;
  readonly server: SpanRecord;
  readonly serverSpanId: string;
  /** The formats written upstream, and whether the incoming tracestate is dropped with them. */
  readonly formats: number;
  readonly dropTraceState: boolean;
  readonly debug: boolean;
  /** The open attempt's CLIENT span, or null. */
  client: SpanRecord | null = null;
  /** The header lines injected into the current attempt's request head. */
  headers = '';
  /** An upstream failure after the response had begun (the client sees a cut response). */
  private failedMidResponse: ErrorCode | null = null;
  private readonly sink: SpanSink;
  /**
   * Wall clock minus performance.now(), taken once per trace: all of its spans' times convert with
   * the same offset, so a CLIENT span never appears to start before its SERVER span (a Date.now()
   * per span would shift them apart by its millisecond steps).
   */
  private readonly epochOffsetMs: number;

  constructor(tracing: Tracing, ctx: RequestContext, incoming: IncomingTrace) {
    this.sink = tracing;
    this.epochOffsetMs = Date.now() - performance.now();
    let parent: SpanContext | undefined;
    let traceId: string;
    if (incoming.traceId !== '') {
      traceId = incoming.traceId;
      parent = {
        traceId,
        spanId: incoming.spanId,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
        traceState: incoming.traceState === null ? undefined : new TraceState(incoming.traceState),
      };
    } else {
      traceId = newTraceId();
    }
    const attributes: Attributes = {
      'http.request.method': ctx.method,
      'url.path': ctx.path,
      'url.scheme': 'http',
      'client.address': ctx.clientAddress,
      'network.peer.address': ctx.clientAddress,
      'meshgate.request_id': ctx.id,
    };
    setHostAttributes(attributes, ctx.host);
    const ua = headerValue(ctx.rawHeaders, 'user-agent');
    if (ua !== null) attributes['user_agent.original'] = ua;
    const spanId = newSpanId();
    this.server = new SpanRecord(this.sink, ctx.method, SpanKind.SERVER, traceId, spanId, parent, this.time(ctx.startedHr), attributes);
    this.traceId = traceId;
    this.serverSpanId = spanId;
    this.formats = tracing.injectFormats(incoming);
    // A tracestate goes with the traceparent it came with: a new W3C parent of another origin drops it.
    this.dropTraceState = (this.formats & W3C) !== 0 && incoming.format !== W3C;
    this.debug = incoming.debug;
  }

  /** True for an incoming header the injected ones replace (lower-case name). */
  replaces(lower: string): boolean {
    return isReplacedTraceHeader(lower, this.formats, this.dropTraceState);
  }

  /** An attempt is about to be sent to `ctx.endpoint`: its CLIENT span starts, and its headers are ready. */
  attemptStarted(ctx: RequestContext): void {
    if (this.client !== null) this.endClient(this.client, 0, null, false);
    const endpoint = ctx.endpoint!;
    const route = ctx.route!;
    const attributes: Attributes = {
      'http.request.method': ctx.method,
      'server.address': endpoint.host,
      'server.port': endpoint.port,
      'meshgate.attempt': ctx.attempts,
      'meshgate.route': route.name,
      'meshgate.service': route.service.name,
    };
    if (endpoint.hostIsIp) {
      attributes['network.peer.address'] = endpoint.host;
      attributes['network.peer.port'] = endpoint.port;
    }
    if (ctx.attempts > 1) attributes['http.request.resend_count'] = ctx.attempts - 1;
    const spanId = newSpanId();
    this.client = new SpanRecord(this.sink, ctx.method, SpanKind.CLIENT, this.traceId, spanId, this.server, this.time(performance.now()), attributes);
    this.headers = injectionHeaders(this.formats, this.traceId, spanId, this.serverSpanId, this.debug);
  }

  /**
   * The current attempt is over before the response completed: a response `status` that is
   * retried, or a failure `code` (connect, reset, per-try timeout...).
   */
  attemptEnded(ctx: RequestContext, status: number, code: ErrorCode | null): void {
    const span = this.client;
    if (span === null) return;
    this.client = null;
    if (code !== null && ctx.responseStarted) this.failedMidResponse = code;
    this.endClient(span, status, code, false);
  }

  private endClient(span: SpanRecord, status: number, code: ErrorCode | null, aborted: boolean): void {
    if (status > 0) span.attributes['http.response.status_code'] = status;
    if (code !== null) {
      span.attributes['error.type'] = code;
      span.attributes['meshgate.error_code'] = code;
      span.setStatus(SpanStatusCode.ERROR, code);
    } else if (status >= 400) {
      // HTTP semantic conventions: 4xx and 5xx are errors on a CLIENT span.
      span.attributes['error.type'] = String(status);
      span.setStatus(SpanStatusCode.ERROR);
    }
    if (aborted) span.attributes['meshgate.aborted'] = true;
    span.end(this.time(performance.now()));
  }

  /** A performance.now() reading as an OTel HrTime (epoch seconds, nanoseconds). */
  private time(hr: number): HrTime {
    const ms = this.epochOffsetMs + hr;
    const seconds = Math.floor(ms / 1000);
    return [seconds, Math.min(999_999_999, Math.round((ms - seconds * 1000) * 1e6))];
  }

  /** The request is over (answered, or its client went away): the open spans end. */
  finish(ctx: RequestContext): void {
    const code = ctx.errorCode;
    const client = this.client;
    if (client !== null) {
      this.client = null;
      // The attempt in flight ends with the request: with the response it gave, or the
      // gateway's error (overall timeout...), or cut by the client leaving.
      this.endClient(client, code === null && ctx.upstreamHeadHr > 0 ? ctx.status : 0, code, ctx.aborted);
    }
    const span = this.server;
    const route = ctx.route;
    if (route !== null) {
      span.updateName(ctx.matchedPath === '' ? ctx.method : ctx.method + ' ' + ctx.matchedPath);
      if (ctx.matchedPath !== '') span.attributes['http.route'] = ctx.matchedPath;
      span.attributes['meshgate.route'] = route.name;
      span.attributes['meshgate.service'] = route.service.name;
    }
    if (ctx.status > 0) span.attributes['http.response.status_code'] = ctx.status;
    const failure = code ?? this.failedMidResponse;
    if (failure !== null) {
      // Every error the gateway answers itself (MG_*), and an upstream failure that cut the response.
      span.attributes['error.type'] = failure;
      span.attributes['meshgate.error_code'] = failure;
      span.setStatus(SpanStatusCode.ERROR, failure);
    } else if (ctx.status >= 500) {
      span.attributes['error.type'] = String(ctx.status);
      span.setStatus(SpanStatusCode.ERROR);
    }
    if (ctx.aborted) span.attributes['meshgate.aborted'] = true;
    span.end(this.time(performance.now()));
  }
}

/** server.address / server.port from the Host header (`name`, `name:port`, `[v6]:port`). */
function setHostAttributes(attributes: Attributes, host: string): void {
  if (host === '') return;
  let name = host;
  let port = '';
  if (host.charCodeAt(0) === 91 /* [ */) {
    const close = host.indexOf(']');
    if (close > 0) {
      name = host.slice(1, close);
      if (host.charCodeAt(close + 1) === 58 /* : */) port = host.slice(close + 2);
    }
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      name = host.slice(0, colon);
      port = host.slice(colon + 1);
    }
  }
  attributes['server.address'] = name;
  const n = Number(port);
  if (port !== '' && Number.isInteger(n) && n > 0 && n < 65536) attributes['server.port'] = n;
}

/** This process's tracing per the config, or null when it is off (no `tracing` block, or enabled: false). */
export function createTracing(config: TracingConfig | undefined, logger: Logger | null = null): Tracing | null {
  if (config === undefined || config.enabled === false) return null;
  return new Tracing(resolveTracing(config), logger);
}
