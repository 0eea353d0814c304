/**
 * The downstream half of the HTTP/1.1 codec and the request lifecycle on one client connection.
 *
 * Requests on a connection are answered in order (RFC 9112 section 9.3.2), so at most one is
 * `active`; pipelined ones wait in `queue`. The connection itself is the upstream response
 * handler of its active request: no per-request handler objects, no closures, no streams.
 * Bodies are forwarded chunk by chunk as the parser yields them, with backpressure in both
 * directions, so memory stays flat whatever the body size. Hot path, change with care.
 */
import type net from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { Logger } from 'pino';
import { ERRORS, problemBody, PROBLEM_CONTENT_TYPE, type ErrorCode } from '../../errors/index.js';
import type { Snapshot } from '../../engine/snapshot.js';
import { RequestContext } from '../context.js';
import { buildClientHead, buildUpstreamHead, chunkedTerminator, type ClientInfo } from '../forward.js';
import {
  HTTPParser,
  METHODS,
  PARSER_RESOURCE,
  kOnBody,
  kOnHeaders,
  kOnHeadersComplete,
  kOnMessageComplete,
  kOnExecute,
  consumeSocket,
  unconsumeSocket,
  startReading,
  stopReading,
  touchSocket,
  type HTTPParserInstance,
  type ParserError,
} from './llhttp.js';
import type { UpstreamConnection, UpstreamResponseHandler } from './upstream-connection.js';
import { headerValue } from './headers.js';
import type { CircuitBreaker } from '../../policies/circuit-breaker/breaker.js';
import type { Decision, LimitCheck } from '../../policies/rate-limit/types.js';
import type { RequestObserver } from '../../observability/observer.js';
import type { Tracing } from '../../observability/tracing/tracer.js';
import { CompiledRetryPolicy } from '../../policies/retry/policy.js';
import { newUuid } from '../../util/random-ids.js';

/** What a connection needs from the engine that owns it. */
export interface ConnectionHost {
  /** The current config version (read once per request). */
  readonly snapshot: Snapshot;
  readonly draining: boolean;
  readonly logger: Logger;
  /** Metrics and access logs, or null when both are off. */
  readonly observer: RequestObserver | null;
  /** Tracing (config `tracing`), or null when off. */
  readonly tracing: Tracing | null;
  connectionClosed(conn: ServerConnection): void;
}

const PAUSE_UPSTREAM = 1;
const PAUSE_QUEUE = 2;
/** Body bytes buffered for a queued pipelined request before the socket stops reading. */
const QUEUE_BUFFER_LIMIT = 64 * 1024;
/** Pipelined requests parsed ahead of the one being answered before the socket stops reading. */
const QUEUE_LENGTH_LIMIT = 32;
/**
 * After we close our side, how long we keep reading (and dropping) what the client still sends
 * until its FIN: closing a socket with unread input makes the kernel send a reset, which can
 * destroy the response the client has not read yet (the "lingering close" of nginx and Apache).
 */
const LINGER_MS = 2000;
const MAX_REQUEST_ID_LENGTH = 200;
/** Largest body chunk gathered into the string written at the end of an upstream read. */
const GATHER_MAX = 16 * 1024;

export class ServerConnection implements UpstreamResponseHandler {
  readonly socket: net.Socket;
  readonly host: ConnectionHost;
  readonly client: ClientInfo;
  /** The request whose response is in progress. */
  active: RequestContext | null = null;
  private receiving: RequestContext | null = null;
  private readonly queue: RequestContext[] = [];
  private readonly parser: HTTPParserInstance;
  private headerAcc: string[] | null = null;
  private urlAcc = '';
  private pauseReasons = 0;
  /** No new requests: close once the ones already received are answered. */
  private closing = false;
  /** We ended our side (endConnection); input is now only drained. */
  private ended = false;
  private closed = false;
  /**
   * A parse error that came after requests still to be answered: they are answered first, in
   * order (RFC 9112 section 9.3.2), then this error, then the connection closes.
   */
  private deferredError: ErrorCode | null = null;
  private deferredDetail = '';
  /** Inside a parser run (request bytes being parsed): sends are corked until it ends. */
  private inExecute = false;
  /** The parser reads the socket's handle itself (see consumeSocket); false on the 'data' path. */
  private consumed = false;
  /** The parser stopped after a request asking for an upgrade; the rest of the read follows. */
  private upgradeStop = false;
  /** pause() stopped the consumed handle itself (stopReading). */
  private readStopped = false;
  /** The upstream connection whose request bytes this client read gathers into upOut. */
  private corkedUpstream: UpstreamConnection | null = null;
  private upOut = '';
  /**
   * While an upstream read is parsed, the response bytes for the client are gathered into one
   * latin1 string and written once at its end (uncorkDownstream): a small response is then one
   * plain write instead of cork + writev of head and body (measured: the writev path's JS cost
   * several percent of the proxy's CPU). Bodies above GATHER_MAX go out as buffers.
   */
  private gathering = false;
  private pendingOut = '';

