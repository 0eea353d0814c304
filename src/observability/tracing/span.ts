/**
 * The gateway's own span record: exactly what the SDK exporters read of a finished span
 * (ReadableSpan), and nothing of the SDK's Tracer/Span machinery (context objects, attribute
 * sanitizing, per-span clock reads, processor chains), which cost a sampled request far more
 * than the record itself. One shape: every field is set in the constructor.
 *
 * It is also its own SpanContext (traceId, spanId, traceFlags, traceState, isRemote), so a
 * CLIENT span's parent is simply the SERVER record and no context object is allocated.
 */
import { hostname } from 'node:os';
import { SpanStatusCode, TraceFlags, type AttributeValue, type Attributes, type HrTime, type Link, type SpanContext, type SpanKind, type SpanStatus } from '@opentelemetry/api';
import { TraceState, type InstrumentationScope } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import type { ReadableSpan, TimedEvent } from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { randomHex } from '../../util/random-ids.js';

/** Where spans go when they end, and what they share. */
export interface SpanSink {
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  /** Called on the request path: must only queue the span. */
  spanEnded(span: SpanRecord): void;
}

// Shared by every span: spans never have links or events, and the initial values are replaced, not mutated.
const NO_LINKS = Object.freeze([]) as unknown as Link[];
const NO_EVENTS = Object.freeze([]) as unknown as TimedEvent[];
const UNSET: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const NOT_ENDED = Object.freeze([0, 0]) as unknown as HrTime;
const NO_DURATION = Object.freeze([-1, -1]) as unknown as HrTime;

export class SpanRecord implements ReadableSpan, SpanContext {
  name: string;
  readonly kind: SpanKind;
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  /** Inherited from the parent, as the SDK does. */
  readonly traceState: SpanContext['traceState'];
  /** This span is local (only an incoming parent is remote). */
  readonly isRemote: boolean;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  endTime: HrTime;
  duration: HrTime;
  status: SpanStatus;
  /** Owned by the span (the caller hands over a fresh object). */
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: TimedEvent[];
  ended: boolean;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
  private readonly sink: SpanSink;

  constructor(sink: SpanSink, name: string, kind: SpanKind, traceId: string, spanId: string, parent: SpanContext | undefined, startTime: HrTime, attributes: Attributes) {
    this.name = name;
    this.kind = kind;
    this.traceId = traceId;
    this.spanId = spanId;
    this.traceFlags = TraceFlags.SAMPLED;
    this.traceState = parent === undefined ? undefined : parent.traceState;
    this.isRemote = false;
    this.parentSpanContext = parent;
    this.startTime = startTime;
    this.endTime = NOT_ENDED;
    this.duration = NO_DURATION;
    this.status = UNSET;
    this.attributes = attributes;
    this.links = NO_LINKS;
    this.events = NO_EVENTS;
    this.ended = false;
    this.resource = sink.resource;
    this.instrumentationScope = sink.instrumentationScope;
    this.droppedAttributesCount = 0;
    this.droppedEventsCount = 0;
    this.droppedLinksCount = 0;
    this.sink = sink;
  }

  spanContext(): SpanContext {
    return this;
  }

  setAttribute(key: string, value: AttributeValue): void {
    if (!this.ended) this.attributes[key] = value;
  }

  /** As the SDK: UNSET changes nothing, OK is final, a message only goes with ERROR. */
  setStatus(code: SpanStatusCode, message?: string): void {
    if (this.ended || code === SpanStatusCode.UNSET || this.status.code === SpanStatusCode.OK) return;
    this.status = code === SpanStatusCode.ERROR && message !== undefined ? { code, message } : { code };
  }

  updateName(name: string): void {
    if (!this.ended) this.name = name;
  }

  /** Ends the span (once) and hands it to the sink. */
  end(endTime: HrTime): void {
    if (this.ended) return;
    const start = this.startTime;
    let seconds = endTime[0] - start[0];
    let nanos = endTime[1] - start[1];
    if (nanos < 0) {
      seconds -= 1;
      nanos += 1_000_000_000;
    }
    if (seconds < 0) {
      // As the SDK: an end before the start becomes a zero-length span.
      this.endTime = [start[0], start[1]];
      this.duration = [0, 0];
    } else {
      this.endTime = endTime;
      this.duration = [seconds, nanos];
    }
    this.ended = true;
    this.sink.spanEnded(this);
  }
}

/** The instrumentation scope of every span (one object: the OTLP serializer groups spans by identity). */
export const SPAN_SCOPE: InstrumentationScope = Object.freeze({ name: 'meshgate' });

/** The resource of this process's spans: the SDK's defaults, the service name, host name and pid. */
export function spanResource(serviceName: string): Resource {
  return defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: serviceName, 'host.name': hostname(), 'process.pid': process.pid }));
}

/**
 * A finished span as it crosses to the export thread: plain data, for postMessage's structured
 * clone (a SpanRecord holds its sink, and a TraceState is a class). What a SpanRecord can hold:
 * no links or events.
 */
export interface SpanWire {
  readonly name: string;
  readonly kind: SpanKind;
  readonly traceId: string;
  readonly spanId: string;
  readonly parent: ParentWire | null;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
}

interface ParentWire {
  readonly traceId: string;
  readonly spanId: string;
  readonly traceFlags: number;
  readonly isRemote: boolean;
  /** The serialized tracestate, or null. */
  readonly traceState: string | null;
}

/** A finished span's wire form (the data plane's side of the export thread). */
export function spanToWire(span: ReadableSpan): SpanWire {
  const ctx = span.spanContext();
  const p = span.parentSpanContext;
  return {
    name: span.name,
    kind: span.kind,
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    parent:
      p === undefined
        ? null
        : { traceId: p.traceId, spanId: p.spanId, traceFlags: p.traceFlags, isRemote: p.isRemote === true, traceState: p.traceState?.serialize() ?? null },
    startTime: span.startTime,
    endTime: span.endTime,
    duration: span.duration,
    status: span.status,
    attributes: span.attributes,
  };
}

/** The finished SpanRecord a wire form describes, with `sink`'s resource and scope (the export thread's side). */
export function spanFromWire(w: SpanWire, sink: SpanSink): SpanRecord {
  const p = w.parent;
  const parent: SpanContext | undefined =
    p === null
      ? undefined
      : { traceId: p.traceId, spanId: p.spanId, traceFlags: p.traceFlags, isRemote: p.isRemote, traceState: p.traceState === null ? undefined : new TraceState(p.traceState) };
  const span = new SpanRecord(sink, w.name, w.kind, w.traceId, w.spanId, parent, w.startTime, w.attributes);
  span.endTime = w.endTime;
  span.duration = w.duration;
  span.status = w.status;
  span.ended = true;
  return span;
}

const ZERO_SPAN_ID = '0000000000000000';
const ZERO_TRACE_ID = ZERO_SPAN_ID + ZERO_SPAN_ID;

/** 16 lower-case hex, never all zero (invalid in W3C and B3). */
export function newSpanId(): string {
  let id = randomHex(8);
  while (id === ZERO_SPAN_ID) id = randomHex(8);
  return id;
}

/** 32 lower-case hex, never all zero. */
export function newTraceId(): string {
  let id = randomHex(16);
  while (id === ZERO_TRACE_ID) id = randomHex(16);
  return id;
}
