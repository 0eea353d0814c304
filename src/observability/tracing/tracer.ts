/**
 * OpenTelemetry tracing of the gateway hop. One `Tracing` per data-plane process (config
 * `tracing`, read at start). Per request:
 *
 * - requestStart: the trace headers are read (propagation.ts) and the sampling decision made:
 *   an incoming sampled flag is obeyed (parent-based), otherwise `sampleRate` decides. An
 *   unsampled request gets no SDK object at all: `ctx.trace` stays null and its headers go
 *   upstream untouched; `ctx.traceId` is the incoming trace id, if any (for the access log).
 * - A sampled request gets a RequestTrace: a SERVER span (started at the request's start time,
 *   child of the incoming context if there is one), and a CLIENT span per upstream attempt,
 *   whose id is the parent the upstream sees in the injected headers.
 * - requestDone (RequestObserver): the open spans end with status, route, error code.
 *
 * Spans are created with explicit parents (no context manager, no global provider registered:
 * an application embedding meshgate keeps its own) and explicit times. The SDK's sampler is
 * AlwaysOn because the decision is made here, before any SDK object exists.
 */
import { hostname } from 'node:os';
import { isIP } from 'node:net';
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type HrTime, type Span, type Tracer } from '@opentelemetry/api';
import { TraceState } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import {
  ATTR_CLIENT_ADDRESS,
  ATTR_ERROR_TYPE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_REQUEST_RESEND_COUNT,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_NETWORK_PEER_ADDRESS,
  ATTR_NETWORK_PEER_PORT,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SERVICE_NAME,
  ATTR_URL_PATH,
  ATTR_URL_SCHEME,
  ATTR_USER_AGENT_ORIGINAL,
} from '@opentelemetry/semantic-conventions';
import type { TracingConfig } from '../../config/schema/observability.js';
import type { RequestContext } from '../../dataplane/context.js';
import type { ErrorCode } from '../../errors/index.js';
import type { Logger } from '../logger.js';
import type { RequestObserver } from '../observer.js';
import { createSpanExporter, createSpanProcessor, SpanLossCounter, type BatchSettings, type ExporterSettings } from './export.js';
import { extractTrace, FORMAT_BITS, headerValue, IncomingTrace, injectionHeaders, isReplacedTraceHeader, W3C } from './propagation.js';

export const ATTR_MESHGATE_ROUTE = 'meshgate.route';
export const ATTR_MESHGATE_SERVICE = 'meshgate.service';
export const ATTR_MESHGATE_ATTEMPT = 'meshgate.attempt';
export const ATTR_MESHGATE_ERROR_CODE = 'meshgate.error_code';
export const ATTR_MESHGATE_REQUEST_ID = 'meshgate.request_id';
export const ATTR_MESHGATE_ABORTED = 'meshgate.aborted';

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

export class Tracing implements RequestObserver {
  readonly tracer: Tracer;
  readonly settings: ResolvedTracing;
  /** Spans lost (queue full, failed exports) and the warning about them. */
  readonly loss: SpanLossCounter;
  private readonly provider: BasicTracerProvider;
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
    const exporter = createSpanExporter(settings.exporter);
    const resource = defaultResource().merge(
      resourceFromAttributes({ [ATTR_SERVICE_NAME]: settings.serviceName, 'host.name': hostname(), 'process.pid': process.pid }),
    );
    this.provider = new BasicTracerProvider({
      resource,
      sampler: new AlwaysOnSampler(),
      spanProcessors: [createSpanProcessor(exporter, settings.batch, settings.exporter.timeoutMs, this.loss)],
    });
    this.tracer = this.provider.getTracer('meshgate');
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
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, Math.min(this.settings.exporter.timeoutMs, SHUTDOWN_FLUSH_MAX_MS));
      timer.unref();
    });
    await Promise.race([this.provider.shutdown().catch(() => undefined), bound]);
    clearTimeout(timer);
    this.loss.report();
  }
}

/**
 * The spans of one sampled request. Created only for sampled requests (a few per hundred at
 * typical rates), so it can afford the SDK's objects.
 */
export class RequestTrace {
  readonly traceId: string;
  readonly server: Span;
  readonly serverSpanId: string;
  /** The formats written upstream, and whether the incoming tracestate is dropped with them. */
  readonly formats: number;
  readonly dropTraceState: boolean;
  readonly debug: boolean;
  /** The open attempt's CLIENT span, or null. */
  client: Span | null = null;
  /** The header lines injected into the current attempt's request head. */
  headers = '';
  /** An upstream failure after the response had begun (the client sees a cut response). */
  private failedMidResponse: ErrorCode | null = null;
  private serverContext: Context | null = null;
  private readonly tracer: Tracer;
  /**
   * Wall clock minus performance.now(), taken once per trace: all of its spans' times convert with
   * the same offset, so a CLIENT span never appears to start before its SERVER span (the SDK's
   * own conversion takes Date.now() per span, whose millisecond steps would shift them apart).
   */
  private readonly epochOffsetMs: number;

