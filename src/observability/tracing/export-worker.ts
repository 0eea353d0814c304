/**
 * The export thread's entry (started by export-thread.ts): runs the SDK exporter for the
 * config, rebuilding each batch's spans from their wire form, and answers every export with its
 * result. It has its own V8 isolate: the exporter's HTTP client, timers and encoders never share
 * the data plane's inline caches (see export-thread.ts for why that matters).
 *
 * Messages in: { type: 'export', id, spans } and { type: 'shutdown' }. Out: { type: 'result',
 * id, error } (error: null on success, else errorText()) and { type: 'shutdown-done' }.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { context } from '@opentelemetry/api';
import { ExportResultCode, suppressTracing, type ExportResult } from '@opentelemetry/core';
import { errorText, type ExporterSettings } from './export.js';
import type { ExportThreadReply, ExportThreadRequest } from './export-thread.js';
import { createSpanExporter } from './exporters.js';
import { SPAN_SCOPE, spanFromWire, spanResource, type SpanSink } from './span.js';

const port = parentPort!;
const settings = workerData as ExporterSettings;
const exporter = createSpanExporter(settings);
// Rebuilt spans are already ended: nothing is handed to this sink.
const sink: SpanSink = { resource: spanResource(settings.serviceName), instrumentationScope: SPAN_SCOPE, spanEnded: () => undefined };
const reply = (m: ExportThreadReply): void => port.postMessage(m);

port.on('message', (m: ExportThreadRequest) => {
  if (m.type === 'export') {
    const spans = m.spans.map((w) => spanFromWire(w, sink));
    const done = (result: ExportResult): void =>
      reply({ type: 'result', id: m.id, error: result.code === ExportResultCode.SUCCESS ? null : errorText(result.error) });
    try {
      // An embedding application's HTTP instrumentation (preloaded into workers too) must not trace the exporter's own requests.
      context.with(suppressTracing(context.active()), () => exporter.export(spans, done));
    } catch (err) {
      reply({ type: 'result', id: m.id, error: errorText(err) });
    }
  } else {
    // Waits for exports in flight, then lets the thread end.
    const end = (): void => {
      reply({ type: 'shutdown-done' });
      port.close();
    };
    exporter.shutdown().then(end, end);
  }
});