  constructor(socket: net.Socket, host: ConnectionHost, proto: 'http' | 'https', maxHeaderBytes: number, idleTimeoutMs: number) {
    this.socket = socket;
    this.host = host;
    this.client = Object.freeze({ remoteAddress: stripV4Mapped(socket.remoteAddress ?? ''), proto });
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.REQUEST, PARSER_RESOURCE, maxHeaderBytes, 0);
    parser[kOnHeaders] = onHeaders;
    parser[kOnHeadersComplete] = onHeadersComplete;
    parser[kOnBody] = onBody;
    parser[kOnMessageComplete] = onMessageComplete;
    (parser as unknown as { conn: ServerConnection }).conn = this;
    this.parser = parser;
    (socket as unknown as { conn: ServerConnection }).conn = this;
    // A client may half-close after its request (shutdown(SHUT_WR), `nc -N`): its response must
    // still be written, so our side ends only when we say so (handleEnd / endConnection).
    socket.allowHalfOpen = true;
    socket.setTimeout(idleTimeoutMs);
    socket.on('data', onSocketData);
    socket.on('drain', onSocketDrain);
    socket.on('timeout', onSocketTimeout);
    socket.on('error', noop);
    socket.on('end', onSocketEnd);
    socket.on('close', onSocketClose);
    parser[kOnExecute] = onExecute;
    this.consumed = consumeSocket(parser, socket);
  }

  get idle(): boolean {
    return this.active === null && this.receiving === null;
  }

  /** Graceful close: now if idle, otherwise after the current response (which says `Connection: close`). */
  closeWhenIdle(): void {
    this.closing = true;
    if (this.idle) this.endConnection();
  }

  // ---- downstream socket ----

  handleData(data: Buffer): void {
    // After we decided to close (or a parse error is waiting its turn), input is only drained.
    if (this.ended || this.deferredError !== null) return;
    this.inExecute = true;
    let ret = this.parser.execute(data);
    // llhttp stops after a request that asks to switch protocols (`Connection: upgrade` with
    // `Upgrade`, or CONNECT) and returns how far it got. meshgate does not upgrade here: Upgrade
    // is hop-by-hop, so that request was proxied as a plain one and what follows is the next one.
    while (typeof ret === 'number' && ret > 0 && ret < data.length && !this.ended && this.deferredError === null && !this.closed) {
      data = data.subarray(ret);
      ret = this.parser.execute(data);
    }
    this.inExecute = false;
    if (this.corkedUpstream !== null) this.flushUpstream();
    if (typeof ret !== 'number' && !this.ended) this.handleParseError(ret);
  }

  /** A consumed read was parsed (the consumed counterpart of handleData's tail). */
  handleExecute(ret: number | ParserError): void {
    touchSocket(this.socket);
    if (this.upgradeStop) {
      this.upgradeStop = false;
      if (typeof ret === 'number' && !this.ended && this.deferredError === null && !this.closed) {
        const data = this.parser.getCurrentBuffer();
        if (ret < data.length) {
          this.handleData(data.subarray(ret));
          ret = 0;
        }
      }
    }
    this.inExecute = false;
    if (this.corkedUpstream !== null) this.flushUpstream();
    if (typeof ret !== 'number' && !this.ended) this.handleParseError(ret);
    if (this.consumed && (this.ended || this.deferredError !== null)) this.stopConsuming();
  }

  /** Back to the 'data' path, where input after our decision to close is only drained. */
  private stopConsuming(): void {
    if (!this.consumed) return;
    this.consumed = false;
    unconsumeSocket(this.parser, this.socket);
  }

  handleDrain(): void {
    const up = this.active?.upstream;
    if (up != null) up.resumeReading();
  }

  handleTimeout(): void {
    // An idle keep-alive connection, a client silent in the middle of sending its request (not
    // held back by us: no pause), or a closed connection whose client never sent its FIN. A
    // connection waiting for its response is governed by the route timeout instead.
    if (this.idle || this.ended || (this.receiving !== null && this.pauseReasons === 0)) this.socket.destroy();
  }

  handleEnd(): void {
    // The client half-closed. A request it was still sending can never complete: abort it (and
    // its upstream request, in handleClose). Otherwise answer what was received, then close.
    if (this.receiving !== null && !this.ended) {
      this.socket.destroy();
      return;
    }
    this.closing = true;
    if (this.idle) this.endConnection();
  }

  handleClose(): void {
    this.closed = true;
    this.closing = true;
    const ctx = this.active;
    if (ctx !== null) {
      this.releaseRequest(ctx);
      if (!ctx.finished) {
        ctx.finished = true;
        ctx.aborted = true;
        const observer = this.host.observer;
        if (observer !== null) {
          ctx.doneHr = performance.now();
          observer.requestDone(ctx);
        }
      }
      const up = ctx.upstream;
      if (up !== null) {
        // The client went away: abort the upstream request too.
        up.handler = null;
        ctx.upstream = null;
        up.destroy();
      }
    }
    this.active = null;
    this.receiving = null;
    this.queue.length = 0;
    this.stopConsuming();
    this.parser.free();
    this.host.connectionClosed(this);
  }

  private handleParseError(err: ParserError): void {
    const code: ErrorCode = err.code === 'HPE_HEADER_OVERFLOW' ? 'MG_HEADERS_TOO_LARGE' : 'MG_BAD_REQUEST';
    const detail = err.reason ? `${err.reason}` : 'malformed HTTP/1.1 request';
    // The parser cannot continue after an error: nothing after this point is read as a request.
    const rx = this.receiving;
    this.receiving = null;
    if (rx !== null) {
      // The error is in the body of a request already parsed (a bad chunk, for instance).
      rx.discardBody = true;
      rx.closeAfter = true;
      if (rx === this.active) {
        // It is the one being answered: answer it with the error (aborting its upstream
        // request), or cut the connection when its response has already begun.
        if (!rx.responseStarted) this.sendError(rx, code, detail);
        else this.socket.destroy();
        return;
      }
      // It is the last pipelined request waiting its turn: the error takes its place.
      if (this.queue[this.queue.length - 1] === rx) this.queue.pop();
    }
    if (this.active === null) {
      this.writeProblem(code, detail, newUuid(), true, false);
      this.endConnection();
    } else {
      // Requests before the bad bytes are answered first (finishExchange sends the error).
      this.deferredError = code;
      this.deferredDetail = detail;
    }
  }

  private pause(reason: number): void {
    if (this.pauseReasons === 0) {
      if (this.consumed) {
        stopReading(this.socket);
        this.readStopped = true;
      } else {
        this.socket.pause();
      }
    }
    this.pauseReasons |= reason;
  }

  private resume(reason: number): void {
    if ((this.pauseReasons & reason) === 0) return;
    this.pauseReasons &= ~reason;
    if (this.pauseReasons === 0 && !this.closed) this.resumeSocket();
  }

  private resumeSocket(): void {
    if (this.readStopped) {
      // Stopped under a flowing stream (consumed): resume() alone would not restart it.
      this.readStopped = false;
      startReading(this.socket);
    }
    this.socket.resume();
  }

  // ---- request parser events ----

  parsedHeaders(headers: string[], url: string | undefined): void {
    const ctx = this.receiving;
    if (ctx !== null) {
      // Headers after the body are trailers.
      if (ctx.pendingTrailers === null) ctx.pendingTrailers = headers;
      else for (let i = 0; i < headers.length; i++) ctx.pendingTrailers.push(headers[i]!);
      return;
    }
    if (this.headerAcc === null) this.headerAcc = headers;
    else for (let i = 0; i < headers.length; i++) this.headerAcc.push(headers[i]!);
    if (url !== undefined) this.urlAcc += url;
  }

  /** The request asks to switch protocols: llhttp stops after it (see handleExecute). */
  parsedUpgrade(): void {
    this.upgradeStop = true;
  }

  parsedHeadersComplete(minor: number, headers: string[] | undefined, methodIndex: number, url: string | undefined, keepAlive: boolean): number {
    this.inExecute = true;
    let raw = headers ?? [];
    if (this.headerAcc !== null) {
      if (headers !== undefined) for (let i = 0; i < headers.length; i++) this.headerAcc.push(headers[i]!);
      raw = this.headerAcc;
      this.headerAcc = null;
    }
    const target = this.urlAcc + (url ?? '');
    this.urlAcc = '';
    // A response that closes the connection was chosen while this buffer was being parsed: the
    // requests after it are not ours to answer.
    if (this.ended) return 0;

    let host = '';
    let hostFields = 0;
    let requestId = '';
    let expectContinue = false;
    let contentLength = -1;
    let chunked = false;
    let teTrailers = false;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i]!;
      // Cheap length filter before lower-casing: only a few names matter here.
      switch (name.length) {
        case 4:
          if (name.toLowerCase() === 'host') {
            if (hostFields++ === 0) host = raw[i + 1]!;
          }
          break;
        case 2:
          if (name.toLowerCase() === 'te' && raw[i + 1]!.toLowerCase().includes('trailers')) teTrailers = true;
          break;
        case 6:
          if (name.toLowerCase() === 'expect' && raw[i + 1]!.toLowerCase() === '100-continue') expectContinue = true;
          break;
        case 12:
          if (name.toLowerCase() === 'x-request-id') requestId = raw[i + 1]!;
          break;
        case 14:
          if (name.toLowerCase() === 'content-length') contentLength = Number(raw[i + 1]);
          break;
        case 17:
          if (name.toLowerCase() === 'transfer-encoding' && raw[i + 1]!.toLowerCase().endsWith('chunked')) chunked = true;
          break;
      }
    }
    if (chunked) contentLength = -1;
    const clientId = requestId !== '' && requestId.length <= MAX_REQUEST_ID_LENGTH;
    const ctx = new RequestContext(
      clientId ? requestId : newUuid(), clientId, this.host.snapshot, METHODS[methodIndex] ?? 'GET', target, raw, minor,
      keepAlive && !this.closing, host, expectContinue, contentLength, chunked, teTrailers, this.client.remoteAddress,
    );
    ctx.hostFields = hostFields;
    this.receiving = ctx;
    if (this.active === null) {
      this.active = ctx;
      this.startRequest(ctx);
    } else {
      this.queue.push(ctx);
      if (this.queue.length >= QUEUE_LENGTH_LIMIT) this.pause(PAUSE_QUEUE);
    }
    return 0;
  }

  parsedBody(chunk: Buffer): void {
    this.inExecute = true;
    const ctx = this.receiving;
    if (ctx === null || ctx.discardBody) return;
    ctx.bodyBytes += chunk.length;
    const route = ctx.route;
    if (route !== null && route.maxBodyBytes > 0 && ctx.bodyBytes > route.maxBodyBytes) {
      if (ctx === this.active) this.sendError(ctx, 'MG_BODY_TOO_LARGE', `request body exceeds ${route.maxBodyBytes} bytes`);
      else ctx.discardBody = true;
      return;
    }
    if (ctx === this.active && ctx.upstream !== null) {
      this.writeBody(ctx, ctx.upstream, chunk, true);
    } else {
      (ctx.pendingBody ??= []).push(chunk);
      if (ctx !== this.active && ctx.bodyBytes > QUEUE_BUFFER_LIMIT) this.pause(PAUSE_QUEUE);
    }
  }

  parsedMessageComplete(): void {
    this.inExecute = true;
    const ctx = this.receiving;
    if (ctx === null) return;
    this.receiving = null;
    ctx.requestComplete = true;
    if (ctx === this.active) {
      if (ctx.upstream !== null && !ctx.discardBody) this.endBody(ctx, ctx.upstream);
      if (ctx.route !== null && ctx.countedActive) {
        this.armTimer(ctx);
        this.armTryTimer(ctx);
      }
    }
    if (this.closing && this.active === null) this.endConnection();
  }

  // ---- the exchange ----

  private startRequest(ctx: RequestContext): void {
    const tracing = this.host.tracing;
    if (tracing !== null) tracing.requestStart(ctx);
    if (ctx.hostFields !== 1 && (ctx.hostFields > 1 || ctx.versionMinor >= 1)) {
      // RFC 9112 section 3.2: an HTTP/1.1 request without Host, or any request with two, is a 400.
      ctx.closeAfter = true;
      this.sendError(ctx, 'MG_BAD_REQUEST', ctx.hostFields === 0 ? 'HTTP/1.1 request without a Host header' : 'more than one Host header');
      return;
    }
    if (hasDotSegment(ctx.path)) {
      // `/public/../admin` would match a `/public` route here and reach `/admin` upstream once
      // the upstream resolves it: such paths are refused rather than guessed at.
      this.sendError(ctx, 'MG_BAD_REQUEST', 'the path contains a "." or ".." segment');
      return;
    }
    const snapshot = ctx.snapshot;
    const match = snapshot.router.match({ method: ctx.method, host: routingHost(ctx.host), path: ctx.path, query: ctx.search.slice(1), rawHeaders: ctx.rawHeaders });
    if (match === null) {
      this.sendError(ctx, 'MG_NO_ROUTE', `no route matches ${ctx.method} ${ctx.path}`);
      return;
    }
    const route = match.value;
    ctx.route = route;
    ctx.params = match.params;
    ctx.matchedPath = match.matchedPath;
    if (route.maxBodyBytes > 0 && (ctx.contentLength > route.maxBodyBytes || ctx.bodyBytes > route.maxBodyBytes)) {
      this.sendError(ctx, 'MG_BODY_TOO_LARGE', `request body exceeds ${route.maxBodyBytes} bytes`);
      return;
    }
    const limiter = route.rateLimiter;
    if (limiter !== null) {
      const checks: LimitCheck[] = [];
      ctx.rateLimitChecks = checks;
      const decision = limiter.check(ctx.rawHeaders, ctx.clientAddress, checks);
      if (decision !== null) {
        if (decision instanceof Promise) {
          // A shared store (Redis, the node's primary) answers asynchronously: one closure on that path.
          decision.then((d) => this.rateLimitDecided(ctx, d));
          return;
        }
        if (!this.applyRateLimit(ctx, decision)) return;
      }
    }
    this.afterRateLimits(ctx);
  }

  private rateLimitDecided(ctx: RequestContext, decision: Decision): void {
    if (this.active !== ctx || ctx.responseStarted || this.closed) return;
    if (this.applyRateLimit(ctx, decision)) this.afterRateLimits(ctx);
  }

  /** 429 when a limit denies; otherwise remember the RateLimit headers for the response. */
  private applyRateLimit(ctx: RequestContext, decision: Decision): boolean {
    const limiter = ctx.route!.rateLimiter!;
    const checks = ctx.rateLimitChecks!;
    const headers = limiter.headers(checks, decision);
    limiter.record(checks, decision);
    if (!decision.allowed) {
      const tight = decision.results[decision.tightest]!;
      const name = checks[decision.tightest]!.spec.name;
      this.sendError(ctx, 'MG_RATE_LIMITED', `rate limit "${name}" exceeded; retry in ${tight.retryAfterSeconds} s`, 0, headers);
      return false;
    }
    ctx.responseHeaders = headers;
    return true;
  }

  private afterRateLimits(ctx: RequestContext): void {
    const route = ctx.route!;
    route.service.load.active++;
    ctx.countedActive = true;
    const fault = route.fault;
    if (fault !== null) {
      // As Envoy: the delay first, then the abort (each drawn by its own percentage).
      ctx.faultAbort = fault.abortStatus();
      const delay = fault.delayMs();
      if (delay > 0) {
        ctx.waitTimer = setTimeout(onFaultDelayDone, delay, this, ctx);
        return;
      }
    }
    this.admit(ctx);
  }

  /** The bulkhead: take a concurrency slot, wait for one in the queue, or answer 503. */
  admit(ctx: RequestContext): void {
    ctx.waitTimer = null;
    if (this.active !== ctx) return;
    if (ctx.faultAbort !== 0) {
      this.sendError(ctx, 'MG_FAULT_INJECTED', `fault injection answered ${ctx.faultAbort}`, ctx.faultAbort);
      return;
    }
    if (ctx.requestComplete) this.armTimer(ctx);
    const bulkhead = ctx.route!.service.bulkhead;
    if (bulkhead !== null) {
      if (bulkhead.tryAcquire()) {
        ctx.holdsBulkhead = true;
      } else {
        // Slow path (the service is at its limit): one closure per queued request.
        const waiter = bulkhead.enqueue((granted: boolean) => this.bulkheadDecided(ctx, granted));
        if (waiter === null) {
          this.sendError(ctx, 'MG_BULKHEAD_FULL', `service "${ctx.route!.service.name}" is at its concurrency limit and its queue is full`);
          return;
        }
        ctx.bulkheadWaiter = waiter;
        return;
      }
    }
    this.attempt(ctx, false);
  }

  private bulkheadDecided(ctx: RequestContext, granted: boolean): void {
    ctx.bulkheadWaiter = null;
    if (this.active !== ctx || ctx.responseStarted) {
      if (granted) ctx.route!.service.bulkhead!.release();
      return;
    }
    if (!granted) {
      this.sendError(ctx, 'MG_BULKHEAD_TIMEOUT', `no concurrency slot of service "${ctx.route!.service.name}" freed in time`);
      return;
    }
    ctx.holdsBulkhead = true;
    this.attempt(ctx, false);
  }

  /**
   * One attempt: the circuit breaker admits it, the balancer picks an endpoint (away from the
   * previous one on a retry), and the request goes out on a pooled connection.
   */
  attempt(ctx: RequestContext, freshConnection: boolean): void {
    ctx.waitTimer = null;
    if (this.active !== ctx || ctx.responseStarted) return;
    const route = ctx.route!;
    const service = route.service;
    const now = Date.now();
    let breaker = route.breaker;
    if (breaker !== null && !breaker.tryAcquire(now)) {
      this.sendCircuitOpen(ctx, breaker, now);
      return;
    }
    let endpoint = service.pick(ctx, ctx.endpoint);
    if (endpoint === null) {
      breaker?.onCancel(now, breaker.epoch);
      this.sendError(ctx, 'MG_NO_ENDPOINT', `service "${service.name}" has no available endpoint`);
      return;
    }
    const perEndpoint = route.endpointBreakers;
    if (perEndpoint !== null) {
      breaker = perEndpoint.get(endpoint.address) ?? null;
      if (breaker !== null && !breaker.tryAcquire(now)) {
        // That endpoint's breaker is open: one more pick, away from it.
        const other = service.pick(ctx, endpoint);
        const otherBreaker = other === null || other === endpoint ? null : (perEndpoint.get(other.address) ?? null);
        if (other === null || other === endpoint || (otherBreaker !== null && !otherBreaker.tryAcquire(now))) {
          this.sendCircuitOpen(ctx, breaker, now);
          return;
        }
        endpoint = other;
        breaker = otherBreaker;
      }
    }
    ctx.breaker = breaker;
    // The breaker's epoch at admission: a verdict from before a state change must not count.
    ctx.breakerEpoch = breaker === null ? 0 : breaker.epoch;
    ctx.endpoint = endpoint;
    ctx.attempts++;
    endpoint.state.outstanding++;
    ctx.endpointCounted = true;
    if (ctx.requestComplete) this.armTryTimer(ctx);
    if (ctx.trace !== null) ctx.trace.attemptStarted(ctx);
    this.send(ctx, freshConnection);
  }

  /**
   * The route timeout counts from the end of the request (as Envoy's route timeout does), so an
   * upload takes as long as it needs; a client that stalls mid-request meets the idle timeout.
   */
  private armTimer(ctx: RequestContext): void {
    if (ctx.timer === null && !ctx.responseStarted) ctx.timer = setTimeout(onRequestTimeout, ctx.route!.timeoutMs, this, ctx);
  }

  /** Per-try deadline (retryPolicy.perTryTimeoutMs), from the end of the request. */
  private armTryTimer(ctx: RequestContext): void {
    const retry = ctx.route!.retry;
    if (retry !== null && retry.perTryTimeoutMs > 0 && ctx.tryTimer === null && ctx.endpointCounted && !ctx.responseStarted) {
      ctx.tryTimer = setTimeout(onTryTimeout, retry.perTryTimeoutMs, this, ctx);
    }
  }

  /** Writes the request to a connection of the chosen endpoint (a retry replays the kept body). */
  private send(ctx: RequestContext, freshConnection: boolean): void {
    const route = ctx.route!;
    const endpoint = ctx.endpoint!;
    const up = freshConnection ? endpoint.pool.connect() : endpoint.pool.acquire();
    up.handler = this;
    ctx.upstream = up;
    const target = route.rewrite === null ? ctx.target : route.rewrite(ctx.path, ctx.matchedPath, ctx.params) + ctx.search;
    if (this.inExecute && this.corkedUpstream === null) {
      // Gather the head with body bytes parsed from the same read: one write at its end.
      this.corkedUpstream = up;
    }
    this.writeUpstream(up, buildUpstreamHead(ctx, target, this.client));
    ctx.upstreamSentHr = performance.now();
    const replay = ctx.replay;
    if (replay !== null) for (let i = 0; i < replay.length; i++) this.writeBody(ctx, up, replay[i]!, false);
    const pending = ctx.pendingBody;
    if (pending !== null) {
      ctx.pendingBody = null;
      for (let i = 0; i < pending.length; i++) this.writeBody(ctx, up, pending[i]!, true);
      this.resume(PAUSE_QUEUE);
    }
    if (ctx.requestComplete) this.endBody(ctx, up);
  }

  private writeBody(ctx: RequestContext, up: UpstreamConnection, chunk: Buffer, keep: boolean): void {
    const retry = ctx.route!.retry;
    if (keep && retry !== null && ctx.replayable) {
      // Keep the body for a retry while it is small; past retryBufferBytes it is not retried.
      ctx.replayBytes += chunk.length;
      if (ctx.replayBytes <= retry.retryBufferBytes) (ctx.replay ??= []).push(chunk);
      else {
        ctx.replay = null;
        ctx.replayable = false;
      }
    }
    let ok: boolean;
    if (ctx.chunked) {
      this.writeUpstream(up, chunk.length.toString(16) + '\r\n');
      this.writeUpstream(up, chunk);
      ok = this.writeUpstream(up, '\r\n');
    } else {
      ok = this.writeUpstream(up, chunk);
    }
    if (!ok) this.pause(PAUSE_UPSTREAM);
  }

  /**
   * Request bytes to an upstream connection. While a client read is parsed, those for
   * corkedUpstream are gathered into one latin1 string (small body chunks included) and written
   * once when the read is done (flushUpstream): a request whose head and body came in one read
   * leaves in one write. Backpressure is then judged at that write.
   */
  private writeUpstream(up: UpstreamConnection, data: string | Buffer): boolean {
    if (up === this.corkedUpstream) {
      if (typeof data === 'string') {
        this.upOut += data;
        return true;
      }
      if (data.length <= GATHER_MAX) {
        this.upOut += data.toString('latin1');
        return true;
      }
      // A large chunk: what was gathered goes first, then the chunk as it is.
      const out = this.upOut;
      this.upOut = '';
      if (out !== '') up.write(out);
    }
    return up.write(data);
  }

  private flushUpstream(): void {
    const up = this.corkedUpstream!;
    this.corkedUpstream = null;
    const out = this.upOut;
    this.upOut = '';
    if (out !== '' && !up.socket.destroyed && !up.write(out)) this.pause(PAUSE_UPSTREAM);
  }

  private endBody(ctx: RequestContext, up: UpstreamConnection): void {
    if (ctx.chunked) this.writeUpstream(up, chunkedTerminator(ctx.pendingTrailers));
    ctx.requestSent = true;
  }

  // ---- upstream response events (UpstreamResponseHandler) ----

  onUpstreamHead(status: number, reason: string, raw: string[], _minor: number, keepAlive: boolean): boolean {
    const ctx = this.active!;
    if (status < 200) {
      if (status === 100) {
        if (ctx.expectContinue && !ctx.continueSent && ctx.versionMinor >= 1) {
          ctx.continueSent = true;
          this.writeClient('HTTP/1.1 100 Continue\r\n\r\n');
        }
      } else if (status !== 101 && ctx.versionMinor >= 1) {
        this.writeClient(buildClientHead(ctx, status, reason, raw, true, false).head);
      }
      return true;
    }
    clearTimer(ctx, 'tryTimer');
    const retry = ctx.route!.retry;
    if (retry !== null && retry.retriesStatus(status) && this.mayRetry(ctx, true)) {
      // Retry instead of forwarding this response: the connection is dropped mid-response.
      if (ctx.trace !== null) ctx.trace.attemptEnded(ctx, status, null);
      this.recordVerdict(ctx, true);
      this.abandonAttempt(ctx);
      this.scheduleRetry(ctx);
      return true;
    }
    this.recordVerdict(ctx, status >= 500);
    ctx.upstreamHeadHr = performance.now();
    clearRequestTimer(ctx);
    ctx.status = status;
    ctx.upstreamKeepAlive = keepAlive;
    const noBody = ctx.method === 'HEAD';
    // A closing connection still answers the pipelined requests it has; the last one says close.
    const closeAfter = ctx.closeAfter || !ctx.clientKeepAlive || (this.closing && this.queue.length === 0) || this.host.draining || !ctx.requestComplete;
    const framing = buildClientHead(ctx, status, reason, raw, noBody, closeAfter);
    ctx.closeAfter = closeAfter || framing.closeDelimited;
    ctx.responseChunked = framing.chunked;
    ctx.responseStarted = true;
    this.writeClient(framing.head);
    return noBody;
  }

  onUpstreamBody(chunk: Buffer): void {
    const ctx = this.active!;
    ctx.responseBytes += chunk.length;
    if (this.gathering && chunk.length <= GATHER_MAX) {
      // latin1 maps each byte to one char and back: the body's bytes go out unchanged.
      if (ctx.responseChunked) this.pendingOut += chunk.length.toString(16) + '\r\n' + chunk.toString('latin1') + '\r\n';
      else this.pendingOut += chunk.toString('latin1');
      return; // backpressure is judged when the gathered bytes are written
    }
    this.flushClient();
    let ok: boolean;
    if (ctx.responseChunked) {
      this.socket.cork();
      this.socket.write(chunk.length.toString(16) + '\r\n', 'latin1');
      this.socket.write(chunk);
      ok = this.socket.write('\r\n', 'latin1');
      this.socket.uncork();
    } else {
      ok = this.socket.write(chunk);
    }
    // The client reads slower than the upstream sends: stop reading upstream until 'drain'.
    if (!ok) ctx.upstream?.pauseReading();
  }

  onUpstreamTrailers(raw: string[]): void {
    const ctx = this.active!;
    if (ctx.responseTrailers === null) ctx.responseTrailers = raw;
    else for (let i = 0; i < raw.length; i++) ctx.responseTrailers.push(raw[i]!);
  }

  onUpstreamComplete(): void {
    const ctx = this.active!;
    const up = ctx.upstream!;
    ctx.upstream = null;
    // Trailers are forwarded whether or not the client sent `TE: trailers`: every HTTP/1.1
    // recipient parses a trailer section and may drop it (RFC 9112 section 7.1.2).
    if (ctx.responseChunked) this.writeClient(chunkedTerminator(ctx.responseTrailers));
    up.resumeReading();
    ctx.endpoint!.pool.release(up, ctx.upstreamKeepAlive && ctx.requestSent, Date.now());
    this.releaseEndpoint(ctx);
    this.finishExchange(ctx);
  }

  onUpstreamError(code: ErrorCode, staleReuse: boolean, cause: Error | null): void {
    const ctx = this.active;
    if (ctx === null) return;
    ctx.upstream = null;
    this.resume(PAUSE_UPSTREAM);
    if (!ctx.responseStarted && staleReuse && !ctx.hasBody && ctx.staleRetries < 2) {
      // A pooled keep-alive connection closed under us before any response byte: the request
      // never reached the application, so a fresh connection may send it again (not an attempt).
      ctx.staleRetries++;
      this.send(ctx, true);
      return;
    }
    clearTimer(ctx, 'tryTimer');
    if (ctx.trace !== null) ctx.trace.attemptEnded(ctx, 0, code);
    if (!ctx.responseStarted) {
      this.recordVerdict(ctx, true);
      this.releaseEndpoint(ctx);
      const connectFailure = code === 'MG_UPSTREAM_REFUSED' || code === 'MG_UPSTREAM_CONNECT_TIMEOUT';
      if (this.mayRetry(ctx, false, connectFailure ? RETRY_CONNECT : code === 'MG_UPSTREAM_RESET' ? RETRY_RESET : RETRY_GATEWAY)) {
        this.scheduleRetry(ctx);
        return;
      }
    }
    if (ctx.responseStarted) {
      // Too late for an error response: cut the client connection so it sees the truncation.
      this.host.logger.warn({ requestId: ctx.id, code, err: cause?.message }, 'upstream failed mid-response');
      this.socket.destroy();
      return;
    }
    const endpoint = ctx.endpoint;
    const detail = `${ERRORS[code].title}: ${endpoint?.address ?? 'upstream'}${cause !== null ? ` (${errorText(cause)})` : ''}`;
    this.sendError(ctx, code, detail);
  }

  onUpstreamDrain(): void {
    this.resume(PAUSE_UPSTREAM);
  }

  corkDownstream(): void {
    this.gathering = true;
  }

  uncorkDownstream(): void {
    this.gathering = false;
    // The client reads slower than the upstream sends: stop reading upstream until 'drain'.
    if (!this.flushClient()) this.active?.upstream?.pauseReading();
  }

  /** A latin1 string to the client, in order with what an upstream read gathered. */
  private writeClient(data: string): void {
    if (this.gathering) this.pendingOut += data;
    else this.socket.write(data, 'latin1');
  }

  /** Writes what was gathered; false when the socket's buffer is over its high-water mark. */
  private flushClient(): boolean {
    const out = this.pendingOut;
    if (out === '') return true;
    this.pendingOut = '';
    if (this.closed || this.socket.destroyed) return true;
    return this.socket.write(out, 'latin1');
  }

  /** @internal per-try timer: this attempt took too long; retry elsewhere or answer 504. */
  tryTimedOut(ctx: RequestContext): void {
    ctx.tryTimer = null;
    if (this.active !== ctx || ctx.responseStarted || !ctx.endpointCounted) return;
    ctx.perTryTimeouts++;
    const address = ctx.endpoint!.address;
    if (ctx.trace !== null) ctx.trace.attemptEnded(ctx, 0, 'MG_UPSTREAM_TIMEOUT');
    this.recordVerdict(ctx, true);
    this.abandonAttempt(ctx);
    if (this.mayRetry(ctx, false, RETRY_GATEWAY)) {
      this.scheduleRetry(ctx);
      return;
    }
    this.sendError(ctx, 'MG_UPSTREAM_TIMEOUT', `no response from ${address} within the per-try timeout of ${ctx.route!.retry!.perTryTimeoutMs} ms`);
  }

  /**
   * May this request be tried again? `status`: a retryable response arrived (else a failure of
   * kind `kind`). Attempts left, body replayable, method safe to repeat (a connect failure is
   * always safe: nothing reached the application), and the service's retry budget allows it.
   */
  private mayRetry(ctx: RequestContext, status: boolean, kind: number = 0): boolean {
    const route = ctx.route!;
    const retry = route.retry;
    if (retry === null || ctx.attempts >= retry.maxAttempts || this.host.draining) return false;
    if (!status) {
      if (kind === RETRY_CONNECT ? !retry.retriesConnectFailure : kind === RETRY_RESET ? !retry.retriesReset : !retry.retriesStatus(502)) return false;
    }
    if (kind !== RETRY_CONNECT || status) {
      if (!ctx.replayable) return false;
      if (!retry.retryNonIdempotent && !CompiledRetryPolicy.methodIsIdempotent(ctx.method) && headerValue(ctx.rawHeaders, 'idempotency-key') === null) return false;
    } else if (!ctx.replayable) {
      return false;
    }
    const load = route.service.load;
    return route.retryBudget!.allows(load.active, ctx.countedRetry ? load.retries - 1 : load.retries);
  }

  private scheduleRetry(ctx: RequestContext): void {
    if (!ctx.countedRetry) {
      ctx.countedRetry = true;
      ctx.route!.service.load.retries++;
    }
    ctx.waitTimer = setTimeout(onRetryBackoffDone, ctx.route!.retry!.backoffMs(ctx.attempts), this, ctx);
  }

  /** The breaker and outlier detection learn how the attempt went (once per attempt). */
  private recordVerdict(ctx: RequestContext, failed: boolean): void {
    const breaker = ctx.breaker;
    const now = Date.now();
    if (breaker !== null) {
      ctx.breaker = null;
      if (failed) breaker.onFailure(now, ctx.breakerEpoch);
      else breaker.onSuccess(now, ctx.breakerEpoch);
    }
    const outlier = ctx.route!.service.outlier;
    if (outlier !== null && ctx.endpoint !== null) {
      if (failed) outlier.onFailure(ctx.endpoint.state, now);
      else outlier.onSuccess(ctx.endpoint.state);
    }
  }

  /** Drops the current attempt's connection (a retry follows, or an error). */
  private abandonAttempt(ctx: RequestContext): void {
    const up = ctx.upstream;
    if (up !== null) {
      up.handler = null;
      ctx.upstream = null;
      up.destroy();
    }
    // A body held back for that connection's sake now waits in pendingBody instead.
    this.resume(PAUSE_UPSTREAM);
    this.releaseEndpoint(ctx);
  }

  private releaseEndpoint(ctx: RequestContext): void {
    if (ctx.endpointCounted) {
      ctx.endpointCounted = false;
      ctx.endpoint!.state.outstanding--;
    }
  }

  /**
   * Gives back everything a request holds, whatever way it ended: timers, bulkhead slot or queue
   * place, an owed breaker verdict, the endpoint and service counters.
   */
  private releaseRequest(ctx: RequestContext): void {
    clearRequestTimer(ctx);
    clearTimer(ctx, 'tryTimer');
    clearTimer(ctx, 'waitTimer');
    if (ctx.breaker !== null) {
      ctx.breaker.onCancel(Date.now(), ctx.breakerEpoch);
      ctx.breaker = null;
    }
    this.releaseEndpoint(ctx);
    const route = ctx.route;
    if (route === null) return;
    const service = route.service;
    if (ctx.bulkheadWaiter !== null) {
      service.bulkhead!.cancel(ctx.bulkheadWaiter);
      ctx.bulkheadWaiter = null;
    }
    if (ctx.holdsBulkhead) {
      ctx.holdsBulkhead = false;
      service.bulkhead!.release();
    }
    if (ctx.countedActive) {
      ctx.countedActive = false;
      service.load.active--;
    }
    if (ctx.countedRetry) {
      ctx.countedRetry = false;
      service.load.retries--;
    }
  }

  private sendCircuitOpen(ctx: RequestContext, breaker: CircuitBreaker, now: number): void {
    const seconds = Math.max(1, Math.ceil(breaker.retryAfterMs(now) / 1000));
    this.sendError(ctx, 'MG_CIRCUIT_OPEN', `circuit breaker ${breaker.name} is ${breaker.state}; retry in ${seconds} s`, 0, `retry-after: ${seconds}\r\n`);
  }

  /** @internal timer callback */
  timedOut(ctx: RequestContext): void {
    ctx.timer = null;
    if (this.active !== ctx || ctx.responseStarted) return;
    ctx.routeTimedOut = true;
    if (ctx.endpointCounted) this.recordVerdict(ctx, true);
    this.sendError(ctx, 'MG_UPSTREAM_TIMEOUT', `no response from ${ctx.endpoint?.address ?? 'upstream'} within ${ctx.route!.timeoutMs} ms`);
  }

  // ---- endings ----

  /** Answers `ctx` with a problem+json error, aborting its upstream request if one is open. */
  private sendError(ctx: RequestContext, code: ErrorCode, detail: string, status = 0, extraHeaders = ''): void {
    if (ctx.responseStarted) {
      this.socket.destroy();
      return;
    }
    ctx.discardBody = true;
    ctx.pendingBody = null;
    const up = ctx.upstream;
    if (up !== null) {
      up.handler = null;
      ctx.upstream = null;
      up.destroy();
    }
    // Keep the connection when the request is whole: a bodiless request is complete once its head
    // is parsed (its message-complete event follows within the same parse). A body not yet read
    // would have to be drained first, so then the connection closes instead.
    const closeAfter = ctx.closeAfter || (!ctx.requestComplete && ctx.hasBody) || !ctx.clientKeepAlive || (this.closing && this.queue.length === 0) || this.host.draining;
    ctx.closeAfter = closeAfter;
    ctx.responseStarted = true;
    ctx.status = status === 0 ? ERRORS[code].status : status;
    ctx.errorCode = code;
    if (ERRORS[code].source === 'upstream') this.host.logger.warn({ requestId: ctx.id, code, detail, route: ctx.route?.name }, 'request failed');
    this.writeProblem(code, detail, ctx.id, closeAfter, ctx.method === 'HEAD', ctx.status, extraHeaders + ctx.responseHeaders);
    this.finishExchange(ctx);
  }

  /** A problem+json response; for HEAD only its head (with the length the body would have). */
  private writeProblem(code: ErrorCode, detail: string, requestId: string, close: boolean, headOnly: boolean, status = ERRORS[code].status, extraHeaders = ''): void {
    const body = problemBody(code, detail, requestId, status);
    this.flushClient();
    this.socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\n${extraHeaders}${close ? 'connection: close\r\n' : ''}\r\n${headOnly ? '' : body}`,
    );
  }

  private finishExchange(ctx: RequestContext): void {
    this.releaseRequest(ctx);
    ctx.finished = true;
    const observer = this.host.observer;
    if (observer !== null) {
      ctx.doneHr = performance.now();
      observer.requestDone(ctx);
    }
    this.active = null;
    this.resume(PAUSE_UPSTREAM);
    if (ctx.closeAfter) {
      this.endConnection();
      return;
    }
    const next = this.queue.shift();
    if (next !== undefined) {
      this.active = next;
      if (this.queue.length === 0) this.resume(PAUSE_QUEUE);
      this.startRequest(next);
    } else if (this.deferredError !== null) {
      this.writeProblem(this.deferredError, this.deferredDetail, newUuid(), true, false);
      this.endConnection();
    } else if (this.closing) {
      this.endConnection();
    }
  }

  /**
   * Ends our side once what is written has gone out. Reading goes on, dropped by handleData,
   * until the client's FIN or LINGER_MS (see LINGER_MS): a paused socket would never see the FIN.
   */
  private endConnection(): void {
    if (this.ended) return;
    this.ended = true;
    this.closing = true;
    this.queue.length = 0;
    this.receiving = null;
    this.flushClient();
    this.socket.end();
    if (!this.inExecute) this.stopConsuming(); // else at the end of the parser run (handleExecute)
    if (!this.closed) {
      this.pauseReasons = 0;
      this.socket.setTimeout(LINGER_MS);
      this.resumeSocket();
    }
  }
}

/** Kinds of attempt failure, for retryOn. */
const RETRY_CONNECT = 1;
const RETRY_RESET = 2;
const RETRY_GATEWAY = 3;

function clearTimer(ctx: RequestContext, key: 'tryTimer' | 'waitTimer'): void {
  const timer = ctx[key];
  if (timer !== null) {
    clearTimeout(timer);
    ctx[key] = null;
  }
}

function clearRequestTimer(ctx: RequestContext): void {
  if (ctx.timer !== null) {
    clearTimeout(ctx.timer);
    ctx.timer = null;
  }
}

function errorText(err: Error): string {
  const code = (err as NodeJS.ErrnoException).code;
  return code ?? err.message;
}

/**
 * True if the path has a `.` or `..` segment, also percent-encoded (`%2e`), which upstreams
 * commonly decode. The common path (no '.' or '%' right after a '/') costs one indexOf each.
 */
export function hasDotSegment(path: string): boolean {
  if (path.indexOf('/.') < 0 && path.indexOf('/%') < 0) return false;
  const segments = path.split('/');
  for (let i = 1; i < segments.length; i++) {
    const s = segments[i]!.toLowerCase();
    if (s === '.' || s === '..' || s === '%2e' || s === '%2e%2e' || s === '.%2e' || s === '%2e.') return true;
  }
  return false;
}

/** Host header -> lower-case name without port, for routing. */
function routingHost(host: string): string {
  if (host === '') return '';
  let end = host.length;
  if (host.charCodeAt(0) === 91 /* [ */) {
    const close = host.indexOf(']');
    end = close < 0 ? end : close + 1;
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) end = colon;
  }
  return host.slice(0, end).toLowerCase();
}

function stripV4Mapped(address: string): string {
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

function noop(): void {}

// Shared listeners (no closures per connection): `this` is the socket or the parser.
type WithConn = { conn: ServerConnection };
function onSocketData(this: WithConn, data: Buffer): void { this.conn.handleData(data); }
function onSocketDrain(this: WithConn): void { this.conn.handleDrain(); }
function onSocketTimeout(this: WithConn): void { this.conn.handleTimeout(); }
function onSocketEnd(this: WithConn): void { this.conn.handleEnd(); }
function onSocketClose(this: WithConn): void { this.conn.handleClose(); }
function onHeaders(this: WithConn, headers: string[], url: string | undefined): void { this.conn.parsedHeaders(headers, url); }
function onHeadersComplete(
  this: WithConn, _major: number, minor: number, headers: string[] | undefined, method: number, url: string | undefined,
  _status: unknown, _reason: unknown, upgrade: boolean, keepAlive: boolean,
): number {
  if (upgrade) this.conn.parsedUpgrade();
  return this.conn.parsedHeadersComplete(minor, headers, method, url, keepAlive);
}
function onExecute(this: WithConn, ret: number | ParserError): void { this.conn.handleExecute(ret); }
function onBody(this: WithConn, chunk: Buffer): void { this.conn.parsedBody(chunk); }
function onMessageComplete(this: WithConn): void { this.conn.parsedMessageComplete(); }
function onRequestTimeout(conn: ServerConnection, ctx: RequestContext): void { conn.timedOut(ctx); }
function onTryTimeout(conn: ServerConnection, ctx: RequestContext): void { conn.tryTimedOut(ctx); }
function onFaultDelayDone(conn: ServerConnection, ctx: RequestContext): void { conn.admit(ctx); }
function onRetryBackoffDone(conn: ServerConnection, ctx: RequestContext): void { conn.attempt(ctx, false); }
