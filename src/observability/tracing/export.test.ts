import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pino } from 'pino';
import { SpanKind, SpanStatusCode, type SpanContext } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult, type InstrumentationScope } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import { SpanBatcher, SpanLossCounter } from './export.js';
import { newSpanId, newTraceId, SpanRecord, type SpanSink } from './span.js';

/** An exporter that holds each export until the test answers it. */
class HeldExporter implements SpanExporter {
  readonly calls: Array<{ spans: ReadableSpan[]; answer: (r: ExportResult) => void }> = [];
  shutdowns = 0;
  export(spans: ReadableSpan[], answer: (r: ExportResult) => void): void {
    this.calls.push({ spans, answer });
  }
  shutdown(): Promise<void> {
    this.shutdowns++;
    return Promise.resolve();
  }
}

const span = (i: number): ReadableSpan => ({ name: `s${i}` }) as ReadableSpan;
const tick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const OK: ExportResult = { code: ExportResultCode.SUCCESS };

function batcher(maxQueueSize: number, maxBatchSize: number, scheduledDelayMs = 600_000, logs: Array<Record<string, unknown>> = []) {
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logs.push(JSON.parse(line) as Record<string, unknown>) });
  const loss = new SpanLossCounter(logger, 'http://collector/v1/traces');
  const exporter = new HeldExporter();
  return { loss, exporter, b: new SpanBatcher(exporter, { maxQueueSize, maxBatchSize, scheduledDelayMs }, 1000, loss) };
}

describe('span batcher', () => {
  test('a full queue drops and counts; the export of a full batch runs on a later tick, never inside add()', async () => {
    const logs: Array<Record<string, unknown>> = [];
    const { loss, exporter, b } = batcher(3, 3, 600_000, logs);
    for (let i = 0; i < 5; i++) b.add(span(i));
    assert.deepEqual([loss.queued, loss.dropped, loss.exported], [3, 2, 0]);
    assert.equal(exporter.calls.length, 0, 'nothing is exported on the request path');
    assert.equal(logs.filter((l) => l.event === 'tracing_spans_dropped').length, 1, 'one rate-limited warning');
    assert.equal(logs[0]!.error, 'queue full');
    await tick();
    assert.equal(exporter.calls.length, 1);
    assert.deepEqual(exporter.calls[0]!.spans.map((s) => s.name), ['s0', 's1', 's2']);
    assert.equal(loss.queued, 0);
    exporter.calls[0]!.answer(OK);
    assert.deepEqual([loss.queued, loss.dropped, loss.exported], [0, 2, 3]);
    await b.shutdown(1000);
  });

  test('a partial batch waits for the timer', async () => {
    const { loss, exporter, b } = batcher(100, 10, 20);
    b.add(span(1));
    await tick();
    assert.equal(exporter.calls.length, 0);
    const deadline = Date.now() + 2000;
    while (exporter.calls.length === 0 && Date.now() < deadline) await sleep(5);
    assert.equal(exporter.calls.length, 1);
    exporter.calls[0]!.answer(OK);
    assert.equal(loss.exported, 1);
    await b.shutdown(1000);
  });

  test('one export at a time; the next full batch goes when the previous one is answered', async () => {
    const { loss, exporter, b } = batcher(100, 2);
    for (let i = 0; i < 5; i++) b.add(span(i));
    await tick();
    await tick();
    assert.equal(exporter.calls.length, 1);
    assert.equal(loss.queued, 3);
    exporter.calls[0]!.answer(OK);
    await tick();
    await tick();
    assert.equal(exporter.calls.length, 2);
    assert.deepEqual(exporter.calls[1]!.spans.map((s) => s.name), ['s2', 's3']);
    exporter.calls[1]!.answer({ code: ExportResultCode.FAILED, error: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }) });
    assert.deepEqual([loss.exported, loss.dropped, loss.queued], [2, 2, 1]);
    await tick();
    assert.equal(exporter.calls.length, 2, 'the last span waits for the timer or the shutdown');
    const closing = b.shutdown(1000);
    await tick();
    exporter.calls[2]!.answer(OK);
    await closing;
    assert.deepEqual([loss.exported, loss.dropped, loss.queued, exporter.shutdowns], [3, 2, 0, 1]);
    b.add(span(9));
    assert.equal(loss.dropped, 3, 'a span ending after the shutdown is counted as lost');
  });

  test('shutdown is bounded: a collector that never answers holds it for the bound, and what is left counts as lost', async () => {
    const { loss, exporter, b } = batcher(100, 2);
    for (let i = 0; i < 6; i++) b.add(span(i));
    const started = Date.now();
    // The bound's timer is unref'd (it must not keep a process alive): a socket would, in real use.
    const alive = setInterval(() => undefined, 1000);
    await b.shutdown(100);
    clearInterval(alive);
    assert.ok(Date.now() - started < 1000);
    assert.equal(exporter.calls.length, 1, 'the first batch never came back');
    assert.deepEqual([loss.queued, loss.dropped], [0, 4]);
  });
});

describe('span record', () => {
  const ended: SpanRecord[] = [];
  const sink: SpanSink = {
    resource: resourceFromAttributes({ 'service.name': 't' }),
    instrumentationScope: { name: 'meshgate' } satisfies InstrumentationScope,
    spanEnded: (s) => void ended.push(s),
  };

  test('ids: lower-case hex of the right length, fresh each time', () => {
    const ids = new Set<string>();
    for (let i = 0; i < 1000; i++) {
      const s = newSpanId();
      const t = newTraceId();
      assert.match(s, /^[0-9a-f]{16}$/);
      assert.match(t, /^[0-9a-f]{32}$/);
      ids.add(s).add(t);
    }
    assert.equal(ids.size, 2000);
  });

  test('the fields the exporters read; status and name follow the SDK rules; end happens once', () => {
    const remote: SpanContext = { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1, isRemote: true };
    const server = new SpanRecord(sink, 'GET', SpanKind.SERVER, remote.traceId, newSpanId(), remote, [100, 500_000_000], { k: 'v' });
    const client = new SpanRecord(sink, 'GET', SpanKind.CLIENT, server.traceId, newSpanId(), server, [100, 600_000_000], {});
    assert.equal(server.spanContext(), server);
    assert.deepEqual([server.parentSpanContext, client.parentSpanContext?.spanId, client.parentSpanContext?.isRemote], [remote, server.spanId, false]);
    assert.deepEqual([server.status, server.ended, server.links, server.events, server.droppedAttributesCount], [{ code: SpanStatusCode.UNSET }, false, [], [], 0]);
    client.setStatus(SpanStatusCode.ERROR, 'MG_X');
    client.setStatus(SpanStatusCode.UNSET);
    assert.deepEqual(client.status, { code: SpanStatusCode.ERROR, message: 'MG_X' });
    client.end([101, 100_000_000]);
    assert.deepEqual([client.endTime, client.duration, client.ended], [[101, 100_000_000], [0, 500_000_000], true]);
    client.setAttribute('late', 1);
    client.updateName('late');
    client.end([102, 0]);
    assert.deepEqual([client.name, client.attributes.late, client.endTime, ended.length], ['GET', undefined, [101, 100_000_000], 1]);
    // An end before the start (clock step) becomes a zero-length span.
    server.end([100, 0]);
    assert.deepEqual([server.endTime, server.duration], [[100, 500_000_000], [0, 0]]);
    assert.equal(ended.length, 2);
  });
});
