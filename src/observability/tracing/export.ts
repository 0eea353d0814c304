/**
 * Getting finished spans out: the SDK's BatchSpanProcessor in front of an OTLP/HTTP (protobuf or
 * JSON) or Zipkin v2 exporter, with two thin wrappers that count what is lost. Spans end on the
 * request path and only enter the processor's bounded queue there; exports run on its timer.
 * A collector that is down or slow never holds a request: the queue fills, and what does not fit
 * is dropped, counted, and reported in a rate-limited warning.
 */
import type { Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { OTLPTraceExporter as OtlpJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { BatchSpanProcessor, type ReadableSpan, type Span, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { Logger } from '../logger.js';

/** At most one warning about lost spans per this interval (a dead collector would warn per batch). */
export const DROP_WARN_INTERVAL_MS = 60_000;

export interface ExporterSettings {
  readonly kind: 'otlp' | 'zipkin';
  readonly endpoint: string;
  readonly encoding: 'protobuf' | 'json';
  readonly headers: Readonly<Record<string, string>>;
  readonly timeoutMs: number;
  readonly serviceName: string;
}

export interface BatchSettings {
  readonly maxQueueSize: number;
  readonly maxBatchSize: number;
  readonly scheduledDelayMs: number;
}

/** The exporter for the config. */
export function createSpanExporter(s: ExporterSettings): SpanExporter {
  if (s.kind === 'zipkin') return new ZipkinExporter({ url: s.endpoint, headers: { ...s.headers }, serviceName: s.serviceName });
  const options = { url: s.endpoint, headers: { ...s.headers }, timeoutMillis: s.timeoutMs, concurrencyLimit: 4 };
  return s.encoding === 'json' ? new OtlpJsonExporter(options) : new OtlpProtoExporter(options);
}

/** Spans lost on the way out, and the rate-limited warning about them. */
export class SpanLossCounter {
  /** Spans in the processor's queue (handed in, not yet taken by an export). */
  queued = 0;
  /** Spans lost since start: queue full, or their export failed. */
  dropped = 0;
  exported = 0;
  private unreported = 0;
  private lastWarnAt = -Infinity;
  private lastError = '';
  private readonly logger: Logger | null;
  private readonly endpoint: string;

  constructor(logger: Logger | null, endpoint: string) {
    this.logger = logger;
    this.endpoint = endpoint;
  }

  lost(n: number, reason: string): void {
    this.dropped += n;
    this.unreported += n;
    this.lastError = reason;
    const now = performance.now();
    if (now - this.lastWarnAt >= DROP_WARN_INTERVAL_MS) this.report(now);
  }

  /** Logs what was lost since the last warning (also called at shutdown). */
  report(now = performance.now()): void {
    if (this.unreported === 0) return;
    this.lastWarnAt = now;
    this.logger?.warn(
      { event: 'tracing_spans_dropped', dropped: this.unreported, droppedTotal: this.dropped, endpoint: this.endpoint, error: this.lastError },
      `tracing: ${this.unreported} span(s) dropped (${this.lastError})`,
    );
    this.unreported = 0;
  }
}

/**
 * Wraps the BatchSpanProcessor to see what its full queue drops: it holds exactly the spans
 * handed in and not yet passed to the exporter, so a span arriving when that count is at
 * maxQueueSize is the one it discards.
 */
export class CountingSpanProcessor implements SpanProcessor {
  private readonly inner: SpanProcessor;
  private readonly loss: SpanLossCounter;
  private readonly maxQueueSize: number;

  constructor(inner: SpanProcessor, loss: SpanLossCounter, maxQueueSize: number) {
    this.inner = inner;
    this.loss = loss;
    this.maxQueueSize = maxQueueSize;
  }

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (this.loss.queued >= this.maxQueueSize) this.loss.lost(1, 'queue full');
    else this.loss.queued++;
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}

/** Wraps the exporter: counts the spans it takes from the queue, and those a failed export lost. */
export class CountingSpanExporter implements SpanExporter {
  private readonly inner: SpanExporter;
  private readonly loss: SpanLossCounter;

  constructor(inner: SpanExporter, loss: SpanLossCounter) {
    this.inner = inner;
    this.loss = loss;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const n = spans.length;
    const loss = this.loss;
    loss.queued = Math.max(0, loss.queued - n);
    try {
      this.inner.export(spans, (result) => {
        if (result.code === ExportResultCode.SUCCESS) loss.exported += n;
        else loss.lost(n, errorText(result.error));
        resultCallback(result);
      });
    } catch (err) {
      loss.lost(n, errorText(err));
      resultCallback({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

function errorText(err: unknown): string {
  if (err === undefined || err === null) return 'export failed';
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  // Node's fetch/AggregateError hide the errno in `cause` or `errors`.
  const inner = (err as { errors?: unknown[] }).errors?.[0] ?? (err as { cause?: unknown }).cause;
  const innerCode = (inner as NodeJS.ErrnoException | undefined)?.code;
  if (typeof innerCode === 'string') return innerCode;
  return err instanceof Error ? err.message || err.name : String(err);
}

/** The processor chain: counting wrapper -> BatchSpanProcessor -> counting wrapper -> exporter. */
export function createSpanProcessor(exporter: SpanExporter, batch: BatchSettings, exportTimeoutMs: number, loss: SpanLossCounter): SpanProcessor {
  const bsp = new BatchSpanProcessor(new CountingSpanExporter(exporter, loss), {
    maxQueueSize: batch.maxQueueSize,
    maxExportBatchSize: batch.maxBatchSize,
    scheduledDelayMillis: batch.scheduledDelayMs,
    exportTimeoutMillis: exportTimeoutMs,
  });
  return new CountingSpanProcessor(bsp, loss, batch.maxQueueSize);
}
