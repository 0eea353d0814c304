/**
 * Trace-context headers, read and written by hand: W3C Trace Context (`traceparent`,
 * `tracestate`) and B3 (the single `b3` header and the multi `X-B3-*` headers).
 *
 * Why not OTel's propagators: they read a carrier through a getter, one lookup per field, so
 * Node's raw [name, value, ...] list would first become an object, and they allocate a Context
 * per request. Every request passes through here, sampled or not, so it is one pass over the raw
 * list filtered by the first character of each name, into a reused scratch object: an unsampled
 * request allocates nothing but the trace id string it carries. The formats are small enough to
 * check completely (lower-case hex, lengths, all-zero ids, versions).
 * Hot path, change with care.
 */

/** String.prototype.charCodeAt, called as `charCodeAt.call(s, i)` on request strings (see access-log.ts: a module const, so it compiles to a plain load). */
const charCodeAt = String.prototype.charCodeAt;

/** Format bits (a set of formats is their OR). */
export const W3C = 1;
export const B3 = 2;
export const B3_MULTI = 4;

export const FORMAT_BITS: Readonly<Record<'w3c' | 'b3' | 'b3multi', number>> = Object.freeze({ w3c: W3C, b3: B3, b3multi: B3_MULTI });

/** Zero-padding for 64-bit B3 trace ids (OTel and Zipkin read them as the low half of 128 bits). */
const PAD64 = '0000000000000000';

/** What a request's trace headers say; one instance is reused for every request (scratch). */
export class IncomingTrace {
  /** The format the context was read from (W3C, B3, B3_MULTI), or 0 when none was usable. */
  format = 0;
  /** Configured formats whose headers the request carries, valid or not. */
  present = 0;
  /** 32 lower-case hex, or '' (no context, or a B3 header carrying only a sampling decision). */
  traceId = '';
  /** The caller's span id (16 lower-case hex), or ''. */
  spanId = '';
  /** 1 sampled, 0 not sampled, -1 no decision (B3 may defer it). */
  sampled = -1;
  /** B3 debug (`d`, `X-B3-Flags: 1`): implies sampled, and is passed on. */
  debug = false;
  /** The `tracestate` list (several headers joined with ','), or null; W3C only. */
  traceState: string | null = null;

  reset(): void {
    this.format = 0;
    this.present = 0;
    this.traceId = '';
    this.spanId = '';
    this.sampled = -1;
    this.debug = false;
    this.traceState = null;
  }
}

/**
 * Reads the trace context of a request. `order` is the configured formats, in extraction order
 * (the first that parses wins); `mask` their OR. Fills `out` (reset first) and returns its format,
 * 0 when no configured format parsed.
 */
export function extractTrace(raw: readonly string[], order: readonly number[], mask: number, out: IncomingTrace): number {
  out.reset();
  let traceparent: string | null = null;
  let tracestate: string | null = null;
  let b3: string | null = null;
  let xTraceId: string | null = null;
  let xSpanId: string | null = null;
  let xSampled: string | null = null;
  let xFlags: string | null = null;
  let present = 0;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!;
    const c = charCodeAt.call(name, 0) | 0x20;
    // Most names are skipped on their first character and length, without lower-casing.
    if (c === 116 /* t */) {
      if (name.length === 11) {
        if (name.toLowerCase() === 'traceparent') {
          present |= W3C;
          traceparent ??= raw[i + 1]!;
        }
      } else if (name.length === 10 && name.toLowerCase() === 'tracestate') {
        const v = raw[i + 1]!;
        tracestate = tracestate === null ? v : tracestate + ',' + v;
      }
    } else if (c === 98 /* b */) {
      if (name.length === 2 && charCodeAt.call(name, 1) === 51 /* 3 */) {
        present |= B3;
        b3 ??= raw[i + 1]!;
      }
    } else if (c === 120 /* x */ && name.length >= 10 && charCodeAt.call(name, 1) === 45 && (charCodeAt.call(name, 2) | 0x20) === 98 && charCodeAt.call(name, 3) === 51) {
      switch (name.toLowerCase()) {
        case 'x-b3-traceid':
          xTraceId ??= raw[i + 1]!;
          present |= B3_MULTI;
          break;
        case 'x-b3-spanid':
          xSpanId ??= raw[i + 1]!;
          present |= B3_MULTI;
          break;
        case 'x-b3-sampled':
          xSampled ??= raw[i + 1]!;
          present |= B3_MULTI;
          break;
        case 'x-b3-flags':
          xFlags ??= raw[i + 1]!;
          present |= B3_MULTI;
          break;
        case 'x-b3-parentspanid':
          present |= B3_MULTI;
          break;
      }
    }
  }
  present &= mask;
  out.present = present;
  if (present === 0) return 0;
  for (let k = 0; k < order.length; k++) {
    const f = order[k]!;
    if ((present & f) === 0) continue;
    let ok = false;
    if (f === W3C) {
      ok = parseTraceparent(traceparent!, out);
      // tracestate belongs to a valid traceparent only (W3C trace-context section 4.3).
      if (ok) out.traceState = tracestate;
    } else if (f === B3) {
      ok = parseB3Single(b3!, out);
    } else {
      ok = parseB3Multi(xTraceId, xSpanId, xSampled, xFlags, out);
    }
    if (ok) {
      out.format = f;
      return f;
    }
  }
  return 0;
}

