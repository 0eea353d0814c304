import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  B3,
  B3_MULTI,
  extractTrace,
  IncomingTrace,
  injectionHeaders,
  isReplacedTraceHeader,
  parseB3Single,
  parseTraceparent,
  traceIdOf,
  W3C,
} from './propagation.js';

const TRACE = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN = '00f067aa0ba902b7';
const TRACE64 = 'a3ce929d0e0e4736';
const ALL = [W3C, B3, B3_MULTI];
const ALL_MASK = W3C | B3 | B3_MULTI;

function parsed(v: string): IncomingTrace | null {
  const out = new IncomingTrace();
  return parseTraceparent(v, out) ? out : null;
}

function b3(v: string): IncomingTrace | null {
  const out = new IncomingTrace();
  return parseB3Single(v, out) ? out : null;
}

function extract(raw: string[], order = ALL): IncomingTrace {
  const out = new IncomingTrace();
  let mask = 0;
  for (const f of order) mask |= f;
  extractTrace(raw, order, mask, out);
  return out;
}

describe('W3C traceparent', () => {
  const cases: Array<{ desc: string; value: string; trace?: string; span?: string; sampled?: number }> = [
    { desc: 'valid, sampled', value: `00-${TRACE}-${SPAN}-01`, trace: TRACE, span: SPAN, sampled: 1 },
    { desc: 'valid, not sampled', value: `00-${TRACE}-${SPAN}-00`, trace: TRACE, span: SPAN, sampled: 0 },
    { desc: 'other flag bits: only the low bit is "sampled"', value: `00-${TRACE}-${SPAN}-03`, trace: TRACE, sampled: 1 },
    { desc: 'flags 02: not sampled', value: `00-${TRACE}-${SPAN}-02`, trace: TRACE, sampled: 0 },
    { desc: 'a later version may append fields after "-"', value: `01-${TRACE}-${SPAN}-01-what-comes`, trace: TRACE, sampled: 1 },
    { desc: 'a later version of exactly 55 characters', value: `cc-${TRACE}-${SPAN}-01`, trace: TRACE },
    { desc: 'version ff is invalid', value: `ff-${TRACE}-${SPAN}-01` },
    { desc: 'version 00 with extra fields is invalid', value: `00-${TRACE}-${SPAN}-01-extra` },
    { desc: 'a later version: the 56th character must be "-"', value: `01-${TRACE}-${SPAN}-01x` },
    { desc: 'all-zero trace id', value: `00-${'0'.repeat(32)}-${SPAN}-01` },
    { desc: 'all-zero parent id', value: `00-${TRACE}-${'0'.repeat(16)}-01` },
    { desc: 'uppercase hex in the trace id', value: `00-${TRACE.toUpperCase()}-${SPAN}-01` },
    { desc: 'uppercase hex in the flags', value: `00-${TRACE}-${SPAN}-0A` },
    { desc: 'uppercase version', value: `0A-${TRACE}-${SPAN}-01` },
    { desc: 'trace id too short', value: `00-${TRACE.slice(1)}-${SPAN}-01` },
    { desc: 'trace id too long', value: `00-${TRACE}a-${SPAN}-01` },
    { desc: 'parent id too short', value: `00-${TRACE}-${SPAN.slice(1)}-01` },
    { desc: 'one-digit flags', value: `00-${TRACE}-${SPAN}-1` },
    { desc: 'non-hex characters', value: `00-${TRACE.slice(0, 31)}g-${SPAN}-01` },
    { desc: 'wrong separators', value: `00_${TRACE}_${SPAN}_01` },
    { desc: 'empty', value: '' },
  ];
  for (const c of cases) {
    test(c.desc, () => {
      const r = parsed(c.value);
      if (c.trace === undefined) {
        assert.equal(r, null);
        return;
      }
      assert.ok(r !== null);
      assert.equal(r.traceId, c.trace);
      if (c.span !== undefined) assert.equal(r.spanId, c.span);
      if (c.sampled !== undefined) assert.equal(r.sampled, c.sampled);
    });
  }

  test('traceIdOf (kept for the access log) follows the same rules', () => {
    assert.equal(traceIdOf(`00-${TRACE}-${SPAN}-01`), TRACE);
    assert.equal(traceIdOf(null), null);
    assert.equal(traceIdOf(`ff-${TRACE}-${SPAN}-01`), null);
  });
});

