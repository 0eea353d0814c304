/**
 * The upstream half of the HTTP/1.1 codec: one keep-alive connection to an endpoint, with its
 * own llhttp response parser. It knows nothing about routing; it hands parsed response events
 * to the request that currently owns it (`UpstreamResponseHandler`).
 */
import net from 'node:net';
import type { ErrorCode } from '../../errors/index.js';
import {
  HTTPParser,
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

export interface UpstreamResponseHandler {
  /** Response head parsed. Return true to tell the parser the response has no body (HEAD). */
  onUpstreamHead(status: number, reason: string, rawHeaders: string[], versionMinor: number, keepAlive: boolean): boolean;
  onUpstreamBody(chunk: Buffer): void;
  onUpstreamTrailers(rawHeaders: string[]): void;
  onUpstreamComplete(keepAlive: boolean): void;
  /**
   * The connection failed before the response completed. `staleReuse`: it had served requests
   * before and no byte of this response arrived, the keep-alive race a fresh connection can retry.
   */
  onUpstreamError(code: ErrorCode, staleReuse: boolean, cause: Error | null): void;
  /** The upstream socket drained its write buffer: resume reading the request body. */
  onUpstreamDrain(): void;
  /** Called around each upstream read so writes to the client coalesce into one syscall. */
  corkDownstream(): void;
  uncorkDownstream(): void;
}

/** The pool side of a connection: where it goes back to when its response is done. */
export interface ConnectionOwner {
  onConnectionClosed(conn: UpstreamConnection): void;
}

export interface UpstreamConnectOptions {
  readonly host: string;
  readonly port: number;
  readonly connectTimeoutMs: number;
  /** A connected socket with no traffic either way for this long is closed (stream idle timeout). */
  readonly idleTimeoutMs: number;
}

export class UpstreamConnection {
  readonly socket: net.Socket;
  readonly owner: ConnectionOwner;
  handler: UpstreamResponseHandler | null = null;
  /** Requests this connection completed; > 0 means a failure may be a stale keep-alive race. */
  completed = 0;
  /** `completed` when the previous consumed read was parsed (see handleExecute). */
  private completedAtRead = 0;
  /** Timestamp (ms) when it went idle into the pool. */
  idleSince = 0;
  connected = false;
  closed = false;
  /** Bytes of a response have arrived for the current request. */
  responseStarted = false;
  private readonly parser: HTTPParserInstance;
  private headerAcc: string[] | null = null;
  private inBody = false;
  /** The upstream sent its FIN: never hand this connection out again, even before 'close'. */
  private peerEnded = false;
  private lastError: Error | null = null;
  private timedOutConnect = false;
  private readonly connectTimeoutMs: number;
  private readonly idleTimeoutMs: number;
  private timedOutIdle = false;
  /** The parser reads the socket's handle itself (see consumeSocket); false on the 'data' path. */
  private consumed = false;
  /** pauseReading() stopped the consumed handle itself. */
  private readStopped = false;
  /** The handler whose client socket a consumed read corked (uncorked when the read is parsed). */
  private corkedHandler: UpstreamResponseHandler | null = null;

  constructor(opts: UpstreamConnectOptions, owner: ConnectionOwner) {
    this.owner = owner;
    this.connectTimeoutMs = opts.connectTimeoutMs;
    this.idleTimeoutMs = opts.idleTimeoutMs;
    const parser = new HTTPParser();
    parser.initialize(HTTPParser.RESPONSE, PARSER_RESOURCE, 0, 0);
    parser[kOnHeaders] = onHeaders;
    parser[kOnHeadersComplete] = onHeadersComplete;
    parser[kOnBody] = onBody;
    parser[kOnMessageComplete] = onMessageComplete;
    (parser as unknown as { conn: UpstreamConnection }).conn = this;
    this.parser = parser;

    const socket = net.connect({ host: opts.host, port: opts.port, noDelay: true });
    this.socket = socket;
    (socket as unknown as { conn: UpstreamConnection }).conn = this;
    socket.setTimeout(opts.connectTimeoutMs);
    socket.on('connect', onConnect);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('drain', onDrain);
    socket.on('timeout', onTimeout);
    socket.on('error', onError);
    socket.on('close', onClose);
    parser[kOnExecute] = onExecute;
    this.consumed = consumeSocket(parser, socket);
  }

  /** Writes are queued by the socket while it connects, so a request can be written at once. */
  write(data: string | Buffer): boolean {
    return this.socket.write(data as string, 'latin1');
  }

  cork(): void {
    this.socket.cork();
  }

  uncork(): void {
    this.socket.uncork();
  }

  destroy(): void {
    if (!this.closed) this.socket.destroy();
  }

  /** Backpressure: the client reads slower than this upstream sends. */
  pauseReading(): void {
    if (this.consumed) {
      stopReading(this.socket);
      this.readStopped = true;
    } else {
      this.socket.pause();
    }
  }

  resumeReading(): void {
    if (this.readStopped) {
      this.readStopped = false;
      startReading(this.socket);
    }
    this.socket.resume();
  }

  /** @internal socket 'data' */
  handleData(data: Buffer): void {
    const handler = this.handler;
    if (handler === null) {
      // Bytes on an idle connection: the server broke protocol; never reuse it.
      this.socket.destroy();
      return;
    }
    this.responseStarted = true;
    handler.corkDownstream();
    const ret = this.parser.execute(data);
    handler.uncorkDownstream();
    if (typeof ret !== 'number') this.fail('MG_UPSTREAM_BAD_RESPONSE', ret);
  }

  /** Consumed reads: the client writes of this read are gathered (see corkDownstream) until it is parsed. */
  private gather(handler: UpstreamResponseHandler): void {
    if (this.consumed && this.corkedHandler === null) {
      handler.corkDownstream();
      this.corkedHandler = handler;
    }
  }

  /**
   * @internal a consumed read was parsed: the counterpart of handleData's checks, made after the
   * fact (a kOnMessageBegin callback per response would cost more than these comparisons).
   */
  handleExecute(ret: number | ParserError): void {
    touchSocket(this.socket);
    const corked = this.corkedHandler;
    if (corked !== null) {
      this.corkedHandler = null;
      corked.uncorkDownstream();
    }
    const completedHere = this.completed !== this.completedAtRead;
    this.completedAtRead = this.completed;
    if (this.handler === null) {
      // Bytes on an idle connection (no response ended in this read): the server broke
      // protocol; never reuse it.
      if (!completedHere || typeof ret !== 'number') this.socket.destroy();
      return;
    }
    // Bytes of the current response arrived (unless its request was only just sent, after the
    // previous response ended in this same read): a failure from now on is not a stale reuse.
    if (!completedHere) this.responseStarted = true;
    if (typeof ret !== 'number') this.fail('MG_UPSTREAM_BAD_RESPONSE', ret);
  }

  /** @internal socket 'end': a close-delimited body ends here. */
  handleEnd(): void {
    this.peerEnded = true;
    if (this.handler !== null && this.inBody) {
      const ret = this.parser.finish();
      if (ret !== undefined && typeof ret !== 'number') this.fail('MG_UPSTREAM_BAD_RESPONSE', ret);
    }
    this.socket.end();
  }

  /** @internal socket 'close' */
  handleClose(): void {
    this.closed = true;
    if (this.consumed) {
      this.consumed = false;
      unconsumeSocket(this.parser, this.socket);
    }
    this.parser.free();
    const handler = this.handler;
    this.handler = null;
    this.owner.onConnectionClosed(this);
    if (handler !== null) {
      const code: ErrorCode = this.timedOutConnect
        ? 'MG_UPSTREAM_CONNECT_TIMEOUT'
        : this.timedOutIdle
          ? 'MG_UPSTREAM_TIMEOUT'
          : !this.connected && isRefusal(this.lastError)
            ? 'MG_UPSTREAM_REFUSED'
            : 'MG_UPSTREAM_RESET';
      handler.onUpstreamError(code, this.completed > 0 && !this.responseStarted && !this.timedOutIdle, this.lastError);
    }
  }

  private fail(code: ErrorCode, cause: Error): void {
    const handler = this.handler;
    this.handler = null;
    this.socket.destroy();
    if (handler !== null) handler.onUpstreamError(code, false, cause);
  }

  // --- parser events (called with `this` = the parser) ---

  /** @internal */
  parsedHeaders(rawHeaders: string[]): void {
    if (this.inBody) {
      this.handler?.onUpstreamTrailers(rawHeaders);
      return;
    }
    if (this.headerAcc === null) this.headerAcc = rawHeaders;
    else for (let i = 0; i < rawHeaders.length; i++) this.headerAcc.push(rawHeaders[i]!);
  }

  /** @internal */
  parsedHeadersComplete(versionMinor: number, rawHeaders: string[] | undefined, status: number, reason: string | undefined, keepAlive: boolean): number {
    let headers = rawHeaders ?? [];
    if (this.headerAcc !== null) {
      if (rawHeaders !== undefined) for (let i = 0; i < rawHeaders.length; i++) this.headerAcc.push(rawHeaders[i]!);
      headers = this.headerAcc;
      this.headerAcc = null;
    }
    const handler = this.handler;
    if (handler === null) return 1;
    this.gather(handler);
    if (status === 101) {
      // We never ask for an upgrade (Upgrade is not forwarded): a 101 cannot be relayed.
      this.fail('MG_UPSTREAM_BAD_RESPONSE', new Error('unsolicited 101 Switching Protocols'));
      return 1;
    }
    if (status >= 100 && status < 200) {
      // Interim response (100 Continue, 103 Early Hints): relay it, then expect the final one.
      handler.onUpstreamHead(status, reason ?? '', headers, versionMinor, keepAlive);
      return 1;
    }
    this.inBody = true;
    return handler.onUpstreamHead(status, reason ?? '', headers, versionMinor, keepAlive) ? 1 : 0;
  }

  /** @internal */
  parsedBody(chunk: Buffer): void {
    const handler = this.handler;
    if (handler === null) return;
    this.gather(handler);
    handler.onUpstreamBody(chunk);
  }

  /** @internal */
  parsedMessageComplete(keepAlive: boolean): void {
    if (!this.inBody) return; // end of an interim (1xx) response
    this.inBody = false;
    this.responseStarted = false;
    this.completed++;
    const handler = this.handler;
    this.handler = null;
    if (handler !== null) handler.onUpstreamComplete(keepAlive);
  }

  /** Open, idle, not closed by the upstream: it may carry the next request. */
  get readyForReuse(): boolean {
    return !this.closed && !this.peerEnded && this.handler === null && !this.inBody && this.connected;
  }

  /** @internal */
  handleConnect(): void {
    this.connected = true;
    // From now on the timer measures inactivity (reads and writes both reset it): an upstream
    // that stalls mid-response is cut instead of holding the client forever (Envoy's
    // stream_idle_timeout).
    this.socket.setTimeout(this.idleTimeoutMs);
  }

  /** @internal */
  handleTimeout(): void {
    if (!this.connected) {
      this.timedOutConnect = true;
      this.lastError = new Error(`connect timed out after ${this.connectTimeoutMs} ms`);
      this.socket.destroy();
    } else if (this.handler !== null) {
      this.timedOutIdle = true;
      this.lastError = new Error(`no traffic for ${this.idleTimeoutMs} ms`);
      this.socket.destroy();
    }
  }

  /** @internal */
  handleError(err: Error): void {
    this.lastError = err;
  }
}

function isRefusal(err: Error | null): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'EADDRNOTAVAIL';
}

