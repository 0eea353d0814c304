/**
 * The downstream half of the HTTP/1.1 codec and the request lifecycle on one client connection.
 *
 * Requests on a connection are answered in order (RFC 9112 section 9.3.2), so at most one is
 * `active`; pipelined ones wait in `queue`. The connection itself is the upstream response
 * handler of its active request: no per-request handler objects, no closures, no streams.
 * Bodies are forwarded chunk by chunk as the parser yields them, with backpressure in both
 * directions, so memory stays flat whatever the body size. Hot path, change with care.
 */
import { randomUUID } from 'node:crypto';
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
  type HTTPParserInstance,
  type ParserError,
} from './llhttp.js';
import type { UpstreamConnection, UpstreamResponseHandler } from './upstream-connection.js';

/** What a connection needs from the engine that owns it. */
export interface ConnectionHost {
  /** The current config version (read once per request). */
  readonly snapshot: Snapshot;
  readonly draining: boolean;
  readonly logger: Logger;
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
  private inExecute = false;
  private corkedUpstream: UpstreamConnection | null = null;

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
    const up = this.corkedUpstream;
    if (up !== null) {
      this.corkedUpstream = null;
      up.uncork();
    }
    if (typeof ret !== 'number' && !this.ended) this.handleParseError(ret);
  }

  handleDrain(): void {
    const up = this.active?.upstream;
    if (up != null) up.socket.resume();
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
      clearRequestTimer(ctx);
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
      this.writeProblem(code, detail, randomUUID(), true, false);
      this.endConnection();
    } else {
      // Requests before the bad bytes are answered first (finishExchange sends the error).
      this.deferredError = code;
      this.deferredDetail = detail;
    }
  }

  private pause(reason: number): void {
    if (this.pauseReasons === 0) this.socket.pause();
    this.pauseReasons |= reason;
  }

  private resume(reason: number): void {
    if ((this.pauseReasons & reason) === 0) return;
    this.pauseReasons &= ~reason;
    if (this.pauseReasons === 0 && !this.closed) this.socket.resume();
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

  parsedHeadersComplete(minor: number, headers: string[] | undefined, methodIndex: number, url: string | undefined, keepAlive: boolean): number {
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
      clientId ? requestId : randomUUID(), clientId, this.host.snapshot, METHODS[methodIndex] ?? 'GET', target, raw, minor,
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
      this.writeBody(ctx, ctx.upstream, chunk);
    } else {
      (ctx.pendingBody ??= []).push(chunk);
      if (ctx !== this.active && ctx.bodyBytes > QUEUE_BUFFER_LIMIT) this.pause(PAUSE_QUEUE);
    }
  }

  parsedMessageComplete(): void {
    const ctx = this.receiving;
    if (ctx === null) return;
    this.receiving = null;
    ctx.requestComplete = true;
    if (ctx === this.active) {
      if (ctx.upstream !== null && !ctx.discardBody) this.endBody(ctx, ctx.upstream);
      if (ctx.route !== null) this.armTimer(ctx);
    }
    if (this.closing && this.active === null) this.endConnection();
  }

  // ---- the exchange ----

  private startRequest(ctx: RequestContext): void {
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
    if (ctx.requestComplete) this.armTimer(ctx);
    this.dispatch(ctx, false);
  }

  /**
   * The route timeout counts from the end of the request (as Envoy's route timeout does), so an
   * upload takes as long as it needs; a client that stalls mid-request meets the idle timeout.
   */
  private armTimer(ctx: RequestContext): void {
    if (ctx.timer === null && !ctx.responseStarted) ctx.timer = setTimeout(onRequestTimeout, ctx.route!.timeoutMs, this, ctx);
  }

  /** Picks an endpoint and writes the request to one of its connections. */
  private dispatch(ctx: RequestContext, freshConnection: boolean): void {
    const route = ctx.route!;
    const endpoint = route.service.pick(ctx, null);
    if (endpoint === null) {
      this.sendError(ctx, 'MG_NO_ENDPOINT', `service "${route.service.name}" has no available endpoint`);
      return;
    }
    ctx.endpoint = endpoint;
    ctx.attempts++;
    const up = freshConnection ? endpoint.pool.connect() : endpoint.pool.acquire();
    up.handler = this;
    ctx.upstream = up;
    const target = route.rewrite === null ? ctx.target : route.rewrite(ctx.path, ctx.matchedPath, ctx.params) + ctx.search;
    if (this.inExecute && this.corkedUpstream === null) {
      // Coalesce the head with body bytes parsed from the same read.
      up.cork();
      this.corkedUpstream = up;
    }
    up.write(buildUpstreamHead(ctx, target, this.client));
    const pending = ctx.pendingBody;
    if (pending !== null) {
      ctx.pendingBody = null;
      for (let i = 0; i < pending.length; i++) this.writeBody(ctx, up, pending[i]!);
      this.resume(PAUSE_QUEUE);
    }
    if (ctx.requestComplete) this.endBody(ctx, up);
  }

  private writeBody(ctx: RequestContext, up: UpstreamConnection, chunk: Buffer): void {
    let ok: boolean;
    if (ctx.chunked) {
      up.write(chunk.length.toString(16) + '\r\n');
      up.write(chunk);
      ok = up.write('\r\n');
    } else {
      ok = up.write(chunk);
    }
    if (!ok) this.pause(PAUSE_UPSTREAM);
  }

  private endBody(ctx: RequestContext, up: UpstreamConnection): void {
    if (ctx.chunked) up.write(chunkedTerminator(ctx.pendingTrailers));
    ctx.requestSent = true;
  }

  // ---- upstream response events (UpstreamResponseHandler) ----

  onUpstreamHead(status: number, reason: string, raw: string[], _minor: number, keepAlive: boolean): boolean {
    const ctx = this.active!;
    if (status < 200) {
      if (status === 100) {
        if (ctx.expectContinue && !ctx.continueSent && ctx.versionMinor >= 1) {
          ctx.continueSent = true;
          this.socket.write('HTTP/1.1 100 Continue\r\n\r\n');
        }
      } else if (status !== 101 && ctx.versionMinor >= 1) {
        this.socket.write(buildClientHead(ctx, status, reason, raw, true, false).head, 'latin1');
      }
      return true;
    }
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
    this.socket.write(framing.head, 'latin1');
    return noBody;
  }

  onUpstreamBody(chunk: Buffer): void {
    const ctx = this.active!;
    let ok: boolean;
    if (ctx.responseChunked) {
      this.socket.write(chunk.length.toString(16) + '\r\n', 'latin1');
      this.socket.write(chunk);
      ok = this.socket.write('\r\n', 'latin1');
    } else {
      ok = this.socket.write(chunk);
    }
    // The client reads slower than the upstream sends: stop reading upstream until 'drain'.
    if (!ok) ctx.upstream?.socket.pause();
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
    if (ctx.responseChunked) this.socket.write(chunkedTerminator(ctx.responseTrailers), 'latin1');
    up.socket.resume();
    ctx.endpoint!.pool.release(up, ctx.upstreamKeepAlive && ctx.requestSent, Date.now());
    this.finishExchange(ctx);
  }

  onUpstreamError(code: ErrorCode, staleReuse: boolean, cause: Error | null): void {
    const ctx = this.active;
    if (ctx === null) return;
    ctx.upstream = null;
    this.resume(PAUSE_UPSTREAM);
    if (!ctx.responseStarted && staleReuse && !ctx.hasBody && ctx.attempts < 3) {
      // A pooled keep-alive connection closed under us before any response byte: the request
      // never reached the application, so a fresh connection may send it again.
      this.dispatch(ctx, true);
      return;
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
    this.socket.cork();
  }

  uncorkDownstream(): void {
    this.socket.uncork();
  }

  /** @internal timer callback */
  timedOut(ctx: RequestContext): void {
    ctx.timer = null;
    if (this.active !== ctx || ctx.responseStarted) return;
    this.sendError(ctx, 'MG_UPSTREAM_TIMEOUT', `no response from ${ctx.endpoint?.address ?? 'upstream'} within ${ctx.route!.timeoutMs} ms`);
  }

  // ---- endings ----

  /** Answers `ctx` with a problem+json error, aborting its upstream request if one is open. */
  private sendError(ctx: RequestContext, code: ErrorCode, detail: string): void {
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
    ctx.status = ERRORS[code].status;
    if (ERRORS[code].source !== 'downstream') this.host.logger.warn({ requestId: ctx.id, code, detail, route: ctx.route?.name }, 'request failed');
    this.writeProblem(code, detail, ctx.id, closeAfter, ctx.method === 'HEAD');
    this.finishExchange(ctx);
  }

  /** A problem+json response; for HEAD only its head (with the length the body would have). */
  private writeProblem(code: ErrorCode, detail: string, requestId: string, close: boolean, headOnly: boolean): void {
    const status = ERRORS[code].status;
    const body = problemBody(code, detail, requestId);
    this.socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\n${close ? 'connection: close\r\n' : ''}\r\n${headOnly ? '' : body}`,
    );
  }

  private finishExchange(ctx: RequestContext): void {
    clearRequestTimer(ctx);
    ctx.finished = true;
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
      this.writeProblem(this.deferredError, this.deferredDetail, randomUUID(), true, false);
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
    this.socket.end();
    if (!this.closed) {
      this.pauseReasons = 0;
      this.socket.setTimeout(LINGER_MS);
      this.socket.resume();
    }
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
  _status: unknown, _reason: unknown, _upgrade: boolean, keepAlive: boolean,
): number {
  return this.conn.parsedHeadersComplete(minor, headers, method, url, keepAlive);
}
function onBody(this: WithConn, chunk: Buffer): void { this.conn.parsedBody(chunk); }
function onMessageComplete(this: WithConn): void { this.conn.parsedMessageComplete(); }
function onRequestTimeout(conn: ServerConnection, ctx: RequestContext): void { conn.timedOut(ctx); }
