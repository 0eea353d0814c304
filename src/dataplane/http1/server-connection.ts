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
  private closing = false;
  private closed = false;
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
    if (this.idle) this.socket.end();
  }

  // ---- downstream socket ----

  handleData(data: Buffer): void {
    if (this.closing && this.idle) return;
    this.inExecute = true;
    const ret = this.parser.execute(data);
    this.inExecute = false;
    const up = this.corkedUpstream;
    if (up !== null) {
      this.corkedUpstream = null;
      up.uncork();
    }
    if (typeof ret !== 'number') this.handleParseError(ret);
  }

  handleDrain(): void {
    const up = this.active?.upstream;
    if (up != null) up.socket.resume();
  }

  handleTimeout(): void {
    // Only an idle keep-alive connection times out; a busy one is governed by the route timeout.
    if (this.idle) this.socket.destroy();
  }

  handleEnd(): void {
    // The client half-closed. Finish the response in progress (if any), then close.
    if (this.idle) this.socket.end();
    else this.closing = true;
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
    const ctx = this.receiving ?? this.active;
    this.closing = true;
    this.queue.length = 0;
    if (ctx !== null && ctx === this.active && !ctx.responseStarted) {
      this.sendError(ctx, code, detail);
    } else if (this.active === null) {
      this.writeProblem(code, detail, randomUUID(), true);
      this.socket.end();
    }
    // Otherwise the bad bytes follow a request still being answered: it finishes, then we close.
    this.receiving = null;
    this.socket.pause();
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

    let host = '';
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
          if (host === '' && name.toLowerCase() === 'host') host = raw[i + 1]!;
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
      keepAlive && !this.closing, host, expectContinue, contentLength, chunked, teTrailers,
    );
    this.receiving = ctx;
    if (this.active === null) {
      this.active = ctx;
      this.startRequest(ctx);
    } else {
      this.queue.push(ctx);
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
    if (ctx === this.active && ctx.upstream !== null && !ctx.discardBody) this.endBody(ctx, ctx.upstream);
    if (this.closing && this.active === null) this.socket.end();
  }

  // ---- the exchange ----

  private startRequest(ctx: RequestContext): void {
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
    ctx.timer = setTimeout(onRequestTimeout, route.timeoutMs, this, ctx);
    this.dispatch(ctx, false);
  }

  /** Picks an endpoint and writes the request to one of its connections. */
  private dispatch(ctx: RequestContext, freshConnection: boolean): void {
    const route = ctx.route!;
    const endpoint = route.service.pick(null);
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
    const closeAfter = ctx.closeAfter || !ctx.clientKeepAlive || this.closing || this.host.draining || !ctx.requestComplete;
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
    if (ctx.responseChunked) this.socket.write(ctx.teTrailers || ctx.responseTrailers === null ? chunkedTerminator(ctx.responseTrailers) : '0\r\n\r\n', 'latin1');
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
    const closeAfter = ctx.closeAfter || !ctx.requestComplete || !ctx.clientKeepAlive || this.closing || this.host.draining;
    ctx.closeAfter = closeAfter;
    ctx.responseStarted = true;
    ctx.status = ERRORS[code].status;
    if (ERRORS[code].source !== 'downstream') this.host.logger.warn({ requestId: ctx.id, code, detail, route: ctx.route?.name }, 'request failed');
    this.writeProblem(code, detail, ctx.id, closeAfter);
    this.finishExchange(ctx);
  }

  private writeProblem(code: ErrorCode, detail: string, requestId: string, close: boolean): void {
    const status = ERRORS[code].status;
    const body = problemBody(code, detail, requestId);
    this.socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: ${PROBLEM_CONTENT_TYPE}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
        `x-request-id: ${requestId}\r\n${close ? 'connection: close\r\n' : ''}\r\n${body}`,
    );
  }

  private finishExchange(ctx: RequestContext): void {
    clearRequestTimer(ctx);
    ctx.finished = true;
    this.active = null;
    this.resume(PAUSE_UPSTREAM);
    if (ctx.closeAfter) {
      this.closing = true;
      this.queue.length = 0;
      this.socket.end();
      return;
    }
    const next = this.queue.shift();
    if (next !== undefined) {
      this.active = next;
      if (this.queue.length === 0) this.resume(PAUSE_QUEUE);
      this.startRequest(next);
    } else if (this.closing) {
      this.socket.end();
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
