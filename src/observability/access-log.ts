/**
 * Access log: one JSON line per finished (or abandoned) request, written through pino's
 * destination (sonic-boom, asynchronous) to stdout or a file. It is a RequestObserver: the data
 * plane calls `requestDone(ctx)` once per request.
 *
 * Hot path (change with care):
 * - sampling is decided first, from `status` and `errorCode` only, before anything is built;
 * - the line is concatenated field by field in one fixed order from key strings compiled once per
 *   process (the first selected key carries the `{`, so nothing is sliced off afterwards); an
 *   unselected field costs one boolean test (no header scan, no JSON, no Date);
 * - strings that can come from a client are checked by needsEscape(): printable ASCII without `"`
 *   or `\` (nearly every path and user agent) goes out as is, anything else through JSON.stringify;
 * - durations are printed from integer microseconds through tables (double-to-string conversion
 *   is slow);
 * - a line is made of few pieces: one-entry caches hold the time of the current millisecond (and
 *   the ISO prefix of its second) and three runs of fields that rarely change between requests
 *   (route to method, status and error code, attempts to the end); the rest is per request: ids,
 *   path, byte counts, durations. Each piece is one more node to walk when the line is copied out;
 * - a line's byte length is its string length unless a non-ASCII string went into it.
 *
 * Writes: each line is copied at once into a chunk buffer (off the JS heap, so lines waiting for
 * their write are no work for the garbage collector), handed to the destination when the next line
 * would not fit, after at most FLUSH_INTERVAL_MS, and at shutdown (drain). Every write(2) carries
 * whole lines only:
 * - a file is opened with O_APPEND, so the workers of one gateway can share one path: appends
 *   never overwrite each other, and on Linux local filesystems (ext4, xfs) a write holds the
 *   inode lock, so a chunk (<= 256 KiB) lands in one piece (POSIX itself only promises atomic
 *   positioning; do not share one file over NFS);
 * - on stdout (a pipe), chunks are at most 4096 bytes = PIPE_BUF, and writes up to PIPE_BUF are
 *   atomic, so lines of different workers never interleave (a single line over 4 KiB, e.g. a
 *   huge user agent, is the one case that can).
 */
import { closeSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { pino } from 'pino';
import type { RequestContext } from '../dataplane/context.js';
import { ACCESS_LOG_FIELDS, DEFAULT_ACCESS_LOG_FIELDS, type AccessLogConfig, type AccessLogField } from '../config/schema/observability.js';
import type { Logger } from './logger.js';
import type { RequestObserver } from './observer.js';
import { headerValue, traceIdOf } from './tracing/propagation.js';

/** Largest single write to stdout: PIPE_BUF on Linux, so a write of whole lines to a pipe is atomic. */
const PIPE_CHUNK = 4096;
/**
 * Largest single write to a file. Each write(2) goes through libuv's thread pool, and the
 * kernel's cost per write call is high next to its cost per byte, so fewer, larger writes. Side
 * by side with every request logged: 4 KiB chunks cost ~20% of throughput against 64 KiB ones;
 * 256 KiB gave 2-6% more req/s than 64 KiB; 1 MiB about 1.5% less than 256 KiB.
 */
const FILE_CHUNK = 262144;
/** The longest a line waits in memory for its chunk to fill (quiet traffic). */
const FLUSH_INTERVAL_MS = 200;

/** Where lines go: a sonic-boom destination, or anything with write() (tests). */
export interface AccessLogSink {
  write(line: string): unknown;
}

/** sonic-boom in buffer mode: takes the chunk buffers as they are (its types only declare strings). */
type Destination = ReturnType<typeof pino.destination> & { write(chunk: Buffer): boolean };

/** Every access log of this process with a file destination (SIGUSR2 reopens them all). */
const live = new Set<AccessLog>();

/** Reopens every access-log file of this process (after logrotate moved it): the SIGUSR2 handler. */
export function reopenAccessLogs(): void {
  for (const log of live) log.reopen();
}

// Shared with tracing, which owns trace-header parsing; re-exported for existing importers.
export { headerValue, traceIdOf };

/** Any non-ASCII character (its UTF-8 form is longer than one byte). */
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * `s` as a JSON string literal, the same text JSON.stringify gives. Printable ASCII without `"` or
 * `\` is quoted as is (one scan, far cheaper than JSON.stringify); anything else, control
 * characters, non-ASCII and lone surrogates included, goes to JSON.stringify.
 */
export function jsonString(s: string): string {
  return needsEscape(s) ? JSON.stringify(s) : '"' + s + '"';
}

/**
 * Whether `s` has a character that keeps it off the quote-as-is path: control, `"`, `\`, DEL and
 * all non-ASCII. A loop rather than a regex: paths and ids are short, and the loop is inlined
 * where a regex runs its own (cold) machinery once per line (measured: 1-2% of req/s with every
 * request logged).
 */
function needsEscape(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return true;
  }
  return false;
}