describe('B3 single header', () => {
  test('trace-span-sampled-parent', () => {
    const r = b3(`${TRACE}-${SPAN}-1-${'b7ad6b7169203331'}`)!;
    assert.deepEqual([r.traceId, r.spanId, r.sampled, r.debug], [TRACE, SPAN, 1, false]);
  });
  test('a 64-bit trace id is padded to 128 bits', () => {
    const r = b3(`${TRACE64}-${SPAN}-1`)!;
    assert.equal(r.traceId, '0000000000000000' + TRACE64);
  });
  test('sampling state 0: not sampled, ids kept', () => {
    const r = b3(`${TRACE}-${SPAN}-0`)!;
    assert.deepEqual([r.traceId, r.sampled], [TRACE, 0]);
  });
  test('d (debug) means sampled', () => {
    const r = b3(`${TRACE}-${SPAN}-d`)!;
    assert.deepEqual([r.sampled, r.debug], [1, true]);
  });
  test('no sampling state: the decision is deferred', () => {
    const r = b3(`${TRACE}-${SPAN}`)!;
    assert.deepEqual([r.traceId, r.sampled], [TRACE, -1]);
  });
  test('"0" alone: deny, no context', () => {
    const r = b3('0')!;
    assert.deepEqual([r.traceId, r.sampled], ['', 0]);
  });
  test('"1" and "d" alone: sampled, no ids (a new trace)', () => {
    assert.deepEqual([b3('1')!.traceId, b3('1')!.sampled], ['', 1]);
    assert.deepEqual([b3('d')!.sampled, b3('d')!.debug], [1, true]);
  });
  for (const bad of [
    'x', '2', '', `${TRACE}`, `${TRACE}-`, `${TRACE}-${SPAN}-`, `${TRACE}-${SPAN}-x`, `${TRACE}-${SPAN}-1-`, `${TRACE}-${SPAN}-1-${SPAN}0`,
    `${TRACE.toUpperCase()}-${SPAN}-1`, `${'0'.repeat(32)}-${SPAN}-1`, `${TRACE}-${'0'.repeat(16)}-1`, `${TRACE.slice(2)}-${SPAN}-1`, `${TRACE}-${SPAN.slice(1)}-1`,
  ]) {
    test(`invalid: ${JSON.stringify(bad)}`, () => assert.equal(b3(bad), null));
  }
});

