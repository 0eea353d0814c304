/**
 * Access log: one JSON line per finished (or abandoned) request, written through pino's
 * destination (sonic-boom, asynchronous) to stdout or a file. It is a RequestObserver: the data
 * plane calls `requestDone(ctx)` once per request.
 *
 * Hot path (change with care):
 * - sampling is decided first, from `status` and `errorCode` only, before anything is built;
 * - the line is concatenated field by field in one fixed order from booleans compiled once per
 *   process; an unselected field costs one boolean test (no header scan, no JSON, no Date);
 * - strings that can come from a client go through JSON.stringify (escaping), numbers as is;
 * - one-entry caches: the ISO prefix of the current second, the last route's and endpoint's JSON.
 *
 * Writes: lines are joined into chunks of whole lines, handed to the destination when a chunk is
 * full, after at most FLUSH_INTERVAL_MS, and at shutdown (drain). Every write(2) carries whole
 * lines only:
 * - a file is opened with O_APPEND, so the workers of one gateway can share one path: appends
 *   never overwrite each other, and on Linux local filesystems (ext4, xfs) a write holds the
 *   inode lock, so a chunk (<= 64 KiB) lands in one piece (POSIX itself only promises atomic
 *   positioning; do not share one file over NFS);
 * - on stdout (a pipe), chunks are at most 4096 bytes = PIPE_BUF, and writes up to PIPE_BUF are
 *   atomic, so lines of different workers never interleave (a single line over 4 KiB, e.g. a
 *   huge user agent, is the one case that can).
 */
import { closeSync, openSync } from 'node:fs';
import { hostname } from 'node:os';
import { pino } from 'pino';
import type { RequestContext } from '../dataplane/context.js';
import { DEFAULT_ACCESS_LOG_FIELDS, type AccessLogConfig, type AccessLogField } from '../config/schema/observability.js';
import type { Logger } from './logger.js';
import type { RequestObserver } from './observer.js';

/** Largest single write to stdout: PIPE_BUF on Linux, so a write of whole lines to a pipe is atomic. */
const PIPE_CHUNK = 4096;
/**
 * Largest single write to a file. Each write(2) goes through libuv's thread pool (a thread
 * handoff costing more than formatting a dozen lines), so fewer, larger writes: in the bench,
 * 4 KiB chunks cost ~20% of throughput with every request logged, 64 KiB ones a few percent.
 */
const FILE_CHUNK = 65536;
/** The longest a line waits in memory for its chunk to fill (quiet traffic). */
const FLUSH_INTERVAL_MS = 200;

/** Where lines go: a sonic-boom destination, or anything with write() (tests). */
export interface AccessLogSink {
  write(line: string): unknown;
}

type Destination = ReturnType<typeof pino.destination>;

/** Every access log of this process with a file destination (SIGUSR2 reopens them all). */
const live = new Set<AccessLog>();

/** Reopens every access-log file of this process (after logrotate moved it): the SIGUSR2 handler. */
export function reopenAccessLogs(): void {
  for (const log of live) log.reopen();
}

/** W3C trace-context `traceparent`: version-traceid(32 hex)-parentid(16 hex)-flags. */
const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-[0-9a-f]{2}(-|$)/;
const ZERO_TRACE = '00000000000000000000000000000000';
const ZERO_PARENT = '0000000000000000';

/** The trace id of a `traceparent` value, or null when it is missing or invalid (W3C rules). */
export function traceIdOf(value: string | null): string | null {
  if (value === null || value.length < 55) return null;
  const m = TRACEPARENT.exec(value);
  if (m === null) return null;
  const version = m[1]!;
  if (version === 'ff') return null;
  // Version 00 is exactly 55 characters; later versions may append fields after a '-'.
  if (version === '00' && value.length !== 55) return null;
  const trace = m[2]!;
  if (trace === ZERO_TRACE || m[3] === ZERO_PARENT) return null;
  return trace;
}