/** The text of 0..999, made once: small counts and a duration's whole milliseconds without a number-to-string conversion. */
const SMALL_INTS = Array.from({ length: 1000 }, (_, n) => String(n));
/** The text of n/1000 for n in 0..999 as a fraction (`''`, `.001` ... `.5` ... `.999`), trailing zeros dropped. */
const FRACTION_MS = Array.from({ length: 1000 }, (_, n) => (n === 0 ? '' : '.' + String(n).padStart(3, '0').replace(/0+$/, '')));

/** A count as text: from SMALL_INTS below 1000. */
function intText(n: number): string {
  return n >= 0 && n < 1000 ? SMALL_INTS[n]! : '' + n;
}

/**
 * A duration in ms rounded to the microsecond, printed as `Math.round(ms * 1000) / 1000` would be.
 * From integer microseconds and two tables: no double-to-string conversion (slow), and under a
 * second one concatenation of two shared strings.
 */
export function formatMs(ms: number): string {
  const us = Math.round(ms * 1000);
  // Anything outside 0 .. ~23 days takes the general path.
  if (!(us >= 0 && us < 2_000_000_000)) return String(us / 1000);
  const whole = (us / 1000) | 0;
  const frac = us - whole * 1000;
  return (whole < 1000 ? SMALL_INTS[whole]! : '' + whole) + FRACTION_MS[frac]!;
}

/** An access-log config with its defaults applied. */
export interface ResolvedAccessLog {
  readonly output: string;
  readonly fields: ReadonlySet<AccessLogField>;
  readonly sampleRate: number;
}

export function resolveAccessLog(config: AccessLogConfig): ResolvedAccessLog {
  return {
    output: config.output ?? 'stdout',
    fields: new Set(config.fields ?? DEFAULT_ACCESS_LOG_FIELDS),
    sampleRate: config.sampleRate ?? 1,
  };
}