  constructor(tracing: Tracing, ctx: RequestContext, incoming: IncomingTrace) {
    this.tracer = tracing.tracer;
    this.epochOffsetMs = Date.now() - performance.now();
    let parent = ROOT_CONTEXT;
    if (incoming.traceId !== '') {
      parent = trace.setSpanContext(ROOT_CONTEXT, {
        traceId: incoming.traceId,
        spanId: incoming.spanId,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
        traceState: incoming.traceState === null ? undefined : new TraceState(incoming.traceState),
      });
    }
    const attributes: Attributes = {
      [ATTR_HTTP_REQUEST_METHOD]: ctx.method,
      [ATTR_URL_PATH]: ctx.path,
      [ATTR_URL_SCHEME]: 'http',
      [ATTR_CLIENT_ADDRESS]: ctx.clientAddress,
      [ATTR_NETWORK_PEER_ADDRESS]: ctx.clientAddress,
      [ATTR_MESHGATE_REQUEST_ID]: ctx.id,
    };
    setHostAttributes(attributes, ctx.host);
    const ua = headerValue(ctx.rawHeaders, 'user-agent');
    if (ua !== null) attributes[ATTR_USER_AGENT_ORIGINAL] = ua;
    this.server = this.tracer.startSpan(ctx.method, { kind: SpanKind.SERVER, startTime: this.time(ctx.startedHr), attributes }, parent);
    const sc = this.server.spanContext();
    this.traceId = sc.traceId;
    this.serverSpanId = sc.spanId;
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
      [ATTR_HTTP_REQUEST_METHOD]: ctx.method,
      [ATTR_SERVER_ADDRESS]: endpoint.host,
      [ATTR_SERVER_PORT]: endpoint.port,
      [ATTR_MESHGATE_ATTEMPT]: ctx.attempts,
      [ATTR_MESHGATE_ROUTE]: route.name,
      [ATTR_MESHGATE_SERVICE]: route.service.name,
    };
    if (isIP(endpoint.host) !== 0) {
      attributes[ATTR_NETWORK_PEER_ADDRESS] = endpoint.host;
      attributes[ATTR_NETWORK_PEER_PORT] = endpoint.port;
    }
    if (ctx.attempts > 1) attributes[ATTR_HTTP_REQUEST_RESEND_COUNT] = ctx.attempts - 1;
    this.serverContext ??= trace.setSpan(ROOT_CONTEXT, this.server);
    const span = this.tracer.startSpan(ctx.method, { kind: SpanKind.CLIENT, startTime: this.time(performance.now()), attributes }, this.serverContext);
    this.client = span;
    this.headers = injectionHeaders(this.formats, this.traceId, span.spanContext().spanId, this.serverSpanId, this.debug);
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

  private endClient(span: Span, status: number, code: ErrorCode | null, aborted: boolean): void {
    if (status > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
    if (code !== null) {
      span.setAttribute(ATTR_ERROR_TYPE, code);
      span.setAttribute(ATTR_MESHGATE_ERROR_CODE, code);
      span.setStatus({ code: SpanStatusCode.ERROR, message: code });
    } else if (status >= 400) {
      // HTTP semantic conventions: 4xx and 5xx are errors on a CLIENT span.
      span.setAttribute(ATTR_ERROR_TYPE, String(status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    if (aborted) span.setAttribute(ATTR_MESHGATE_ABORTED, true);
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
      if (ctx.matchedPath !== '') span.setAttribute(ATTR_HTTP_ROUTE, ctx.matchedPath);
      span.setAttribute(ATTR_MESHGATE_ROUTE, route.name);
      span.setAttribute(ATTR_MESHGATE_SERVICE, route.service.name);
    }
    if (ctx.status > 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, ctx.status);
    const failure = code ?? this.failedMidResponse;
    if (failure !== null) {
      // Every error the gateway answers itself (MG_*), and an upstream failure that cut the response.
      span.setAttribute(ATTR_ERROR_TYPE, failure);
      span.setAttribute(ATTR_MESHGATE_ERROR_CODE, failure);
      span.setStatus({ code: SpanStatusCode.ERROR, message: failure });
    } else if (ctx.status >= 500) {
      span.setAttribute(ATTR_ERROR_TYPE, String(ctx.status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    if (ctx.aborted) span.setAttribute(ATTR_MESHGATE_ABORTED, true);
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
  attributes[ATTR_SERVER_ADDRESS] = name;
  const n = Number(port);
  if (port !== '' && Number.isInteger(n) && n > 0 && n < 65536) attributes[ATTR_SERVER_PORT] = n;
}

/** This process's tracing per the config, or null when it is off (no `tracing` block, or enabled: false). */
export function createTracing(config: TracingConfig | undefined, logger: Logger | null = null): Tracing | null {
  if (config === undefined || config.enabled === false) return null;
  return new Tracing(resolveTracing(config), logger);
}