/** The first value of a header (lowercase name) in Node's raw [name, value, ...] list, or null. */
export function headerValue(rawHeaders: readonly string[], lowerName: string): string | null {
  const len = lowerName.length;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === len && name.toLowerCase() === lowerName) return rawHeaders[i + 1]!;
  }
  return null;
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
  /** `,"pid":123` and `,"hostname":"..."` when selected, else ''. */
  private readonly constants: string;
  private readonly sampleRate: number;
  private readonly sink: AccessLogSink;
  /** The sonic-boom destination when writing to a file or stdout (null with a custom sink). */
  private readonly dest: Destination | null;
  private readonly isFile: boolean;
  private closed = false;
  /** Lines not yet handed to the destination (whole lines, at most chunkBytes bytes). */
  private pending = '';
  private pendingBytes = 0;
  private readonly chunkBytes: number;
  /** Writes out a partial chunk every FLUSH_INTERVAL_MS (unref'd; null with a custom sink). */
  private flushTimer: NodeJS.Timeout | null = null;
  // One-entry caches (hot path): the ISO prefix of the current second, the JSON of the last route
  // (route + service) and of the last endpoint; consecutive requests mostly share them.
  private isoSecond = -1;
  private isoPrefix = '';
  private lastRoute: RequestContext['route'] | undefined = undefined;
  private lastRouteJson = '';
  private lastEndpoint: RequestContext['endpoint'] | undefined = undefined;
  private lastEndpointJson = '';
  private closing: Promise<void> | null = null;
  /** The sampling dice (replaceable in tests). */
  random: () => number = Math.random;

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
    this.constants = (f.has('pid') ? `,"pid":${process.pid}` : '') + (f.has('hostname') ? `,"hostname":${JSON.stringify(hostname())}` : '');
    this.sampleRate = settings.sampleRate;
    this.isFile = sink === null && settings.output !== 'stdout';
    this.chunkBytes = this.isFile ? FILE_CHUNK : PIPE_CHUNK;
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
      const dest = pino.destination({ dest: this.isFile ? settings.output : 1, sync: false, minLength: 0, maxWrite: this.chunkBytes, append: true });
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
    const line = this.format(ctx, performance.now());
    if (this.dest === null) {
      this.sink.write(line);
      return;
    }
    // Lines gather into chunks: one write(2) per chunk, not per line; a partial chunk goes out
    // on the timer.
    const bytes = Buffer.byteLength(line);
    if (this.pendingBytes + bytes > this.chunkBytes && this.pendingBytes > 0) this.flushPending();
    this.pending += line;
    this.pendingBytes += bytes;
  }

  private flushPending(): void {
    if (this.pendingBytes === 0) return;
    const chunk = this.pending;
    this.pending = '';
    this.pendingBytes = 0;
    try {
      this.sink.write(chunk);
    } catch {
      // A destination torn down under us: drop the lines rather than fail a request.
    }
  }

  /** The JSON line of one request (with its trailing newline). */
  format(ctx: RequestContext, nowHr: number): string {
    let s = '';
    if (this.fTime) s += ',"time":"' + this.iso(ctx.startedAt) + '"';
    // Ids the gateway generated are UUIDs (nothing to escape); a client's x-request-id may be anything.
    if (this.fRequestId) s += ctx.clientRequestId ? ',"requestId":' + JSON.stringify(ctx.id) : ',"requestId":"' + ctx.id + '"';
    if (this.fTraceId) {
      const trace = traceIdOf(headerValue(ctx.rawHeaders, 'traceparent'));
      s += trace === null ? ',"traceId":null' : ',"traceId":"' + trace + '"';
    }
    const route = ctx.route;
    if (this.fRoute || this.fService) {
      if (route !== this.lastRoute) {
        this.lastRoute = route;
        this.lastRouteJson = (this.fRoute ? (route === null ? ',"route":null' : ',"route":' + JSON.stringify(route.name)) : '') +
          (this.fService ? (route === null ? ',"service":null' : ',"service":' + JSON.stringify(route.service.name)) : '');
      }
      s += this.lastRouteJson;
    }
    if (this.fEndpoint) {
      const endpoint = ctx.endpoint;
      if (endpoint !== this.lastEndpoint) {
        this.lastEndpoint = endpoint;
        this.lastEndpointJson = endpoint === null ? ',"endpoint":null' : ',"endpoint":' + JSON.stringify(endpoint.address);
      }
      s += this.lastEndpointJson;
    }
    // The method is one of llhttp's known tokens and the client address an IP: nothing to escape.
    if (this.fMethod) s += ',"method":"' + ctx.method + '"';
    if (this.fPath) s += ',"path":' + JSON.stringify(ctx.path);
    if (this.fQuery) s += ctx.search === '' ? ',"query":null' : ',"query":' + JSON.stringify(ctx.search.slice(1));
    if (this.fStatus) s += ',"status":' + ctx.status;
    if (this.fErrorCode) s += ctx.errorCode === null ? ',"errorCode":null' : ',"errorCode":"' + ctx.errorCode + '"';
    if (this.fBytesIn) s += ',"bytesIn":' + ctx.bodyBytes;
    if (this.fBytesOut) s += ',"bytesOut":' + ctx.responseBytes;
    if (this.fDurationMs) s += ',"durationMs":' + Math.round((nowHr - ctx.startedHr) * 1000) / 1000;
    if (this.fUpstreamMs) {
      s += ctx.upstreamSentHr > 0 && ctx.upstreamHeadHr >= ctx.upstreamSentHr
        ? ',"upstreamMs":' + Math.round((ctx.upstreamHeadHr - ctx.upstreamSentHr) * 1000) / 1000
        : ',"upstreamMs":null';
    }
    if (this.fAttempts) s += ',"attempts":' + ctx.attempts;
    if (this.fClientIp) s += ',"clientIp":"' + ctx.clientAddress + '"';
    if (this.fUserAgent) {
      const ua = headerValue(ctx.rawHeaders, 'user-agent');
      s += ua === null ? ',"userAgent":null' : ',"userAgent":' + JSON.stringify(ua);
    }
    if (this.fAborted) s += ctx.aborted ? ',"aborted":true' : ',"aborted":false';
    s += this.constants;
    return s.length === 0 ? '{}\n' : '{' + s.slice(1) + '}\n';
  }

  /** `ms` as an ISO 8601 UTC string; Date formatting only once per second. */
  private iso(ms: number): string {
    const sec = Math.floor(ms / 1000);
    if (sec !== this.isoSecond) {
      this.isoSecond = sec;
      this.isoPrefix = new Date(sec * 1000).toISOString().slice(0, 20); // YYYY-MM-DDTHH:MM:SS.
    }
    const milli = ms - sec * 1000;
    return this.isoPrefix + (milli < 10 ? '00' : milli < 100 ? '0' : '') + milli + 'Z';
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