export class AccessLog implements RequestObserver {
  // One boolean per field, set once: the shape never changes.
  private readonly fTime: boolean;
  private readonly fRequestId: boolean;
  private readonly fTraceId: boolean;
  private readonly fRoute: boolean;
  private readonly fService: boolean;
  private readonly fEndpoint: boolean;
  private readonly fMethod: boolean;
  private readonly fPath: boolean;
  private readonly fQuery: boolean;
  private readonly fStatus: boolean;
  private readonly fErrorCode: boolean;
  private readonly fBytesIn: boolean;
  private readonly fBytesOut: boolean;
  private readonly fDurationMs: boolean;
  private readonly fUpstreamMs: boolean;
  private readonly fAttempts: boolean;
  private readonly fClientIp: boolean;
  private readonly fUserAgent: boolean;
  private readonly fAborted: boolean;
  /**
   * The key of each field with its separator: `{"time":` for the first selected field, `,"x":`
   * for the others ('' when not selected).
   */
  private readonly keys: Readonly<Record<AccessLogField, string>>;
  /**
   * Keys joined with their constant values (`,"traceId":null`...): a line is built from as few
   * pieces as possible, since every piece is one more node to walk when it is copied out.
   */
  private readonly lit: {
    readonly requestIdQ: string;
    /** `","traceId":"` after a request id, else `,"traceId":"`. */
    readonly traceIdAfterId: string;
    /** The path's closing quote (when the path is on) and the query field's start: null, or its key and opening quote. */
    readonly queryNull: string;
    readonly queryQ: string;
    /** The path's closing quote when the path is on and no query field comes after it, else ''. */
    readonly pathClose: string;
    readonly traceIdNull: string;
    readonly errorCodeNull: string;
    readonly upstreamMsNull: string;
    readonly userAgentNull: string;
    readonly abortedTrue: string;
    readonly abortedFalse: string;
    /** `,"attempts":n` for n < 10. */
    readonly attempts: readonly string[];
  };
  /** `,"pid":123` and `,"hostname":"..."` when selected, else ''. */
  private readonly constants: string;
  /** No field is selected: every line is `{}`. */
  private readonly noFields: boolean;
  private readonly sampleRate: number;
  private readonly sink: AccessLogSink;
  /** The sonic-boom destination when writing to a file or stdout (null with a custom sink). */
  private readonly dest: Destination | null;
  private readonly isFile: boolean;
  private closed = false;
  /** Lines not yet handed to the destination: the first pendingBytes bytes of `chunk` (whole lines). */
  private chunk: Buffer;
  private pendingBytes = 0;
  private readonly chunkBytes: number;
  /** Writes out a partial chunk every FLUSH_INTERVAL_MS (unref'd; null with a custom sink). */
  private flushTimer: NodeJS.Timeout | null = null;
  // One-entry caches (hot path): the time field of the last millisecond and the ISO prefix of its
  // second, the fields of the last route (route + service), endpoint, method, client address and
  // user agent; consecutive requests mostly share them. `*Wide`: the text has non-ASCII characters.
  private isoSecond = Number.NaN;
  private isoPrefix = '';
  private lastMs = Number.NaN;
  private lastTimeJson = '';
  // Runs of consecutive fields that change rarely are cached as one string each, keyed by their
  // inputs: a line is a handful of pieces (every piece of a concatenated string is one more node
  // to allocate and to walk when the line is copied out; measured: 5-6% of the gateway's
  // throughput with every request logged, against one piece per field).
  // Run "middle": traceId when null, route, service, endpoint, method, and the path key.
  private midTraceNull = false;
  private midRoute: RequestContext['route'] | undefined = undefined;
  private midEndpoint: RequestContext['endpoint'] | undefined = undefined;
  private midMethod = '';
  private midJson = '';
  private midWide = false;
  // Run "outcome": status, errorCode, and the bytesIn key.
  private outStatus = Number.NaN;
  private outError: string | null | undefined = undefined;
  private outJson = '';
  // Run "tail": attempts, clientIp, userAgent, aborted, pid, hostname, and the closing brace.
  private tailAttempts = Number.NaN;
  private tailClientIp: string | undefined = undefined;
  private tailUserAgent: string | null | undefined = undefined;
  private tailAborted = false;
  private tailJson = '';
  private tailWide = false;
  /** The line format() returned last has non-ASCII characters (its UTF-8 byte length exceeds its length). */
  private lineWide = false;
  private closing: Promise<void> | null = null;
  /** The sampling dice (replaceable in tests). */
  random: () => number = Math.random;
  /** Tracing is on: `traceId` is the request's trace (ctx.traceId, started here or continued), not read from traceparent. */
  traceFromContext = false;