describe('extraction from raw headers', () => {
  test('W3C, with tracestate headers joined', () => {
    const r = extract(['Host', 'x', 'TraceParent', `00-${TRACE}-${SPAN}-01`, 'tracestate', 'a=1', 'TraceState', 'b=2']);
    assert.deepEqual([r.format, r.traceId, r.spanId, r.sampled, r.traceState], [W3C, TRACE, SPAN, 1, 'a=1,b=2']);
  });
  test('B3 multi, case-insensitive names', () => {
    const r = extract(['x-b3-traceid', TRACE64, 'X-B3-SpanId', SPAN, 'X-B3-ParentSpanId', 'b7ad6b7169203331', 'X-B3-Sampled', '1']);
    assert.deepEqual([r.format, r.traceId, r.spanId, r.sampled], [B3_MULTI, '0000000000000000' + TRACE64, SPAN, 1]);
  });
  test('B3 multi: X-B3-Flags: 1 is debug (sampled); X-B3-Sampled 0 is not sampled', () => {
    const d = extract(['X-B3-TraceId', TRACE, 'X-B3-SpanId', SPAN, 'X-B3-Flags', '1']);
    assert.deepEqual([d.sampled, d.debug], [1, true]);
    assert.equal(extract(['X-B3-TraceId', TRACE, 'X-B3-SpanId', SPAN, 'X-B3-Sampled', '0']).sampled, 0);
  });
  test('B3 multi: X-B3-Sampled alone is a decision without ids; one id alone is unusable', () => {
    const only = extract(['X-B3-Sampled', '0']);
    assert.deepEqual([only.format, only.traceId, only.sampled], [B3_MULTI, '', 0]);
    assert.equal(extract(['X-B3-TraceId', TRACE]).format, 0);
  });
  test('first found in the configured order wins; an invalid one is skipped', () => {
    const raw = ['b3', `${TRACE64}-${SPAN}-0`, 'traceparent', `00-${TRACE}-${SPAN}-01`];
    assert.equal(extract(raw).format, W3C);
    assert.equal(extract(raw, [B3, W3C]).format, B3);
    const r = extract(['traceparent', 'garbage', 'b3', `${TRACE}-${SPAN}-1`]);
    assert.equal(r.format, B3);
    assert.equal(r.present, W3C | B3, 'both formats are present (both get replaced on injection)');
  });
  test('tracestate without a valid traceparent is ignored', () => {
    const r = extract(['traceparent', 'garbage', 'tracestate', 'a=1']);
    assert.deepEqual([r.format, r.traceState], [0, null]);
  });
  test('a format not configured is neither read nor present', () => {
    const r = extract(['b3', `${TRACE}-${SPAN}-1`], [W3C]);
    assert.deepEqual([r.format, r.present], [0, 0]);
  });
  test('no trace headers: nothing', () => {
    const r = extract(['Host', 'example.com', 'x-request-id', 'abc', 'Accept', '*/*', 'b', 'x']);
    assert.deepEqual([r.format, r.present, r.traceId, r.sampled], [0, 0, '', -1]);
  });
  test('the scratch object is reset between requests', () => {
    const out = new IncomingTrace();
    extractTrace(['traceparent', `00-${TRACE}-${SPAN}-01`, 'tracestate', 'a=1'], ALL, ALL_MASK, out);
    extractTrace([], ALL, ALL_MASK, out);
    assert.deepEqual([out.format, out.traceId, out.traceState, out.sampled], [0, '', null, -1]);
  });
});

describe('injection', () => {
  const client = 'c1c1c1c1c1c1c1c1';
  const server = '5e5e5e5e5e5e5e5e';
  test('W3C: version 00, the client span as parent, sampled', () => {
    assert.equal(injectionHeaders(W3C, TRACE, client, server, false), `traceparent: 00-${TRACE}-${client}-01\r\n`);
  });
  test('B3 single: trace-span-sampling-parent; debug as d', () => {
    assert.equal(injectionHeaders(B3, TRACE, client, server, false), `b3: ${TRACE}-${client}-1-${server}\r\n`);
    assert.equal(injectionHeaders(B3, TRACE, client, server, true), `b3: ${TRACE}-${client}-d-${server}\r\n`);
  });
  test('B3 multi: ids, parent, and X-B3-Sampled (X-B3-Flags instead when debug)', () => {
    assert.equal(
      injectionHeaders(B3_MULTI, TRACE, client, server, false),
      `X-B3-TraceId: ${TRACE}\r\nX-B3-SpanId: ${client}\r\nX-B3-ParentSpanId: ${server}\r\nX-B3-Sampled: 1\r\n`,
    );
    assert.ok(injectionHeaders(B3_MULTI, TRACE, client, server, true).endsWith('X-B3-Flags: 1\r\n'));
  });
  test('replaced headers: only those of the injected formats; tracestate only when dropped', () => {
    assert.equal(isReplacedTraceHeader('traceparent', W3C, false), true);
    assert.equal(isReplacedTraceHeader('tracestate', W3C, false), false);
    assert.equal(isReplacedTraceHeader('tracestate', W3C, true), true);
    assert.equal(isReplacedTraceHeader('b3', W3C, false), false);
    assert.equal(isReplacedTraceHeader('b3', B3, false), true);
    for (const h of ['x-b3-traceid', 'x-b3-spanid', 'x-b3-parentspanid', 'x-b3-sampled', 'x-b3-flags']) {
      assert.equal(isReplacedTraceHeader(h, B3_MULTI, false), true, h);
      assert.equal(isReplacedTraceHeader(h, W3C | B3, false), false, h);
    }
    assert.equal(isReplacedTraceHeader('x-request-id', W3C | B3 | B3_MULTI, true), false);
  });
});
