import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { SpanKind, SpanStatusCode, type SpanContext } from '@opentelemetry/api';
import { ExportResultCode, TraceState, type ExportResult } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { freePort } from '../../../test/helpers/net.js';
import { startTraceReceiver } from '../../../test/helpers/trace-receiver.js';
import type { ExporterSettings } from './export.js';
import { ThreadSpanExporter } from './export-thread.js';
import { newSpanId, SPAN_SCOPE, spanFromWire, spanResource, SpanRecord, spanToWire, type SpanSink } from './span.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';

function settings(endpoint: string, kind: ExporterSettings['kind'] = 'otlp'): ExporterSettings {
  return { kind, endpoint, encoding: 'protobuf', headers: {}, timeoutMs: 2000, serviceName: 'thread-test' };
}

/** A SERVER span under a remote parent with a tracestate, and its CLIENT span that failed, both ended. */
function twoSpans(): SpanRecord[] {
  const ended: SpanRecord[] = [];
  const sink: SpanSink = { resource: spanResource('thread-test'), instrumentationScope: SPAN_SCOPE, spanEnded: (s) => void ended.push(s) };
  const remote: SpanContext = { traceId: TRACE, spanId: '00f067aa0ba902b7', traceFlags: 1, isRemote: true, traceState: new TraceState('vendor=a,other=b') };
  const server = new SpanRecord(sink, 'GET /api', SpanKind.SERVER, TRACE, newSpanId(), remote, [1_700_000_000, 100_000_000], { 'url.path': '/api/x', 'http.response.status_code': 502 });
  const client = new SpanRecord(sink, 'GET', SpanKind.CLIENT, TRACE, newSpanId(), server, [1_700_000_000, 200_000_000], { 'meshgate.attempt': 1, 'server.port': 8080 });
  client.setStatus(SpanStatusCode.ERROR, 'MG_UPSTREAM_RESET');
  client.end([1_700_000_000, 300_000_000]);
  server.end([1_700_000_000, 400_000_000]);
  return ended;
}

/** This process's OS threads (a worker thread is one). */
function threadCount(): number {
  return Number(/^Threads:\s+(\d+)$/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1]);
}