  constructor(settings: ResolvedAccessLog, sink: AccessLogSink | null = null, logger: Logger | null = null) {
    const f = settings.fields;
    this.fTime = f.has('time');
    this.fRequestId = f.has('requestId');
    this.fTraceId = f.has('traceId');
    this.fRoute = f.has('route');
    this.fService = f.has('service');
    this.fEndpoint = f.has('endpoint');
    this.fMethod = f.has('method');
    this.fPath = f.has('path');
    this.fQuery = f.has('query');
    this.fStatus = f.has('status');
    this.fErrorCode = f.has('errorCode');
    this.fBytesIn = f.has('bytesIn');
    this.fBytesOut = f.has('bytesOut');
    this.fDurationMs = f.has('durationMs');
    this.fUpstreamMs = f.has('upstreamMs');
    this.fAttempts = f.has('attempts');
    this.fClientIp = f.has('clientIp');
    this.fUserAgent = f.has('userAgent');
    this.fAborted = f.has('aborted');
    const keys = {} as Record<AccessLogField, string>;
    let first = true;
    for (const field of ACCESS_LOG_FIELDS) {
      keys[field] = f.has(field) ? (first ? '{"' : ',"') + field + '":' : '';
      if (f.has(field)) first = false;
    }
    this.keys = Object.freeze(keys);
    this.lit = Object.freeze({
      requestIdQ: keys.requestId + '"',
      traceIdAfterId: (f.has('requestId') ? '"' : '') + keys.traceId + '"',
      queryNull: (f.has('path') ? '"' : '') + keys.query + 'null',
      queryQ: (f.has('path') ? '"' : '') + keys.query + '"',
      pathClose: f.has('path') && !f.has('query') ? '"' : '',
      traceIdNull: keys.traceId + 'null',
      errorCodeNull: keys.errorCode + 'null',
      upstreamMsNull: keys.upstreamMs + 'null',
      userAgentNull: keys.userAgent + 'null',
      abortedTrue: keys.aborted + 'true',
      abortedFalse: keys.aborted + 'false',
      attempts: Object.freeze(Array.from({ length: 10 }, (_, n) => keys.attempts + n)),
    });
    this.noFields = f.size === 0;
    this.constants = (f.has('pid') ? keys.pid + process.pid : '') + (f.has('hostname') ? keys.hostname + JSON.stringify(hostname()) : '');
    this.sampleRate = settings.sampleRate;
    this.isFile = sink === null && settings.output !== 'stdout';
    this.chunkBytes = this.isFile ? FILE_CHUNK : PIPE_CHUNK;
    this.chunk = sink === null ? Buffer.allocUnsafeSlow(this.chunkBytes) : Buffer.alloc(0);
    if (sink !== null) {
      this.sink = sink;
      this.dest = null;
    } else {
      if (this.isFile) {
        // Fail at start, with the path in the message, rather than later as an 'error' event.
        closeSync(openSync(settings.output, 'a'));
      }
      // minLength 0: a chunk goes out at once when no write is in flight; maxWrite keeps every
      // write(2) at whole chunks of at most chunkBytes bytes.
      const dest = pino.destination({
        dest: this.isFile ? settings.output : 1, sync: false, minLength: 0, maxWrite: this.chunkBytes, append: true, contentMode: 'buffer',
      }) as Destination;
      let reported = false;
      dest.on('error', (err: Error) => {
        if (reported) return;
        reported = true; // once: a full disk would otherwise log per request
        logger?.error({ event: 'access_log_error', output: settings.output, error: err.message }, 'access log write failed');
      });
      this.sink = dest;
      this.dest = dest;
      this.flushTimer = setInterval(() => this.flushPending(), FLUSH_INTERVAL_MS);
      this.flushTimer.unref();
      if (this.isFile) live.add(this);
    }
  }

  /** Hot path, change with care: called once per request; never throws. */
  requestDone(ctx: RequestContext): void {
    if (this.closed) return;
    if (this.sampleRate < 1 && ctx.status < 500 && ctx.errorCode === null && this.random() >= this.sampleRate) return;
    const line = this.format(ctx, ctx.doneHr);
    if (this.dest === null) {
      this.sink.write(line);
      return;
    }
    // Lines gather into chunks: one write(2) per chunk, not per line; a partial chunk goes out
    // on the timer. Byte counts stay exact (a pipe write over PIPE_BUF is not atomic).
    const wide = this.lineWide;
    const bytes = wide ? Buffer.byteLength(line) : line.length;
    if (this.pendingBytes + bytes > this.chunkBytes) {
      this.flushPending();
      if (bytes > this.chunkBytes) {
        // A line longer than a chunk goes out alone.
        this.writeChunk(Buffer.from(line));
        return;
      }
    }
    // ASCII copies byte for byte (latin1); only a line with non-ASCII text needs UTF-8 encoding.
    const c = this.chunk;
    this.pendingBytes += c.write(line, this.pendingBytes, wide ? 'utf8' : 'latin1');
  }

  private flushPending(): void {
    if (this.pendingBytes === 0) return;
    const full = this.chunk.subarray(0, this.pendingBytes);
    // The destination keeps the buffer until it is written: the next lines go to a new one.
    this.chunk = Buffer.allocUnsafeSlow(this.chunkBytes);
    this.pendingBytes = 0;
    this.writeChunk(full);
  }

  private writeChunk(chunk: Buffer): void {
    try {
      this.dest!.write(chunk);
    } catch {
      // A destination torn down under us: drop the lines rather than fail a request.
    }
  }