/** 1 for the character codes of lower-case hex digits (0-9, a-f). */
const LOWER_HEX = new Uint8Array(103);
for (let c = 48; c <= 57; c++) LOWER_HEX[c] = 1;
for (let c = 97; c <= 102; c++) LOWER_HEX[c] = 1;

/** True for lower-case hex in [from, to) that is not all zeros (W3C and B3 ids). A table, not branches: twice as fast. */
function isNonZeroLowerHex(s: string, from: number, to: number): boolean {
  let bits = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c > 102 || LOWER_HEX[c] !== 1) return false;
    bits |= c ^ 48;
  }
  return bits !== 0;
}

function lowerHexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/**
 * W3C `traceparent`: `version-traceid(32)-parentid(16)-flags(2)`, lower-case hex. Version ff is
 * invalid; version 00 is exactly 55 characters; a later version may append `-...` fields.
 * All-zero ids are invalid.
 */
export function parseTraceparent(v: string, out: IncomingTrace): boolean {
  const len = v.length;
  if (len < 55) return false;
  const v0 = lowerHexValue(v.charCodeAt(0));
  const v1 = lowerHexValue(v.charCodeAt(1));
  if (v0 < 0 || v1 < 0 || (v0 === 15 && v1 === 15)) return false;
  if (v0 === 0 && v1 === 0 ? len !== 55 : len > 55 && v.charCodeAt(55) !== 45 /* - */) return false;
  if (v.charCodeAt(2) !== 45 || v.charCodeAt(35) !== 45 || v.charCodeAt(52) !== 45) return false;
  if (!isNonZeroLowerHex(v, 3, 35) || !isNonZeroLowerHex(v, 36, 52)) return false;
  const f0 = lowerHexValue(v.charCodeAt(53));
  const f1 = lowerHexValue(v.charCodeAt(54));
  if (f0 < 0 || f1 < 0) return false;
  out.traceId = v.slice(3, 35);
  out.spanId = v.slice(36, 52);
  out.sampled = f1 & 1;
  return true;
}

/** A B3 trace id (16 or 32 lower-case hex, not zero) as 32 hex, or null. */
function b3TraceId(v: string, from: number, to: number): string | null {
  const n = to - from;
  if ((n !== 32 && n !== 16) || !isNonZeroLowerHex(v, from, to)) return null;
  const id = from === 0 && to === v.length ? v : v.slice(from, to);
  return n === 16 ? PAD64 + id : id;
}

/** A B3 sampling state: 1, 0, or 2 for debug; -1 when invalid. */
function b3SamplingState(v: string, at: number): number {
  const c = v.charCodeAt(at);
  return c === 49 /* 1 */ ? 1 : c === 48 /* 0 */ ? 0 : c === 100 /* d */ ? 2 : -1;
}

/**
 * B3 single header: `{traceid}-{spanid}[-{sampling}[-{parentspanid}]]`, or a sampling state
 * alone (`0`, `1`, `d`). Sampling: 1, 0 or d (debug, which implies sampled).
 */