function exportOnce(exporter: ThreadSpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

describe('export thread', () => {
  test('the wire form rebuilds every field an exporter reads, the remote parent and its tracestate included', () => {
    const [client, server] = twoSpans();
    const sink: SpanSink = { resource: spanResource('other'), instrumentationScope: SPAN_SCOPE, spanEnded: () => assert.fail('rebuilt spans are not ended again') };
    for (const original of [client!, server!]) {
      // Through structured clone, as postMessage sends it.
      const rebuilt = spanFromWire(structuredClone(spanToWire(original)), sink);
      for (const key of ['name', 'kind', 'traceId', 'spanId', 'startTime', 'endTime', 'duration', 'status', 'attributes', 'ended', 'links', 'events'] as const) {
        assert.deepEqual(rebuilt[key], original[key], key);
      }
      const [a, b] = [rebuilt.parentSpanContext!, original.parentSpanContext!];
      assert.deepEqual([a.traceId, a.spanId, a.traceFlags, a.isRemote, a.traceState?.serialize()], [b.traceId, b.spanId, b.traceFlags, b.isRemote === true, b.traceState?.serialize()]);
      assert.equal(rebuilt.traceState?.serialize(), 'vendor=a,other=b', 'a span inherits its parent tracestate');
      assert.equal(rebuilt.resource, sink.resource);
    }
  });

  for (const kind of ['otlp', 'zipkin'] as const) {
    test(`${kind}: spans exported from the thread reach a real collector intact`, async (t) => {
      const rx = await startTraceReceiver();
      t.after(() => rx.close());
      const exporter = new ThreadSpanExporter(settings(rx.url(kind === 'otlp' ? '/v1/traces' : '/api/v2/spans'), kind));
      t.after(() => exporter.terminate());
      const spans = twoSpans();
      assert.deepEqual(await exportOnce(exporter, spans), { code: ExportResultCode.SUCCESS });
      assert.equal(rx.spans.length, 2);
      const server = rx.spans.find((s) => s.kind === 'SERVER')!;
      const client = rx.spans.find((s) => s.kind === 'CLIENT')!;
      assert.deepEqual([server.traceId, server.parentSpanId, server.spanId, server.serviceName], [TRACE, '00f067aa0ba902b7', spans[1]!.spanId, 'thread-test']);
      assert.deepEqual([client.parentSpanId, client.status, client.statusMessage], [server.spanId, 'ERROR', 'MG_UPSTREAM_RESET']);
      assert.deepEqual([client.startUs, client.endUs], [1_700_000_000_200_000, 1_700_000_000_300_000]);
      assert.equal(String(server.attributes['url.path']), '/api/x');
      if (kind === 'otlp') assert.equal(server.traceState, 'vendor=a,other=b');
    });
  }

  test('a collector that is down: the export fails with its errno, and the next export still runs', async (t) => {
    const exporter = new ThreadSpanExporter(settings(`http://127.0.0.1:${await freePort()}/v1/traces`));
    t.after(() => exporter.terminate());
    for (let i = 0; i < 2; i++) {
      const result = await exportOnce(exporter, twoSpans());
      assert.equal(result.code, ExportResultCode.FAILED);
      assert.match(String(result.error?.message), /ECONNREFUSED/);
    }
  });

  test('a batch that cannot cross to the thread fails alone; the next one goes', async (t) => {
    const rx = await startTraceReceiver();
    t.after(() => rx.close());
    const exporter = new ThreadSpanExporter(settings(rx.url('/v1/traces')));
    t.after(() => exporter.terminate());
    const bad = twoSpans();
    (bad[0]!.attributes as Record<string, unknown>).fn = () => undefined; // not cloneable
    const failed = await exportOnce(exporter, bad);
    assert.equal(failed.code, ExportResultCode.FAILED);
    assert.match(String(failed.error?.name), /DataCloneError/);
    assert.equal((await exportOnce(exporter, twoSpans())).code, ExportResultCode.SUCCESS);
    assert.equal(rx.spans.length, 2);
  });

  test('after shutdown (or terminate) exports fail at once and no thread is left', async () => {
    const rx = await startTraceReceiver();
    try {
      const before = threadCount();
      const exporter = new ThreadSpanExporter(settings(rx.url('/v1/traces')));
      assert.equal((await exportOnce(exporter, twoSpans())).code, ExportResultCode.SUCCESS);
      assert.ok(threadCount() > before, 'the export ran in a thread of its own');
      await exporter.shutdown();
      assert.equal(threadCount(), before, 'the thread has ended');
      const late = await exportOnce(exporter, twoSpans());
      assert.deepEqual([late.code, late.error?.message], [ExportResultCode.FAILED, 'exporter shut down']);
      await exporter.terminate(); // idempotent
    } finally {
      await rx.close();
    }
  });

  test('an idle thread does not keep a process alive; one with an export in flight does until it is answered', async () => {
    const rx = await startTraceReceiver();
    try {
      // A child that exports one batch and then has nothing left to do: it must exit by itself,
      // after the collector has the spans.
      const script = `
        const { ThreadSpanExporter } = await import(${JSON.stringify(new URL('./export-thread.js', import.meta.url).href)});
        const { SpanKind } = await import('@opentelemetry/api');
        const { SpanRecord, SPAN_SCOPE, spanResource, newSpanId, newTraceId } = await import(${JSON.stringify(new URL('./span.js', import.meta.url).href)});
        const exporter = new ThreadSpanExporter(${JSON.stringify(settings(rx.url('/v1/traces')))});
        const sink = { resource: spanResource('child'), instrumentationScope: SPAN_SCOPE, spanEnded: (s) => exporter.export([s], (r) => console.log('result', r.code, r.error?.message ?? '')) };
        new SpanRecord(sink, 'child', SpanKind.SERVER, newTraceId(), newSpanId(), undefined, [1, 0], {}).end([2, 0]);
      `;
      const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const code = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error('the child did not exit: the export thread holds it'));
        }, 10_000);
        child.on('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      assert.equal(code, 0);
      assert.equal(out.trim(), `result ${ExportResultCode.SUCCESS}`, 'the export in flight was answered before the exit');
      assert.deepEqual(rx.spans.map((s) => s.name), ['child']);
    } finally {
      await rx.close();
    }
  });
});