  /** The JSON line of one request (with its trailing newline). */
  format(ctx: RequestContext, nowHr: number): string {
    const k = this.keys;
    this.lineWide = false;
    // User agent and traceparent in one pass over the headers, and only when their fields are on.
    const traceHeader = this.fTraceId && !this.traceFromContext;
    let ua: string | null = null;
    let traceparent: string | null = null;
    if (this.fUserAgent || traceHeader) {
      const raw = ctx.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const name = raw[i]!;
        const n = name.length;
        // Length and first letter before lower-casing: most names are rejected without allocating.
        if (n === 10) {
          if (ua === null && this.fUserAgent && (name.charCodeAt(0) | 32) === 117 && name.toLowerCase() === 'user-agent') ua = raw[i + 1]!;
        } else if (n === 11) {
          if (traceparent === null && traceHeader && (name.charCodeAt(0) | 32) === 116 && name.toLowerCase() === 'traceparent') traceparent = raw[i + 1]!;
        }
      }
    }
    const lit = this.lit;
    let s = '';
    if (this.fTime) s += this.time(ctx.startedAt);
    // Ids the gateway generated are UUIDs (nothing to escape); a client's x-request-id may be anything.
    // String values go out without their quotes, which the pieces around them carry: the request
    // id's closing quote starts the next piece, and so on.
    if (this.fRequestId) s += lit.requestIdQ + (ctx.clientRequestId ? this.inner(ctx.id) : ctx.id);
    let trace: string | null = null;
    if (this.fTraceId) {
      trace = this.traceFromContext ? ctx.traceId : traceIdOf(traceparent);
      if (trace !== null) s += lit.traceIdAfterId + trace;
    }
    const traceNull = trace === null;
    const route = ctx.route;
    const endpoint = ctx.endpoint;
    const method = ctx.method;
    if (traceNull !== this.midTraceNull || route !== this.midRoute || endpoint !== this.midEndpoint || method !== this.midMethod) {
      this.midTraceNull = traceNull;
      this.midRoute = route;
      this.midEndpoint = endpoint;
      this.midMethod = method;
      this.midJson = this.middleRun(traceNull, route, endpoint, method);
      this.midWide = NON_ASCII.test(this.midJson);
    }
    s += this.midJson;
    if (this.midWide) this.lineWide = true;
    if (this.fPath) s += this.inner(ctx.path);
    if (this.fQuery) s += ctx.search === '' ? lit.queryNull : lit.queryQ + this.inner(ctx.search.slice(1)) + '"';
    const status = ctx.status;
    const errorCode = ctx.errorCode;
    if (status !== this.outStatus || errorCode !== this.outError) {
      this.outStatus = status;
      this.outError = errorCode;
      this.outJson = lit.pathClose + (this.fStatus ? k.status + status : '') + (this.fErrorCode ? (errorCode === null ? lit.errorCodeNull : k.errorCode + '"' + errorCode + '"') : '') + k.bytesIn;
    }
    s += this.outJson;
    if (this.fBytesIn) s += intText(ctx.bodyBytes);
    if (this.fBytesOut) s += k.bytesOut + intText(ctx.responseBytes);
    if (this.fDurationMs) s += k.durationMs + formatMs(nowHr - ctx.startedHr);
    if (this.fUpstreamMs) {
      s += ctx.upstreamSentHr > 0 && ctx.upstreamHeadHr >= ctx.upstreamSentHr ? k.upstreamMs + formatMs(ctx.upstreamHeadHr - ctx.upstreamSentHr) : lit.upstreamMsNull;
    }
    const attempts = ctx.attempts;
    const clientIp = ctx.clientAddress;
    const aborted = ctx.aborted;
    if (attempts !== this.tailAttempts || clientIp !== this.tailClientIp || ua !== this.tailUserAgent || aborted !== this.tailAborted) {
      this.tailAttempts = attempts;
      this.tailClientIp = clientIp;
      this.tailUserAgent = ua;
      this.tailAborted = aborted;
      this.tailJson = this.tailRun(attempts, clientIp, ua, aborted);
      this.tailWide = NON_ASCII.test(this.tailJson);
    }
    if (this.tailWide) this.lineWide = true;
    return s + this.tailJson;
  }

  /**
   * The text of the fields between the trace id and the path: `","route":...,"method":"GET","path":"`
   * (selected ones only), with the closing quote of the id before it and the path's opening one.
   */
  private middleRun(traceNull: boolean, route: RequestContext['route'], endpoint: RequestContext['endpoint'], method: string): string {
    const k = this.keys;
    // The method is one of llhttp's known tokens: nothing to escape.
    return (
      (!traceNull || this.fRequestId ? '"' : '') +
      (this.fTraceId && traceNull ? this.lit.traceIdNull : '') +
      (this.fRoute ? k.route + (route === null ? 'null' : JSON.stringify(route.name)) : '') +
      (this.fService ? k.service + (route === null ? 'null' : JSON.stringify(route.service.name)) : '') +
      (this.fEndpoint ? k.endpoint + (endpoint === null ? 'null' : JSON.stringify(endpoint.address)) : '') +
      (this.fMethod ? k.method + '"' + method + '"' : '') +
      (this.fPath ? k.path + '"' : '')
    );
  }

  /**
   * The text from attempts to the end of the line: `,"attempts":1,...,"aborted":false}\n`
   * (selected fields only; `{}\n` when no field at all is selected).
   */
  private tailRun(attempts: number, clientIp: string, ua: string | null, aborted: boolean): string {
    const k = this.keys;
    const lit = this.lit;
    let t = '';
    if (this.fAttempts) t += attempts >= 0 && attempts < 10 ? lit.attempts[attempts]! : k.attempts + attempts;
    // The client address is an IP: nothing to escape.
    if (this.fClientIp) t += k.clientIp + '"' + clientIp + '"';
    if (this.fUserAgent) t += ua === null ? lit.userAgentNull : k.userAgent + jsonString(ua);
    if (this.fAborted) t += aborted ? lit.abortedTrue : lit.abortedFalse;
    t += this.constants;
    return this.noFields ? '{}\n' : t + '}\n';
  }

  /** jsonString() without its quotes, noting whether the result made the line non-ASCII. */
  private inner(v: string): string {
    if (!needsEscape(v)) return v;
    const json = JSON.stringify(v);
    if (NON_ASCII.test(json)) this.lineWide = true;
    return json.slice(1, -1);
  }

  /** The time field (`{"time":"<ISO 8601 UTC>"`): cached per millisecond, Date formatting once per second. */
  private time(ms: number): string {
    if (ms === this.lastMs) return this.lastTimeJson;
    const sec = Math.floor(ms / 1000);
    if (sec !== this.isoSecond) {
      this.isoSecond = sec;
      this.isoPrefix = this.keys.time + '"' + new Date(sec * 1000).toISOString().slice(0, 20); // ..."YYYY-MM-DDTHH:MM:SS.
    }
    const milli = ms - sec * 1000;
    this.lastMs = ms;
    this.lastTimeJson = this.isoPrefix + (milli < 10 ? '00' : milli < 100 ? '0' : '') + milli + 'Z"';
    return this.lastTimeJson;
  }

  /** Reopens the file at its path (logrotate moved it away); a no-op for stdout. */
  reopen(): void {
    if (!this.isFile || this.closed || this.dest === null) return;
    this.flushPending(); // what was logged before the signal goes to the old file
    try {
      this.dest.reopen();
    } catch {
      // destroyed meanwhile
    }
  }

  /**
   * Writes out what is queued and closes the destination (end of drain). Lines of requests the
   * drain cut (their sockets close a moment later) are still taken until the next turn of the loop.
   */
  close(): Promise<void> {
    this.closing ??= this.runClose();
    return this.closing;
  }

  private async runClose(): Promise<void> {
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.closed = true;
    live.delete(this);
    if (this.flushTimer !== null) clearInterval(this.flushTimer);
    this.flushPending();
    const dest = this.dest;
    if (dest === null || (dest as unknown as { destroyed: boolean }).destroyed) return;
    await new Promise<void>((resolve) => {
      dest.once('close', () => resolve());
      dest.once('error', () => resolve());
      try {
        dest.end();
      } catch {
        resolve();
      }
    });
  }
}

/** This process's access log per the config, or null when it is off (the default). */
export function createAccessLog(config: AccessLogConfig | undefined, logger: Logger | null = null): AccessLog | null {
  if (config === undefined || config.enabled !== true) return null;
  return new AccessLog(resolveAccessLog(config), null, logger);
}
