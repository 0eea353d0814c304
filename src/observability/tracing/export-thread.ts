/**
 * The span exporter as the data plane sees it: a SpanExporter whose exports run in a worker
 * thread (export-worker.ts), started at the first export. The batch goes over as plain data
 * (spanToWire) and each export is answered with its result, so the batcher's queue, bounds and
 * loss counters stay on the data plane's thread unchanged.
 *
 * Why a thread: the SDK's HTTP transport on the data plane's thread cost about 3% of the gateway's
 * throughput at 1% sampling (one export a second), far more than its own CPU time. Its sockets,
 * timers and streams run through the same Node internals as the proxied traffic (net.Socket
 * writes, stream state, timer lists) and turn their inline caches polymorphic, so V8 optimizes
 * the proxy's hot path worse. Measured side by side with tracing at 1% (bench/side-by-side.sh,
 * 8 launches): exporting from this thread instead gave +2.7 to +3.6% req/s, within 1% of not
 * exporting at all; the encoding itself (otlp-protobuf.ts) was never the cost.
 *
 * While an export or the shutdown is pending the thread is ref'd (spans in flight keep a
 * draining process alive, as the SDK's socket did); idle, it is not.
 */
import { Worker } from 'node:worker_threads';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ExporterSettings } from './export.js';
import { spanToWire, type SpanWire } from './span.js';

export type ExportThreadRequest = { type: 'export'; id: number; spans: SpanWire[] } | { type: 'shutdown' };
export type ExportThreadReply = { type: 'result'; id: number; error: string | null } | { type: 'shutdown-done' };

const WORKER_URL = new URL('./export-worker.js', import.meta.url);

export class ThreadSpanExporter implements SpanExporter {
  private readonly settings: ExporterSettings;
  private worker: Worker | null = null;
  private nextId = 1;
  /** Exports sent to the thread and not yet answered, by id. */
  private readonly pending = new Map<number, (result: ExportResult) => void>();
  private shutdownDone: (() => void) | null = null;
  private shutDown = false;

  constructor(settings: ExporterSettings) {
    this.settings = settings;
  }

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    if (this.shutDown) {
      done({ code: ExportResultCode.FAILED, error: new Error('exporter shut down') });
      return;
    }
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    try {
      worker.postMessage({ type: 'export', id, spans: spans.map(spanToWire) } satisfies ExportThreadRequest);
    } catch (err) {
      // An attribute value structured clone cannot copy: this batch fails, the thread stays idle.
      done({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
      return;
    }
    this.pending.set(id, done);
    worker.ref();
  }

  /** Lets the thread finish its exports and shut the SDK exporter down, then ends it. Unbounded: the batcher bounds it, then terminate(). */
  async shutdown(): Promise<void> {
    this.shutDown = true;
    const worker = this.worker;
    if (worker === null) return;
    worker.ref();
    await new Promise<void>((resolve) => {
      this.shutdownDone = resolve;
      worker.postMessage({ type: 'shutdown' } satisfies ExportThreadRequest);
    });
    await this.terminate();
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Ends the thread now (a shutdown whose bound passed); exports still pending fail. */
  async terminate(): Promise<void> {
    this.shutDown = true;
    const worker = this.worker;
    if (worker === null) return;
    this.worker = null;
    await worker.terminate();
    this.failPending('exporter shut down');
  }

  private start(): Worker {
    // No execArgv: the thread needs none of the process's flags, and some (--input-type, -e) fail a worker started from a file.
    const worker = new Worker(WORKER_URL, { workerData: this.settings, execArgv: [] });
    worker.unref();
    worker.on('message', (m: ExportThreadReply) => {
      if (m.type === 'shutdown-done') {
        this.shutdownDone?.();
        this.shutdownDone = null;
        return;
      }
      const done = this.pending.get(m.id);
      if (done === undefined) return;
      this.pending.delete(m.id);
      if (this.pending.size === 0 && this.shutdownDone === null) worker.unref();
      done(m.error === null ? { code: ExportResultCode.SUCCESS } : { code: ExportResultCode.FAILED, error: new Error(m.error) });
    });
    // A thread that dies (an exception in the SDK) fails its pending exports; the next export starts a new one.
    worker.on('error', (err) => this.failPending(err.message || 'export thread failed'));
    worker.on('exit', () => {
      if (this.worker === worker) this.worker = null;
      this.failPending('export thread exited');
      this.shutdownDone?.();
      this.shutdownDone = null;
    });
    this.worker = worker;
    return worker;
  }

  private failPending(reason: string): void {
    if (this.pending.size === 0) return;
    const calls = [...this.pending.values()];
    this.pending.clear();
    for (const done of calls) done({ code: ExportResultCode.FAILED, error: new Error(reason) });
  }
}