export function parseB3Single(v: string, out: IncomingTrace): boolean {
  const len = v.length;
  if (len === 1) {
    const s = b3SamplingState(v, 0);
    if (s < 0) return false;
    out.sampled = s === 0 ? 0 : 1;
    out.debug = s === 2;
    return true;
  }
  const dash = v.indexOf('-');
  if (dash !== 16 && dash !== 32) return false;
  const traceId = b3TraceId(v, 0, dash);
  const spanEnd = dash + 17;
  if (traceId === null || len < spanEnd || !isNonZeroLowerHex(v, dash + 1, spanEnd)) return false;
  let sampled = -1;
  let debug = false;
  if (len > spanEnd) {
    // `-{sampling}` and optionally `-{parentspanid}` (16 hex, not checked beyond its shape).
    if (v.charCodeAt(spanEnd) !== 45 || len < spanEnd + 2) return false;
    const s = b3SamplingState(v, spanEnd + 1);
    if (s < 0) return false;
    if (len !== spanEnd + 2 && (len !== spanEnd + 19 || v.charCodeAt(spanEnd + 2) !== 45 || !isNonZeroLowerHex(v, spanEnd + 3, len))) return false;
    sampled = s === 0 ? 0 : 1;
    debug = s === 2;
  }
  out.traceId = traceId;
  out.spanId = v.slice(dash + 1, spanEnd);
  out.sampled = sampled;
  out.debug = debug;
  return true;
}

/**
 * B3 multi headers. Both ids, or neither (then `X-B3-Sampled`/`X-B3-Flags` alone carry a
 * decision). `X-B3-Sampled`: 1/0 (true/false from old tracers too); `X-B3-Flags: 1` is debug.
 */
export function parseB3Multi(traceIdValue: string | null, spanIdValue: string | null, sampledValue: string | null, flagsValue: string | null, out: IncomingTrace): boolean {
  let sampled = -1;
  if (sampledValue !== null) {
    if (sampledValue === '1' || sampledValue === 'true') sampled = 1;
    else if (sampledValue === '0' || sampledValue === 'false') sampled = 0;
  }
  const debug = flagsValue === '1';
  if (debug) sampled = 1;
  if (traceIdValue === null && spanIdValue === null) {
    if (sampled === -1) return false;
    out.sampled = sampled;
    out.debug = debug;
    return true;
  }
  if (traceIdValue === null || spanIdValue === null) return false;
  const traceId = b3TraceId(traceIdValue, 0, traceIdValue.length);
  if (traceId === null || spanIdValue.length !== 16 || !isNonZeroLowerHex(spanIdValue, 0, 16)) return false;
  out.traceId = traceId;
  out.spanId = spanIdValue;
  out.sampled = sampled;
  out.debug = debug;
  return true;
}

/**
 * The header lines (`name: value\r\n`...) that tell the upstream about this attempt: `spanId` is
 * the attempt's CLIENT span, `parentSpanId` the gateway's SERVER span (B3's ParentSpanId).
 */
export function injectionHeaders(formats: number, traceId: string, spanId: string, parentSpanId: string, debug: boolean): string {
  let s = '';
  if ((formats & W3C) !== 0) s += 'traceparent: 00-' + traceId + '-' + spanId + '-01\r\n';
  if ((formats & B3) !== 0) s += 'b3: ' + traceId + '-' + spanId + (debug ? '-d-' : '-1-') + parentSpanId + '\r\n';
  if ((formats & B3_MULTI) !== 0) {
    // Debug implies sampled: B3 says send X-B3-Flags instead of X-B3-Sampled then.
    s += 'X-B3-TraceId: ' + traceId + '\r\nX-B3-SpanId: ' + spanId + '\r\nX-B3-ParentSpanId: ' + parentSpanId + '\r\n' + (debug ? 'X-B3-Flags: 1\r\n' : 'X-B3-Sampled: 1\r\n');
  }
  return s;
}

/**
 * True when an incoming header (lower-case name) is replaced by the injected ones: those of the
 * injected `formats`, and `tracestate` when `dropTraceState` (a new W3C parent that did not come
 * from the incoming traceparent, so its tracestate no longer applies).
 */
export function isReplacedTraceHeader(lower: string, formats: number, dropTraceState: boolean): boolean {
  switch (lower) {
    case 'traceparent':
      return (formats & W3C) !== 0;
    case 'tracestate':
      return dropTraceState;
    case 'b3':
      return (formats & B3) !== 0;
    case 'x-b3-traceid':
    case 'x-b3-spanid':
    case 'x-b3-parentspanid':
    case 'x-b3-sampled':
    case 'x-b3-flags':
      return (formats & B3_MULTI) !== 0;
  }
  return false;
}

const compat = new IncomingTrace();

/** The trace id of a `traceparent` value, or null when it is missing or invalid (W3C rules). */
export function traceIdOf(value: string | null): string | null {
  if (value === null) return null;
  compat.reset();
  return parseTraceparent(value, compat) ? compat.traceId : null;
}

