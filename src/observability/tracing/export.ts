/**
 * Getting finished spans out: a small batcher (bounded queue, timer, one export at a time) in
 * front of the exporter (in the gateway: the export thread, export-thread.ts, which runs the
 * SDK's OTLP/HTTP or Zipkin v2 exporter), counting what is lost.
 * Spans end on the request path and only enter the queue there; exports run off it.
 * A collector that is down or slow never holds a request: the queue fills, and what does not fit
 * is dropped, counted, and reported in a rate-limited warning.
 */
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
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

/** Spans lost on the way out, and the rate-limited warning about them. */
export class SpanLossCounter {
  /** Spans in the export queue (handed in, not yet taken by an export). */
  queued = 0;
  /** Spans lost since start: queue full, their export failed, or still queued when the shutdown's bound passed. */
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
 * Finished spans on their way to the exporter: a bounded queue that the request path only
 * pushes onto, and exports of up to maxBatchSize spans, one at a time, started by an unref'd
 * timer every scheduledDelayMs or, once a full batch waits, on the next turn of the event loop.
 * Serialization and I/O never run inside a request's call stack.
 */
export class SpanBatcher {
  private queue: ReadableSpan[] = [];
  /** The export in flight (at most one: a slow collector gets no pile of parallel requests). */
  private inFlight: Promise<void> | null = null;
  private flushScheduled = false;
  private closed = false;
  /** The shutdown's bound has passed: nothing more is exported. */
  private stopped = false;
  private shutdownOnce: Promise<void> | null = null;
  private readonly exporter: SpanExporter;
  private readonly maxQueueSize: number;
  private readonly maxBatchSize: number;
  private readonly exportTimeoutMs: number;
  private readonly loss: SpanLossCounter;
  private readonly timer: NodeJS.Timeout;

  constructor(exporter: SpanExporter, batch: BatchSettings, exportTimeoutMs: number, loss: SpanLossCounter) {
    this.exporter = exporter;
    this.maxQueueSize = batch.maxQueueSize;
    this.maxBatchSize = Math.max(1, Math.min(batch.maxBatchSize, batch.maxQueueSize));
    this.exportTimeoutMs = exportTimeoutMs;
    this.loss = loss;
    // Node's timers take at most 2^31-1 ms (longer ones fire after 1 ms).
    this.timer = setInterval(this.onTick, Math.min(batch.scheduledDelayMs, 0x7fffffff));
    this.timer.unref();
  }

  /** Request path: queues a finished span, or drops and counts it when the queue is full. */
  add(span: ReadableSpan): void {
    if (this.closed) {
      this.loss.lost(1, 'tracing closed');
      return;
    }
    const queue = this.queue;
    if (queue.length >= this.maxQueueSize) {
      this.loss.lost(1, 'queue full');
      return;
    }
    queue.push(span);
    this.loss.queued = queue.length;
    if (queue.length >= this.maxBatchSize && this.inFlight === null && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(this.onImmediate);
    }
  }

  /**
   * Stops the timer, exports what is queued (batch after batch) and shuts the exporter down, all
   * within `boundMs`; what is still queued then is counted as lost.
   */
  shutdown(boundMs: number): Promise<void> {
    this.shutdownOnce ??= this.runShutdown(boundMs);
    return this.shutdownOnce;
  }

  private readonly onTick = (): void => {
    if (this.inFlight === null && this.queue.length > 0) void this.exportBatch();
  };

  private readonly onImmediate = (): void => {
    this.flushScheduled = false;
    this.onTick();
  };

  /** Takes up to maxBatchSize spans off the queue and exports them; settles when the exporter answers or the export timeout passes. */
  private exportBatch(): Promise<void> {
    const queue = this.queue;
    let spans: ReadableSpan[];
    if (queue.length <= this.maxBatchSize) {
      spans = queue;
      this.queue = [];
    } else {
      spans = queue.splice(0, this.maxBatchSize);
    }
    const loss = this.loss;
    loss.queued = this.queue.length;
    const n = spans.length;
    const exported = new Promise<void>((resolve) => {
      let settled = false;
      // A stuck exporter must not hold the queue forever (its late answer is still counted).
      const timeout = setTimeout(settle, this.exportTimeoutMs);
      timeout.unref();
      function settle(): void {
        if (settled) return;
        settled = true;
        clearTimeout(timeout);
        resolve();
      }
      const done = (result: ExportResult): void => {
        if (result.code === ExportResultCode.SUCCESS) loss.exported += n;
        else loss.lost(n, errorText(result.error));
        settle();
      };
      try {
        this.exporter.export(spans, done);
      } catch (err) {
        done({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
      }
    });
    const inFlight = exported.then(() => {
      this.inFlight = null;
      if (!this.closed && this.queue.length >= this.maxBatchSize && !this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(this.onImmediate);
      }
    });
    this.inFlight = inFlight;
    return inFlight;
  }

  private async runShutdown(boundMs: number): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, boundMs);
      timer.unref();
    });
    await Promise.race([this.drain().then(() => this.exporter.shutdown()).catch(() => undefined), bound]);
    clearTimeout(timer);
    this.stopped = true;
    const left = this.queue.length;
    if (left > 0) {
      this.queue = [];
      this.loss.queued = 0;
      this.loss.lost(left, 'not exported before shutdown');
    }
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      if (this.inFlight !== null) await this.inFlight;
      else if (this.queue.length === 0) return;
      else await this.exportBatch();
    }
  }
}

/** What a failed export's error says in logs and counters: its errno code when it has one, else its message. */
export function errorText(err: unknown): string {
  if (err === undefined || err === null) return 'export failed';
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string') return code;
  // Node's fetch/AggregateError hide the errno in `cause` or `errors`.
  const inner = (err as { errors?: unknown[] }).errors?.[0] ?? (err as { cause?: unknown }).cause;
  const innerCode = (inner as NodeJS.ErrnoException | undefined)?.code;
  if (typeof innerCode === 'string') return innerCode;
  return err instanceof Error ? err.message || err.name : String(err);
}