// Shared listeners (no closures per connection): `this` is the socket or the parser.
type WithConn = { conn: UpstreamConnection };
function onConnect(this: WithConn): void { this.conn.handleConnect(); }
function onData(this: WithConn, data: Buffer): void { this.conn.handleData(data); }
function onEnd(this: WithConn): void { this.conn.handleEnd(); }
function onDrain(this: WithConn): void { this.conn.handler?.onUpstreamDrain(); }
function onTimeout(this: WithConn): void { this.conn.handleTimeout(); }
function onError(this: WithConn, err: Error): void { this.conn.handleError(err); }
function onClose(this: WithConn): void { this.conn.handleClose(); }
function onHeaders(this: WithConn, headers: string[]): void { this.conn.parsedHeaders(headers); }
function onHeadersComplete(
  this: WithConn, _major: number, minor: number, headers: string[] | undefined, _method: number | undefined,
  _url: string | undefined, status: number, reason: string | undefined, _upgrade: boolean, keepAlive: boolean,
): number {
  return this.conn.parsedHeadersComplete(minor, headers, status, reason, keepAlive);
}
function onBody(this: WithConn, chunk: Buffer): void { this.conn.parsedBody(chunk); }
function onExecute(this: WithConn, ret: number | ParserError): void { this.conn.handleExecute(ret); }
function onMessageComplete(this: WithConn): void {
  // llhttp does not pass keep-alive here; the head's flag already told the handler.
  this.conn.parsedMessageComplete(true);
}
